"""Connection strings and the simple transports (dummy, file)."""

from __future__ import annotations

from pathlib import Path

import pytest

from printer.encode import encode_ticket
from printer.job import print_bytes, print_ticket
from printer.layout import layout_ticket, sample_content
from printer.profile import load_printer_profile
from printer.status import Problem
from printer.transport import (
    Connection,
    ConnectionStringError,
    LinkError,
    open_link,
    parse_connection,
)


@pytest.mark.parametrize(
    ("text", "kind", "target", "options"),
    [
        ("usb:0x0416:0x5011", "usb", "0x0416:0x5011", {}),
        ("serial:/dev/ttyUSB0?baudrate=9600", "serial", "/dev/ttyUSB0", {"baudrate": "9600"}),
        ("tcp:192.168.1.50:9100", "tcp", "192.168.1.50:9100", {}),
        ("network:printer.local", "tcp", "printer.local", {}),
        ("cups:QueuePrinter", "cups", "QueuePrinter", {}),
        ("file:/dev/usb/lp0", "file", "/dev/usb/lp0", {}),
        ("dummy:", "dummy", "", {}),
    ],
)
def test_parse_connection(text: str, kind: str, target: str, options: dict[str, str]) -> None:
    assert parse_connection(text) == Connection(kind, target, options)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("bogus", "start with one of"),
        ("ftp:host", "start with one of"),
        ("usb:0416", "vendor and product"),
        ("usb:xx:yy", "vendor and product"),
        ("tcp:host:port", "port must be a number"),
        ("tcp:host:70000", "out of range"),
        ("serial:/dev/ttyS0?baudrate=fast", "baudrate must be a number"),
        ("file:", "nothing after"),
    ],
)
def test_bad_connection_strings(text: str, message: str) -> None:
    with pytest.raises(ConnectionStringError, match=message):
        parse_connection(text)


def test_dummy_link_records_bytes_and_cannot_answer() -> None:
    link = open_link("dummy:")
    assert not link.can_read
    link.send(b"\x1b@abc")
    assert link.printer.output == b"\x1b@abc"
    assert link.read(0.01) == b""


def test_file_transport_writes_the_exact_bytes(tmp_path: Path) -> None:
    profile = load_printer_profile("zh-58mm")
    encoded = encode_ticket(profile, layout_ticket(sample_content(), profile))
    out = tmp_path / "lp0"
    result = print_bytes(encoded, profile, f"file:{out}")
    assert result.ok and not result.confirmed  # a file cannot say it has paper
    assert out.read_bytes() == encoded.data


def test_missing_device_file_is_unreachable(tmp_path: Path) -> None:
    result = print_ticket(
        sample_content(), load_printer_profile("zh-58mm"), f"file:{tmp_path}/no/such/lp0"
    )
    assert not result.ok and result.problem is Problem.UNREACHABLE


def test_missing_driver_library_is_a_clear_link_error() -> None:
    from escpos.printer import Usb

    if Usb.is_usable():
        pytest.skip("pyusb is installed here")
    with pytest.raises(LinkError, match="install pyusb"):
        open_link("usb:0x0416:0x5011")
