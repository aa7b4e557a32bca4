"""Fixtures for the hub tests: a small hall built in code, a real hub on port 0, and a
thin test client over real websocket connections."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from hall.config import Device, HallConfig, HallInfo, Policy, Role, Service, Window, Zone
from hub.server import Hub
from tests.conftest import TIMEOUT_S
from tests.conftest import FakeClock as Clock  # the name the hub tests import
from tests.conftest import clock as clock  # the fixture, for modules importing it from here

#: Windows 1..60 serve A then B; 61 serves B only; 62 serves C only.
N_WINDOWS = 62


def make_config(policy: Policy | None = None) -> HallConfig:
    """A hall with three services, 62 windows, a kiosk, two displays, an admin and one
    caller per window (token ``caller-N-secret``)."""
    devices = [
        Device("kiosk-1", Role.KIOSK, token="kiosk-secret"),
        Device("display-1", Role.DISPLAY, token="display-secret"),
        Device("display-2", Role.DISPLAY,
               token_sha256="9c4d0d6d0fba1e0a9e1b8e9a1b4d8b2b8f0e9b5c6a7d8e9f0a1b2c3d4e5f6a7b"),
        Device("admin-1", Role.ADMIN, token="admin-secret"),
    ]
    for n in range(1, N_WINDOWS + 1):
        devices.append(Device(f"caller-{n}", Role.CALLER, token=f"caller-{n}-secret", window=n))
    windows = [Window(n, f"{n}号窗口", (("A",), ("B",))) for n in range(1, 61)]
    windows.append(Window(61, "61号窗口", (("B",),)))
    windows.append(Window(62, "62号窗口", (("C",),)))
    return HallConfig(
        hall=HallInfo(name="测试政务服务中心"),
        zones=(Zone("tax", "办税服务区"), Zone("social", "社保服务区")),
        services=(
            Service("A", "办税服务", "tax"),
            Service("B", "社保服务", "social"),
            Service("C", "不动产登记", "social"),
        ),
        windows=tuple(windows),
        devices=tuple(devices),
        policy=policy or Policy(),
    )


class Client:
    """A websocket client for tests: results by id, events and welcomes in queues."""

    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws
        self.welcomes: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.events: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.anonymous: asyncio.Queue[dict[str, Any]] = asyncio.Queue()  # results, id null
        self.frames: list[str] = []  # every text frame received, raw
        self._results: dict[Any, asyncio.Future[dict[str, Any]]] = {}
        self._next_id = 0
        self._sending: set[asyncio.Future[None]] = set()
        self._reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        try:
            await self._read_frames()
        except ConnectionClosed:
            pass  # the test looks at close_code when it cares
        finally:  # the connection is gone: nothing pending will be answered
            for future in self._results.values():
                if not future.done():
                    future.set_exception(ConnectionError("the connection closed"))
            self._results.clear()

    async def _read_frames(self) -> None:
        async for frame in self.ws:
            assert isinstance(frame, str)
            self.frames.append(frame)
            msg = json.loads(frame)
            if msg["type"] == "welcome":
                self.welcomes.put_nowait(msg)
            elif msg["type"] == "event":
                self.events.put_nowait(msg)
            elif msg["type"] == "result":
                future = self._results.pop(msg["id"], None)
                if future is None:
                    self.anonymous.put_nowait(msg)
                elif not future.done():
                    future.set_result(msg)

    async def hello(self, device: str, token: str, since: int | None = None) -> dict[str, Any]:
        await self.ws.send(json.dumps({"type": "hello", "device": device, "token": token,
                                       "protocol": 1, "since": since}))
        return await asyncio.wait_for(self.welcomes.get(), TIMEOUT_S)

    def send_request(self, type_: str, **fields: Any) -> asyncio.Future[dict[str, Any]]:
        """Send now; the future resolves with the result."""
        self._next_id += 1
        request_id = f"r{self._next_id}"
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._results[request_id] = future
        task = asyncio.ensure_future(
            self.ws.send(json.dumps({"type": type_, "id": request_id, **fields}))
        )
        self._sending.add(task)
        task.add_done_callback(self._sending.discard)
        return future

    async def request(self, type_: str, **fields: Any) -> dict[str, Any]:
        return await asyncio.wait_for(self.send_request(type_, **fields), TIMEOUT_S)

    async def ok(self, type_: str, **fields: Any) -> dict[str, Any]:
        """Send a request that must succeed; its data."""
        result = await self.request(type_, **fields)
        assert result["ok"], result
        data: dict[str, Any] = result["data"]
        return data

    async def error(self, type_: str, **fields: Any) -> str:
        """Send a request that must fail; its error code."""
        result = await self.request(type_, **fields)
        assert not result["ok"], result
        code: str = result["error"]["code"]
        return code

    async def event(self) -> dict[str, Any]:
        return await asyncio.wait_for(self.events.get(), TIMEOUT_S)

    async def events_until(self, seq: int) -> list[dict[str, Any]]:
        """Every event up to and including ``seq``."""
        out: list[dict[str, Any]] = []
        while not out or out[-1]["seq"] < seq:
            out.append(await self.event())
        return out

    async def close(self) -> None:
        await self.ws.close()
        self._reader.cancel()


@pytest.fixture
def config() -> HallConfig:
    return make_config()


@pytest.fixture
def db_path(tmp_path: Path) -> str:
    return str(tmp_path / "queue.db")


@pytest.fixture
async def hub(config: HallConfig, db_path: str, clock: Clock) -> AsyncIterator[Hub]:
    hub = Hub(config, db_path, port=0, clock=clock)
    await hub.start()
    try:
        yield hub
    finally:
        await hub.stop()


ClientFactory = Callable[..., Any]


@pytest.fixture
async def client(hub: Hub) -> AsyncIterator[ClientFactory]:
    """``await client("kiosk-1", "kiosk-secret")``: a connected client after welcome
    (``device=None`` for one that has not said hello)."""
    opened: list[Client] = []

    async def open_client(device: str | None = None, token: str | None = None,
                          since: int | None = None, hub_: Hub | None = None) -> Client:
        ws = await connect((hub_ or hub).url, open_timeout=TIMEOUT_S)
        c = Client(ws)
        opened.append(c)
        if device is not None:
            await c.hello(device, token if token is not None else _token(device), since)
        return c

    yield open_client
    for c in opened:
        await c.close()


def _token(device: str) -> str:
    if device.startswith("caller-"):
        return f"{device}-secret"
    return {"kiosk-1": "kiosk-secret", "display-1": "display-secret",
            "admin-1": "admin-secret"}[device]


def significant(public: dict[str, Any]) -> dict[str, Any]:
    """``HallState.public()`` without windows still in their default state (queries
    create those lazily, so their presence means nothing)."""
    idle = {"ticket": None, "paused": False, "staff": None, "staff_name": None, "served": 0}
    windows = [w for w in public["windows"]
               if any(w[k] != v for k, v in idle.items())]
    return {**public, "windows": windows}
