"""The serial transport through a pty: status answers come back over the line."""

from __future__ import annotations

import os
import select
import threading
from collections.abc import Iterator

import pytest

from printer.job import print_ticket
from printer.layout import sample_content
from printer.profile import load_printer_profile
from printer.status import Paper, answer_for
from tests.conftest import TIMEOUT_S

pytestmark = pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pty")


class PtyPrinter:
    """The far end of a pty: keeps bytes, answers DLE EOT as a printer near paper end."""

    def __init__(self) -> None:
        self.master, slave = os.openpty()
        self.name = os.ttyname(slave)
        self._slave = slave
        self.received = bytearray()
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def run(self) -> None:
        while not self.stop.is_set():
            ready, _, _ = select.select([self.master], [], [], 0.05)
            if not ready:
                continue
            try:
                chunk = os.read(self.master, 4096)
            except OSError:
                return
            self.received += chunk
            data = bytes(self.received)
            for n in (1, 2, 4):
                marker = bytes([0x10, 0x04, n])
                while marker in data:
                    data = data.replace(marker, b"", 1)
                    os.write(self.master, bytes([answer_for(n, near_end=True)]))
            self.received = bytearray(data)


@pytest.fixture
def pty_printer() -> Iterator[PtyPrinter]:
    printer = PtyPrinter()
    printer.thread.start()
    yield printer
    printer.stop.set()
    printer.thread.join(TIMEOUT_S)
    os.close(printer.master)
    os.close(printer._slave)


def test_print_over_serial_with_status(pty_printer: PtyPrinter) -> None:
    profile = load_printer_profile("zh-58mm")
    result = print_ticket(sample_content(), profile, f"serial:{pty_printer.name}?baudrate=9600")
    assert result.ok and result.confirmed, result
    assert result.status.paper is Paper.NEAR_END
    assert result.warning is not None
