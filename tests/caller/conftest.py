"""A real hub on port 0 with clerks, and calling terminals wired to it."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from hall.config import Staff
from qtkit.station import Station
from tests.conftest import TIMEOUT_S
from tests.qtkit.conftest import ThreadedHub
from tests.qtkit.conftest import make_bridge as make_bridge  # a fixture, re-exported

WAIT_MS = int(TIMEOUT_S * 1000)


def clerk_hall(hub: ThreadedHub) -> None:
    config = hub.config
    services = tuple(dataclasses.replace(s, max_minutes=15.0) if s.id == "A" else s
                     for s in config.services)
    hub.config = dataclasses.replace(
        config, services=services,
        staff=(Staff("1001", "王丽"), Staff("1002", "李强")))


@pytest.fixture
def hall_hub(tmp_path: Path) -> Iterator[ThreadedHub]:
    hub = ThreadedHub(str(tmp_path / "queue.db"))
    clerk_hall(hub)
    hub.start()
    try:
        yield hub
    finally:
        hub.close()


@pytest.fixture
def terminal(
    qtbot: Any, make_bridge: Any, hall_hub: ThreadedHub,
) -> Iterator[Any]:
    """``terminal(window=1)``: a started Wiring for caller-N, with the hub's clock."""
    from caller.app import Wiring

    made: list[Any] = []

    def make(window: int = 1, compact: bool = False, serial: tuple[Any, ...] = (),
             app: dict[str, Any] | None = None, file: Path | None = None) -> Any:
        bridge = make_bridge(f"caller-{window}", f"caller-{window}-secret")
        station = Station(hub=hall_hub.url, device=f"caller-{window}",
                          token=f"caller-{window}-secret", serial=serial, app=app or {},
                          file=file)
        wiring = Wiring(station, compact=compact, bridge=bridge,
                        clock=hall_hub.clock)
        for window_ in (wiring.terminal.full, wiring.terminal.strip):
            qtbot.addWidget(window_)
        with qtbot.waitSignal(wiring.replica.reset, timeout=WAIT_MS):
            wiring.start()
        qtbot.waitUntil(lambda: wiring.presenter.view.online and wiring.presenter.window
                        == window, timeout=WAIT_MS)
        made.append(wiring)
        return wiring

    yield make
    for wiring in made:
        wiring.stop()


def at(hub: ThreadedHub) -> datetime:
    return hub.clock.now


@pytest.fixture
def themed(qapp: Any) -> Iterator[None]:
    """The application styled as ``jiaohao caller`` styles it, for this test only."""
    from caller.app import terminal_theme
    from qtkit.theme import apply_theme

    palette, sheet = qapp.palette(), qapp.styleSheet()
    apply_theme(qapp, terminal_theme())
    yield
    qapp.setStyleSheet(sheet)
    qapp.setPalette(palette)
