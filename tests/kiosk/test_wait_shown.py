"""The kiosk shows, before the touch, the wait a newcomer would have (hall/forecast.py),
and after it the range the hub gave; words from hall/words.py."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtWidgets import QLabel

from hall.protocol import Pause, SignIn, TakeTicket
from hall.words import english, wait_words
from hub.engine import Engine
from kiosk.model import service_views
from printer.virtual import VirtualPrinter
from tests.hub.engine_helpers import hall, service, window
from tests.kiosk.conftest import WAIT_MS
from tests.qtkit.conftest import ThreadedHub

TZ = ZoneInfo("Asia/Shanghai")
TEN = datetime(2026, 11, 2, 10, 0, tzinfo=TZ)


def test_before_the_touch_a_range_or_no_estimate() -> None:
    config = hall(services=[service("A", typical_minutes=5), service("B")],
                  windows=[window(1, "A"), window(2, "A"), window(3, "B")],
                  require_sign_in=True)
    engine = Engine(config)
    for n in (1, 2):
        engine.execute(SignIn(id=1, window=n, staff=f"00{n}"), TEN)
    for _ in range(12):
        engine.execute(TakeTicket(id=1, service="A"), TEN)
    views = {v.id: v for v in service_views(config, engine.state, TEN.time(), TEN)}
    a, b = views["A"], views["B"]
    assert a.wait_known and a.wait_range is not None
    low, high = a.wait_range
    assert 0 < low <= a.wait_min <= high
    shown = wait_words(a.wait_min, range_min=a.wait_range, known=a.wait_known)
    assert shown == f"约 {low}–{high} 分钟"
    assert wait_words(a.wait_min, english, range_min=a.wait_range) == f"about {low}–{high} min"
    # nobody is signed in at window 3: B cannot be estimated, and never says 约 0 分钟
    assert not b.wait_known
    assert wait_words(b.wait_min, range_min=b.wait_range, known=b.wait_known) == "暂无法估计"
    engine.execute(Pause(id=1, window=1), TEN)
    engine.execute(Pause(id=1, window=2), TEN)
    paused = {v.id: v for v in service_views(config, engine.state, TEN.time(), TEN)}
    assert not paused["A"].wait_known


def test_the_kiosk_window_shows_the_range_before_and_after_the_touch(
    qtbot: Any, make_kiosk: Any, kiosk_hub: ThreadedHub, virtual_printer: VirtualPrinter
) -> None:
    kiosk_hub.issue(6, "C")  # only window 62 serves C
    kiosk = make_kiosk()
    w, p = kiosk.window, kiosk.presenter
    w.buttons["zone:social"].click()
    label = w.buttons["service:C"].text()
    assert "等候 6 人 · 约" in label and "分钟" in label and "约 0 分钟" not in label
    w.buttons["service:C"].click()
    qtbot.waitUntil(lambda: p.taken is not None and p.taken.printed is True, timeout=WAIT_MS)
    assert p.taken is not None and p.taken.wait_range is not None
    shown = " ".join(lb.text() for lb in w.centralWidget().findChildren(QLabel))
    low, high = p.taken.wait_range
    words = wait_words(p.taken.wait_min, range_min=p.taken.wait_range)
    assert f"预计等候 {words}" in shown and (low < high or "约" in words)
