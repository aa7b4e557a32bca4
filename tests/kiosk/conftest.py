"""A real hub on port 0 (a hall with a closed and a capped service), the virtual
printer, and a whole kiosk (bridge, replica, presenter, window) wired to both."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import time
from pathlib import Path
from typing import Any

import pytest

from hall.config import HallConfig, Service, TimeRange
from kiosk.app import Kiosk, build_kiosk
from kiosk.memory import HallMemory
from kiosk.presenter import KioskSettings
from kiosk.printing import TicketPrinter
from printer.profile import load_printer_profile
from printer.virtual import VirtualPrinter
from qtkit.bridge import HubBridge
from tests.conftest import TIMEOUT_S
from tests.hub.conftest import make_config
from tests.qtkit.conftest import ThreadedHub

WAIT_MS = int(TIMEOUT_S * 1000)


def kiosk_hall() -> HallConfig:
    """The test hall plus D (afternoons only) and E (one ticket a day)."""
    config = make_config()
    services = (*config.services,
                Service("D", "公积金提取", "social", name_en="Housing fund",
                        hours=(TimeRange(time(14, 0), time(17, 0)),)),
                Service("E", "出入境证件", "tax", name_en="Exit-entry permits", daily_cap=1))
    windows = list(config.windows)
    windows[0] = replace(windows[0], tiers=(*windows[0].tiers, ("D",), ("E",)))
    return replace(config, services=services, windows=tuple(windows))


@pytest.fixture
def kiosk_hub(tmp_path: Path) -> Iterator[ThreadedHub]:
    hub = ThreadedHub(str(tmp_path / "queue.db"))
    hub.config = kiosk_hall()
    hub.start()
    try:
        yield hub
    finally:
        hub.close()


@pytest.fixture
def virtual_printer() -> Iterator[VirtualPrinter]:
    with VirtualPrinter() as printer:
        yield printer


@pytest.fixture
def make_kiosk(qtbot: Any, qapp: Any, kiosk_hub: ThreadedHub,
               virtual_printer: VirtualPrinter) -> Iterator[Any]:
    made: list[Kiosk] = []

    def make(settings: KioskSettings | None = None, size: tuple[int, int] = (1080, 1920),
             hall_memory: HallMemory | None = None) -> Kiosk:
        bridge = HubBridge(kiosk_hub.url, "kiosk-1", "kiosk-secret", backoff_s=(0.05, 0.2),
                           request_timeout_s=TIMEOUT_S)
        printer = TicketPrinter(load_printer_profile("zh-80mm"), virtual_printer.connection)
        kiosk = build_kiosk(qapp, bridge, printer, settings, clock=kiosk_hub.clock,
                            hall_memory=hall_memory)
        made.append(kiosk)
        qtbot.addWidget(kiosk.window)
        kiosk.window.resize(*size)
        kiosk.window.show()
        with qtbot.waitSignal(kiosk.replica.reset, timeout=WAIT_MS):
            bridge.start()
        qtbot.waitUntil(lambda: kiosk.presenter.online, timeout=WAIT_MS)
        return kiosk

    yield make
    for kiosk in made:
        kiosk.timer.stop()
        kiosk.bridge.stop()
