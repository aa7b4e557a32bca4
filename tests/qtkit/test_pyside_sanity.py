"""PySide6 6.12.0 dropped a reference to True on every ``Signal.emit()``; on Python
3.11 an app then aborts after a few thousand signals. Keep such a build out."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal


class _Sender(QObject):
    ping = Signal(object)


def test_emitting_signals_keeps_reference_counts(qtbot: object) -> None:
    sender = _Sender()
    got: list[object] = []
    sender.ping.connect(got.append)
    before = sys.getrefcount(True), sys.getrefcount(False)
    for n in range(200):
        sender.ping.emit(n)
    assert len(got) == 200
    assert (sys.getrefcount(True), sys.getrefcount(False)) == before
