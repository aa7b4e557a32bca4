"""帮办代办: the rules of the ``assist`` request, and the counts of a scripted day worked
out by hand in the statistics, `jiaohao report` (PDF, XLSX, CSV) and the supervisor's
headline."""

from __future__ import annotations

import csv
import dataclasses
from datetime import date, datetime
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from hall import errors
from hall.config import HallConfig, Staff
from hall.protocol import (
    Assist,
    CallNext,
    CloseDay,
    Finish,
    Request,
    SignIn,
    Skip,
    TakeTicket,
)
from hub.engine import Engine
from ledger.stats import hall_stats
from ledger.store import Store
from report.cli import write_report
from tests.hub.engine_helpers import MORNING, at, call, hall, refused, service, take, window
from tests.ledger.test_stats import play

STAFF = (Staff("0101", "张三"), Staff("0102", "李四"))


def assist_hall() -> HallConfig:
    """A and B are 帮办代办 services, C is not; window 1 serves A then B, window 2 is the
    帮办代办 window (it serves C, yet may record a 代办 item for A or B)."""
    services = (service("A", assist=True), service("B", assist=True), service("C", zone="Z2"))
    windows = (window(1, "A", "B"), dataclasses.replace(window(2, "C"), assist=True),
               window(3, "C"))
    return hall(services=services, windows=windows, staff=STAFF)


def test_the_assist_rules() -> None:
    engine = Engine(assist_hall())
    refused(engine, Assist(id=1, window=1, assist="help"), errors.WindowIdle)
    ticket = take(engine, "A")
    refused(engine, Assist(id=1, window=1, assist="help", ticket=ticket.id),
            errors.NotServedHere)  # still waiting
    call(engine, 1)
    out = engine.execute(Assist(id=1, window=1, assist="proxy", note="老人行动不便"), MORNING)
    assert out.data == {"assist": "proxy", "service": "A", "number": "A001"}
    assert out.events[0].data["ticket_id"] == ticket.id
    refused(engine, Assist(id=1, window=1, assist="help"), errors.AssistRefused)  # marked
    take(engine, "C")
    call(engine, 3)
    refused(engine, Assist(id=1, window=3, assist="help"), errors.AssistRefused)  # C is not
    # A 代办 item without a ticket: only 代办, only a listed service, only a window
    # that serves it or the 帮办代办 window.
    refused(engine, Assist(id=1, window=2, assist="help", service="A"), errors.AssistRefused)
    refused(engine, Assist(id=1, window=2, assist="proxy", service="C"), errors.AssistRefused)
    refused(engine, Assist(id=1, window=3, assist="proxy", service="A"), errors.AssistRefused)
    refused(engine, Assist(id=1, window=2, assist="proxy", service="Q"), errors.UnknownService)
    item = engine.execute(Assist(id=1, window=2, assist="proxy", service="B",
                                 source="village"), MORNING)
    assert item.data == {"assist": "proxy", "service": "B", "number": None}
    assert item.events[0].data == {"window": 2, "assist": "proxy", "service": "B",
                                   "zone": "Z1", "staff": None, "source": "village"}


#: The day, worked out by hand below.
SCRIPT: list[tuple[datetime, Request]] = [
    (at(9, 0), TakeTicket(id=1, service="A")),          # A001
    (at(9, 1), TakeTicket(id=2, service="A")),          # A002
    (at(9, 2), TakeTicket(id=3, service="B")),          # B001
    (at(9, 3), TakeTicket(id=4, service="C")),          # C001
    (at(9, 5), SignIn(id=5, window=1, staff="0101")),
    (at(9, 5), SignIn(id=6, window=2, staff="0102")),
    (at(9, 10), CallNext(id=7, window=1)),              # A001 at 1
    (at(9, 12), Assist(id=8, window=1, assist="help")),  # 帮办 A, 0101, window 1
    (at(9, 20), Finish(id=9, window=1)),
    (at(9, 21), CallNext(id=10, window=1)),             # A002 at 1
    (at(9, 22), Assist(id=11, window=1, assist="proxy")),  # 代办 A, 0101, window 1
    (at(9, 30), Finish(id=12, window=1)),
    (at(10, 0), Assist(id=13, window=2, assist="proxy", service="B", source="phone")),
    (at(10, 5), Assist(id=14, window=2, assist="proxy", service="A", source="village")),
    (at(10, 10), CallNext(id=15, window=1)),            # B001 at 1
    (at(10, 11), Assist(id=16, window=1, assist="help")),  # 帮办 B, 0101, window 1
    (at(10, 20), Finish(id=17, window=1)),
    (at(10, 30), CallNext(id=18, window=2)),            # C001 at 2: not 帮办代办
    (at(10, 31), Skip(id=19, window=2)),
    (at(12, 0), CloseDay(id=20)),
]

#: (help, proxy) by hand: total 2/3; A 1/2, B 1/1, C 0/0; window 1 2/1, window 2 0/2;
#: clerk 0101 2/1, clerk 0102 0/2; hours 9:00 1/1, 10:00 1/2.
EXPECTED = {
    ("total", None): (2, 3),
    ("by_service", "A"): (1, 2), ("by_service", "B"): (1, 1), ("by_service", "C"): (0, 0),
    ("by_window", "1"): (2, 1), ("by_window", "2"): (0, 2),
    ("by_clerk", "0101"): (2, 1), ("by_clerk", "0102"): (0, 2),
    ("by_zone", "Z1"): (2, 3),
}


def day_stats(tmp_path: Path) -> tuple[HallConfig, dict[str, Any]]:
    config = assist_hall()
    store = Store.open(str(tmp_path / "q.db"))
    store.write(play(config, SCRIPT))
    stats = hall_stats(store.db, config, date(2026, 11, 2), date(2026, 11, 2))
    store.close()
    return config, stats


def test_the_statistics_count_帮办代办_as_worked_out_by_hand(tmp_path: Path) -> None:
    _, stats = day_stats(tmp_path)
    for (dimension, key), (help_, proxy) in EXPECTED.items():
        found = stats["total"] if key is None else {
            r["key"]: r for r in stats[dimension]}.get(key, {"help": 0, "proxy": 0})
        assert (found["help"], found["proxy"]) == (help_, proxy), (dimension, key)
    hours = {r["key"]: r for r in stats["by_hour"]}
    assert [(hours[h]["help"], hours[h]["proxy"]) for h in ("09", "10")] == [(1, 1), (1, 2)]
    assert [(r["help"], r["proxy"]) for r in stats["by_day"]] == [(2, 3)]


def test_the_report_shows_帮办代办_in_pdf_xlsx_and_csv(
    tmp_path: Path, qapp: object,
) -> None:
    from PySide6.QtPdf import QPdfDocument

    config, stats = day_stats(tmp_path)
    out = tmp_path / "out"
    written = write_report(stats, config.hall.name, out, ["pdf", "xlsx", "csv"])
    # CSV: the clerks' table
    clerks = next(p for p in written if p.name.endswith("-by_clerk.csv"))
    with clerks.open(encoding="utf-8-sig") as f:
        table = list(csv.reader(f))
    header = table[0]
    by_name = {r[0]: dict(zip(header, r, strict=True)) for r in table[1:]}
    assert (by_name["张三"]["帮办"], by_name["张三"]["代办"]) == ("2", "1")
    assert (by_name["李四"]["帮办"], by_name["李四"]["代办"]) == ("0", "2")
    # XLSX: the services' sheet
    book = load_workbook(next(p for p in written if p.suffix == ".xlsx"))
    sheet = book["按业务"]
    head = [c.value for c in sheet[2]]
    rows = {r[0]: dict(zip(head, r, strict=True))
            for r in sheet.iter_rows(min_row=3, values_only=True)}
    assert [(rows[n]["帮办"], rows[n]["代办"]) for n in ("业务A", "业务B")] == [(1, 2), (1, 1)]
    total = book["全厅合计"]
    total_head = [c.value for c in total[2]]
    first = dict(zip(total_head, next(total.iter_rows(min_row=3, values_only=True)),
                     strict=True))
    assert (first["帮办"], first["代办"]) == (2, 3)
    # PDF: the columns are drawn
    document = QPdfDocument()
    document.load(str(next(p for p in written if p.suffix == ".pdf")))
    text = "".join(document.getAllText(p).text() for p in range(document.pageCount()))
    assert "帮办" in text and "代办" in text


def test_the_supervisor_headline_counts_帮办代办(qtbot: Any, tmp_path: Path) -> None:
    from supervisor.model import Dashboard
    from supervisor.window import DashboardWindow

    _, stats = day_stats(tmp_path)
    model = Dashboard(requester=None, clock=lambda: MORNING)  # type: ignore[arg-type]
    window = DashboardWindow(model)
    qtbot.addWidget(window)
    model.figures = stats
    window.redraw()
    assert "帮办 2　代办 3" in window.headline.text()
