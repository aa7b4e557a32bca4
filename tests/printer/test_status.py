"""Status semantics: decoding DLE EOT answers, and every fault of the virtual printer
seen through the real network transport."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from printer.job import print_ticket, query_status
from printer.layout import sample_content
from printer.profile import PrinterProfile, load_printer_profile
from printer.render import render
from printer.status import Paper, Problem, answer_for, decode_status
from printer.transport import open_link
from printer.virtual import Faults, VirtualPrinter, scan
from tests.conftest import TIMEOUT_S


@pytest.mark.parametrize(
    ("answers", "online", "paper", "cover", "problem"),
    [
        ({1: 0x12, 2: 0x12, 4: 0x12}, True, Paper.OK, False, None),
        ({1: 0x1A, 2: 0x32, 4: 0x72}, False, Paper.OUT, False, Problem.PAPER_OUT),
        ({1: 0x12, 2: 0x12, 4: 0x1E}, True, Paper.NEAR_END, False, None),
        ({1: 0x1A, 2: 0x16, 4: 0x12}, False, Paper.OK, True, Problem.COVER_OPEN),
        ({1: 0x1A}, False, Paper.UNKNOWN, None, Problem.OFFLINE),
        ({}, None, Paper.UNKNOWN, None, None),
        ({1: 0xFF, 2: 0x00}, None, Paper.UNKNOWN, None, None),  # not status bytes: unknown
    ],
)
def test_decode_status(
    answers: dict[int, int],
    online: bool | None,
    paper: Paper,
    cover: bool | None,
    problem: Problem | None,
) -> None:
    status = decode_status(answers)
    assert (status.online, status.paper, status.cover_open, status.problem) == (
        online,
        paper,
        cover,
        problem,
    )
    assert status.known == (online is not None)


def test_silence_is_unknown_never_fine() -> None:
    status = decode_status({})
    assert not status.known
    assert status.paper is Paper.UNKNOWN and status.online is None
    assert "unknown" in status.describe().lower()


def test_answer_bytes_match_the_manual_examples() -> None:
    assert answer_for(4, near_end=True) == 0x1E
    assert answer_for(4, paper_out=True) == 0x72
    assert answer_for(1) == 0x12


@pytest.fixture
def profile() -> PrinterProfile:
    return load_printer_profile("zh-80mm")


@pytest.fixture
def vp() -> Iterator[VirtualPrinter]:
    with VirtualPrinter() as printer:
        yield printer


def test_ready_printer_prints_the_exact_bytes(vp: VirtualPrinter, profile: PrinterProfile) -> None:
    result = print_ticket(sample_content(), profile, vp.connection)
    assert result.ok and result.confirmed and result.warning is None
    assert vp.wait_for_jobs(1, TIMEOUT_S)
    assert len(vp.jobs[0]) == result.bytes_sent
    assert render(vp.jobs[0]).lines[3] == "A001"
    assert vp.status_requests == [1, 2, 4, 1, 2, 4]


@pytest.mark.parametrize(
    ("faults", "problem", "text"),
    [
        (Faults(paper_out=True), Problem.PAPER_OUT, "打印机缺纸 / Printer out of paper"),
        (Faults(cover_open=True), Problem.COVER_OPEN, "打印机盖未关 / Printer cover open"),
        (Faults(offline=True), Problem.OFFLINE, "打印机离线 / Printer offline"),
    ],
)
def test_faults_stop_the_job_before_any_byte(
    vp: VirtualPrinter, profile: PrinterProfile, faults: Faults, problem: Problem, text: str
) -> None:
    vp.faults = faults
    result = print_ticket(sample_content(), profile, vp.connection)
    assert not result.ok
    assert result.problem is problem and result.message == text
    assert result.bytes_sent == 0
    vp.wait_for_jobs(0, TIMEOUT_S)
    assert vp.jobs == []


def test_paper_near_end_prints_with_a_warning(vp: VirtualPrinter, profile: PrinterProfile) -> None:
    vp.faults = Faults(near_end=True)
    result = print_ticket(sample_content(), profile, vp.connection)
    assert result.ok and result.status.paper is Paper.NEAR_END
    assert result.warning is not None and "即将用完" in result.warning


def test_silent_printer_is_unknown_not_fine(vp: VirtualPrinter, profile: PrinterProfile) -> None:
    vp.faults = Faults(silent=True)
    result = print_ticket(sample_content(), profile, vp.connection)
    assert result.ok  # the bytes went out …
    assert not result.confirmed and not result.status.known  # … but nobody said it printed
    assert result.status.paper is Paper.UNKNOWN
    assert result.warning is not None and "unknown" in result.warning
    assert vp.wait_for_jobs(1, TIMEOUT_S)
    assert vp.status_requests == [1]  # one silence is enough: no waiting three times


def test_disconnect_mid_job_is_a_failure(vp: VirtualPrinter, profile: PrinterProfile) -> None:
    vp.faults = Faults(disconnect_after_bytes=100)
    result = print_ticket(sample_content(), profile, vp.connection)
    assert not result.ok
    assert result.problem is Problem.DISCONNECTED
    assert vp.wait_for_jobs(1, TIMEOUT_S)
    assert len(vp.jobs[0]) == 100


def test_paper_running_out_during_the_job(vp: VirtualPrinter, profile: PrinterProfile) -> None:
    link = open_link(vp.connection)
    try:
        assert query_status(link, 1.0).problem is None
        vp.faults = Faults(paper_out=True)
        link.send(b"\x1b@")
        assert query_status(link, 1.0).problem is Problem.PAPER_OUT
    finally:
        link.close()


def test_unreachable_printer(profile: PrinterProfile) -> None:
    with VirtualPrinter() as gone:
        connection = gone.connection
    result = print_ticket(sample_content(), profile, connection)
    assert not result.ok and result.problem is Problem.UNREACHABLE
    assert result.message == "无法连接打印机 / Cannot reach the printer"


def test_profile_without_status_does_not_ask(vp: VirtualPrinter) -> None:
    from dataclasses import replace

    profile = replace(load_printer_profile("zh-58mm"), status_query=False)
    result = print_ticket(sample_content(), profile, vp.connection)
    assert result.ok and not result.confirmed and result.warning is not None
    assert vp.wait_for_jobs(1, TIMEOUT_S)
    assert vp.status_requests == []


def test_status_requests_inside_image_data_are_not_answered() -> None:
    raster = b"\x1dv0\x00\x02\x00\x02\x00" + b"\x10\x04\x01\x00"
    found, end = scan(raster + b"\x10\x04\x02", 0)
    assert found == [(len(raster), 2)]
    assert end == len(raster) + 3
    partial, resume = scan(b"AB\x1dv0\x00\x02\x00\x02\x00\x10", 0)
    assert partial == [] and resume == 2


def test_on_job_gets_each_finished_job(profile: PrinterProfile) -> None:
    import queue

    got: queue.Queue[bytes] = queue.Queue()
    with VirtualPrinter(on_job=got.put) as printer:
        assert print_ticket(sample_content(), profile, printer.connection).ok
        job = got.get(timeout=TIMEOUT_S)
    assert b"A001" in job and b"\x10\x04" not in job
