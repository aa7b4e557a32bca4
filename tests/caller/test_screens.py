"""The terminal in each state, styled as it runs, as a person sees it (set JIAOHAO_SHOTS=dir
to keep PNGs)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QApplication

from qtkit.fonts import setup_fonts
from qtkit.screenshot import grab
from tests.caller.conftest import WAIT_MS
from tests.qtkit.conftest import ThreadedHub


def test_screens_of_every_state(qtbot: Any, terminal: Any, hall_hub: ThreadedHub,
                                tmp_path: Path, themed: None) -> None:
    setup_fonts(QApplication.instance())
    out = Path(os.environ.get("JIAOHAO_SHOTS") or tmp_path)
    wiring = terminal()
    p, term = wiring.presenter, wiring.terminal
    term.full.resize(term.full.sizeHint())  # the size it opens at
    term.strip.resize(term.strip.sizeHint())

    def shoot(state: str) -> None:
        for name, widget in (("full", term.full), ("compact", term.strip)):
            assert grab(widget, out / f"caller-{state}-{name}.png").stat().st_size > 0

    shoot("signed-out")
    p.act("sign_in", staff="1001")
    qtbot.waitUntil(lambda: p.view.signed_in and not p.view.busy, timeout=WAIT_MS)
    hall_hub.issue(5, "A")
    hall_hub.issue(2, "B")
    qtbot.waitUntil(lambda: p.view.total_waiting == 7, timeout=WAIT_MS)
    shoot("idle")
    p.act("call_next")
    qtbot.waitUntil(lambda: p.view.current is not None and not p.view.busy, timeout=WAIT_MS)
    hall_hub.clock.advance(minutes=4, seconds=12)
    p.tick()
    shoot("serving")
    hall_hub.clock.advance(minutes=14)
    p.tick()
    assert p.view.current is not None and p.view.current.over_time
    shoot("over-time")
    p.act("pause", reason="临时离开")  # paused mid-service: the citizen stays on screen
    qtbot.waitUntil(lambda: p.view.paused and not p.view.busy, timeout=WAIT_MS)
    assert term.full.number.text() == p.view.current.number  # type: ignore[union-attr]
    shoot("paused-serving")
    p.act("finish")
    qtbot.waitUntil(lambda: p.view.current is None and not p.view.busy, timeout=WAIT_MS)
    shoot("paused")
    p.act("resume")
    qtbot.waitUntil(lambda: not p.view.paused and not p.view.busy, timeout=WAIT_MS)
    p.act("call_next")
    qtbot.waitUntil(lambda: p.view.current is not None, timeout=WAIT_MS)
    hall_hub.stop()
    qtbot.waitUntil(lambda: not p.view.online, timeout=WAIT_MS)
    shoot("offline")
