"""帮办代办 at the calling terminal: a clerk marks the ticket in hand 帮办 or 代办, or
records a 代办 item that came without a ticket (by phone, from a village station)."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication

from qtkit.fonts import setup_fonts
from qtkit.screenshot import grab
from tests.caller.conftest import WAIT_MS, clerk_hall
from tests.qtkit.conftest import ThreadedHub


@pytest.fixture
def hall_hub(tmp_path: Path) -> Iterator[ThreadedHub]:
    """The clerks' hall with A (办税) listed as 帮办代办 and window 2 the 帮办代办 window."""
    hub = ThreadedHub(str(tmp_path / "queue.db"))
    clerk_hall(hub)
    config = hub.config
    hub.config = dataclasses.replace(
        config,
        services=tuple(dataclasses.replace(s, assist=True) if s.id == "A" else s
                       for s in config.services),
        windows=tuple(dataclasses.replace(w, assist=True) if w.number == 2 else w
                      for w in config.windows))
    hub.start()
    try:
        yield hub
    finally:
        hub.close()


def test_the_terminal_marks_and_records_帮办代办(
    qtbot: Any, terminal: Any, hall_hub: ThreadedHub, tmp_path: Path, themed: None,
) -> None:
    setup_fonts(QApplication.instance())
    out = Path(os.environ.get("JIAOHAO_SHOTS") or tmp_path)
    wiring = terminal()
    p, term = wiring.presenter, wiring.terminal
    term.full.resize(term.full.sizeHint())
    p.act("sign_in", staff="1001")
    qtbot.waitUntil(lambda: p.view.signed_in and not p.view.busy, timeout=WAIT_MS)
    assert p.view.assist_services == (("A", "办税服务"),)
    assert "help" not in p.view.enabled  # nobody in hand
    hall_hub.issue(1, "A")
    hall_hub.issue(1, "B")
    p.act("call_next")
    qtbot.waitUntil(lambda: p.view.current is not None and not p.view.busy, timeout=WAIT_MS)
    assert {"help", "proxy"} <= p.view.enabled
    assert term.full.action_buttons.buttons["help"].isEnabled()
    term.trigger("help")
    qtbot.waitUntil(lambda: p.view.current is not None and p.view.current.assisted == "help",
                    timeout=WAIT_MS)
    assert "已记为帮办" in p.view.message
    assert "已记帮办" in term.full.detail.text()
    assert not {"help", "proxy"} & p.view.enabled  # one mark a visit
    assert grab(term.full, out / "caller-assist-marked-full.png").stat().st_size > 0

    # A 代办 item without a ticket: a request that came from a village station.
    term.full.assist_source.setCurrentIndex(term.full.assist_source.findData("village"))
    term.trigger("proxy_item")
    qtbot.waitUntil(lambda: "已登记代办" in p.view.message, timeout=WAIT_MS)
    assert p.view.message == "已登记代办：办税服务（村（社区）代办点）"

    # B is not 帮办代办: nothing to mark.
    p.act("finish")
    qtbot.waitUntil(lambda: p.view.current is None and not p.view.busy, timeout=WAIT_MS)
    p.act("call_next")
    qtbot.waitUntil(lambda: p.view.current is not None and not p.view.busy, timeout=WAIT_MS)
    assert p.view.current is not None and p.view.current.service == "B"
    assert not {"help", "proxy"} & p.view.enabled


def test_a_window_with_no_帮办代办_service_shows_no_such_row(
    qtbot: Any, terminal: Any, hall_hub: ThreadedHub,
) -> None:
    wiring = terminal(window=61)  # serves B only, not the 帮办代办 window
    p, term = wiring.presenter, wiring.terminal
    p.act("sign_in", staff="1002")
    qtbot.waitUntil(lambda: p.view.signed_in and not p.view.busy, timeout=WAIT_MS)
    assert p.view.assist_services == ()
    assert term.full.assist_services.isHidden()
    assert "proxy_item" not in p.view.enabled
