"""ID-card readers: profiles, finding the number in a line, a serial reader on a pty."""

from __future__ import annotations

import os
import threading

from kiosk.idcard import (
    LineSplitter,
    SerialIdReader,
    find_id_number,
    load_idcard_profile,
)

ID = "11010519491231002X"


def test_profiles_load() -> None:
    assert load_idcard_profile("keyboard-wedge").transport == "keyboard"
    serial = load_idcard_profile("serial-line")
    assert serial.transport == "serial" and serial.line_end == b"\r\n"


def test_find_the_number_in_a_line() -> None:
    assert find_id_number(f"张三|男|{ID.lower()}|北京市") == ID
    assert find_id_number("110105194912310021") is None  # bad check digit
    assert find_id_number("1" * 30) is None
    splitter = LineSplitter(b"\r\n")
    assert splitter.feed(b"abc\r") == [] and splitter.feed(b"\ndef\r\n") == [b"abc", b"def"]


def test_a_serial_reader_on_a_pty() -> None:
    master, slave = os.openpty()
    got: list[str] = []
    seen = threading.Event()

    def on_number(number: str) -> None:
        got.append(number)
        seen.set()

    reader = SerialIdReader(os.ttyname(slave), load_idcard_profile("serial-line"),
                            on_number).start()
    try:
        for _ in range(25):  # the reader drops what came before it opened the port
            os.write(master, f"noise\r\n姓名:张三 {ID}\r\n".encode("gbk"))
            if seen.wait(0.2):
                break
        assert seen.is_set()
    finally:
        reader.stop()
        os.close(master)
        os.close(slave)
    assert set(got) == {ID}


def test_the_station_chooses_the_reader(qapp: object) -> None:
    import pytest
    from PySide6.QtCore import QObject

    from kiosk.app import start_idcard_reader
    from tests.kiosk.test_presenter import make

    presenter = make()[0]
    parent = QObject()
    assert start_idcard_reader({}, presenter, parent) is None
    assert start_idcard_reader({"idcard_profile": "keyboard-wedge"}, presenter, parent) is None
    with pytest.raises(ValueError, match="idcard_port"):
        start_idcard_reader({"idcard_profile": "serial-line"}, presenter, parent)
