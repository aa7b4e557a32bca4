"""The kiosk judges opening hours by the hub's clock, not by its own."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from kiosk.app import build_kiosk
from kiosk.printing import TicketPrinter
from printer.profile import load_printer_profile
from printer.virtual import VirtualPrinter
from qtkit.bridge import HubBridge
from tests.conftest import FakeClock
from tests.kiosk.conftest import WAIT_MS
from tests.qtkit.conftest import ThreadedHub


def test_a_kiosk_whose_own_clock_is_wrong_follows_the_hub(
    qtbot: Any, qapp: Any, kiosk_hub: ThreadedHub, virtual_printer: VirtualPrinter
) -> None:
    # The hub says 10:00; this kiosk's own clock says 15:00, when D (14:00-17:00) is open.
    wrong = FakeClock(kiosk_hub.clock.now + timedelta(hours=5))
    bridge = HubBridge(kiosk_hub.url, "kiosk-1", "kiosk-secret", backoff_s=(0.05, 0.2))
    printer = TicketPrinter(load_printer_profile("zh-80mm"), virtual_printer.connection)
    kiosk = build_kiosk(qapp, bridge, printer, clock=wrong)
    qtbot.addWidget(kiosk.window)
    try:
        assert kiosk.presenter.now().hour == 15  # before the welcome: its own clock
        with qtbot.waitSignal(kiosk.replica.reset, timeout=WAIT_MS):
            bridge.start()
        assert kiosk.presenter.now().hour == 10
        d = next(v for v in kiosk.presenter.services() if v.id == "D")
        assert not d.available and "14:00-17:00" in d.reason
        kiosk_hub.clock.advance(hours=5)  # the hub's afternoon: D opens
        wrong.advance(hours=5)
        assert kiosk.presenter.now().hour == 15
        d = next(v for v in kiosk.presenter.services() if v.id == "D")
        assert d.available
    finally:
        kiosk.timer.stop()
        bridge.stop()
