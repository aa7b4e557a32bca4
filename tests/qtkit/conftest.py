"""A real hub on port 0 in its own thread (the Qt event loop owns the test's thread),
and bridges to it."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest

from hall.client import HubClient
from hub.server import Hub
from qtkit.bridge import HubBridge
from tests.conftest import TIMEOUT_S
from tests.hub.conftest import Clock, make_config

T = TypeVar("T")


class LoopThread:
    """An asyncio loop in a thread of its own (the test's thread runs Qt's loop)."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, name="test-loop")
        self._thread.start()

    def run(self, coro: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(TIMEOUT_S * 3)

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(TIMEOUT_S)
        self.loop.close()


class ThreadedHub(LoopThread):
    """A hub on its own asyncio loop in a thread; stop and start it again on its port."""

    def __init__(self, db_path: str) -> None:
        super().__init__()
        self.config = make_config()
        self.db_path = db_path
        self.clock = Clock()
        self.port = 0
        self.hub: Hub | None = None

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    def start(self) -> None:
        async def start() -> Hub:
            hub = Hub(self.config, self.db_path, port=self.port, clock=self.clock)
            await hub.start()
            return hub

        self.hub = self.run(start())
        self.port = self.hub.port

    def stop(self) -> None:
        if self.hub is not None:
            self.run(self.hub.stop())
            self.hub = None

    def issue(self, count: int, service: str = "A") -> list[dict[str, Any]]:
        """Take ``count`` tickets through a kiosk of its own; their data."""

        async def issue() -> list[dict[str, Any]]:
            async with HubClient(self.url, "kiosk-1", "kiosk-secret") as kiosk:
                return [await kiosk.request("take_ticket", service=service)
                        for _ in range(count)]

        return self.run(issue())

    def public_state(self) -> dict[str, Any]:
        async def public() -> dict[str, Any]:
            assert self.hub is not None
            return self.hub.engine.state.public()

        return self.run(public())

    def close(self) -> None:
        self.stop()
        super().close()


@pytest.fixture
def hall_hub(tmp_path: Path) -> Iterator[ThreadedHub]:
    hub = ThreadedHub(str(tmp_path / "queue.db"))
    hub.start()
    try:
        yield hub
    finally:
        hub.close()


@pytest.fixture
def make_bridge(hall_hub: ThreadedHub) -> Iterator[Any]:
    """``make_bridge("kiosk-1", "kiosk-secret")``: a bridge to the hub, not yet started."""
    made: list[HubBridge] = []

    def make(device: str = "kiosk-1", token: str = "kiosk-secret", **kwargs: Any) -> HubBridge:
        kwargs.setdefault("backoff_s", (0.05, 0.2))
        kwargs.setdefault("request_timeout_s", TIMEOUT_S)
        bridge = HubBridge(hall_hub.url, device, token, **kwargs)
        made.append(bridge)
        return bridge

    yield make
    for bridge in made:
        bridge.stop()
