"""Bad input of every kind: an error result or a close with a reason; the hub keeps
serving everyone else and its state is unchanged."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from hall.config import HallConfig
from hub.admission import Limits
from hub.server import Hub
from hub.settings import HubSettings
from tests.conftest import TIMEOUT_S
from tests.hub.conftest import Client, ClientFactory, Clock, significant


class Bystander:
    """A caller that must keep being served, and the state that must not change."""

    def __init__(self, hub: Hub, caller: Client) -> None:
        self.hub = hub
        self.caller = caller
        self.before: dict[str, Any] = {}

    async def snapshot(self) -> None:
        await self.caller.ok("status")  # nothing queued before this is still running
        self.before = significant(self.hub.engine.state.public())

    async def check(self) -> None:
        status = await self.caller.ok("status")
        assert status["waiting"]["by_service"] == {"A": 2}
        assert significant(self.hub.engine.state.public()) == self.before


@pytest.fixture
async def bystander(hub: Hub, client: ClientFactory) -> AsyncIterator[Bystander]:
    kiosk = await client("kiosk-1")
    await kiosk.ok("take_ticket", service="A")
    await kiosk.ok("take_ticket", service="A")
    b = Bystander(hub, await client("caller-2"))
    await b.snapshot()
    yield b


async def closed_with(c: Client) -> tuple[int | None, str | None]:
    await asyncio.wait_for(c.ws.wait_closed(), TIMEOUT_S)
    return c.ws.close_code, c.ws.close_reason


@pytest.mark.parametrize("frame", ["{not json", "[1, 2]", "42", '{"id": 1}', '{"type": 5}',
                                   b"\x00\x01binary"])
async def test_not_json(frame: str | bytes, bystander: Bystander, client: ClientFactory) -> None:
    kiosk = await client("kiosk-1")
    await kiosk.ws.send(frame)
    result = await asyncio.wait_for(kiosk.anonymous.get(), TIMEOUT_S)
    assert (result["id"], result["ok"], result["error"]["code"]) == (None, False, "not_json")
    await bystander.check()
    await kiosk.ok("status")  # the connection stays open


@pytest.mark.parametrize(
    ("request_type", "fields", "code"),
    [
        ("fly_away", {}, "unknown_type"),
        ("take_ticket", {}, "bad_request"),
        ("take_ticket", {"service": 7}, "bad_request"),
        ("take_ticket", {"service": "A", "priority": "yes"}, "bad_request"),
        ("take_ticket", {"service": "A", "booking": "no spaces!"}, "bad_request"),
        ("take_ticket", {"service": "Z"}, "unknown_service"),
        ("ticket_info", {"ticket": "1"}, "bad_request"),
    ],
)
async def test_bad_requests(
    request_type: str, fields: dict[str, Any], code: str, bystander: Bystander,
    client: ClientFactory,
) -> None:
    kiosk = await client("kiosk-1")
    assert await kiosk.error(request_type, **fields) == code
    await bystander.check()


@pytest.mark.parametrize(
    ("device", "request_type", "fields", "code"),
    [
        ("caller-1", "call_next", {"window": "1"}, "bad_request"),
        ("caller-1", "call_next", {}, "bad_request"),
        ("caller-1", "call_next", {"window": 2}, "wrong_window"),
        ("caller-1", "pause", {"window": 2}, "wrong_window"),
        ("caller-1", "rate", {"window": 1, "ticket": 1, "score": 9}, "bad_request"),
        ("display-1", "take_ticket", {"service": "A"}, "forbidden"),
        ("display-1", "call_next", {"window": 1}, "forbidden"),
        ("kiosk-1", "call_next", {"window": 1}, "forbidden"),
        ("caller-1", "take_ticket", {"service": "A"}, "forbidden"),
        ("caller-1", "close_day", {}, "forbidden"),
        ("caller-1", "finish", {"window": 1}, "window_idle"),
    ],
)
async def test_roles_and_windows(
    device: str, request_type: str, fields: dict[str, Any], code: str,
    bystander: Bystander, client: ClientFactory,
) -> None:
    c = await client(device)
    assert await c.error(request_type, **fields) == code
    await bystander.check()


async def test_request_without_id(bystander: Bystander, client: ClientFactory) -> None:
    kiosk = await client("kiosk-1")
    await kiosk.ws.send(json.dumps({"type": "take_ticket", "service": "A"}))
    result = await asyncio.wait_for(kiosk.anonymous.get(), TIMEOUT_S)
    assert result["error"]["code"] == "bad_request"
    await bystander.check()


async def test_requests_before_hello(bystander: Bystander, client: ClientFactory) -> None:
    anonymous = await client()
    assert await anonymous.error("take_ticket", service="A") == "not_authenticated"
    assert await anonymous.error("status") == "not_authenticated"
    await bystander.check()
    assert anonymous.events.empty()  # and it saw nothing
    welcome = await anonymous.hello("kiosk-1", "kiosk-secret")  # hello still works after
    assert welcome["role"] == "kiosk"


@pytest.mark.parametrize(("device", "token"), [("kiosk-1", "wrong"), ("nobody", "kiosk-secret"),
                                               ("display-2", "")])
async def test_bad_credentials_close(
    device: str, token: str, bystander: Bystander, client: ClientFactory
) -> None:
    c = await client()
    await c.ws.send(json.dumps({"type": "hello", "device": device, "token": token,
                                "protocol": 1}))
    code, reason = await closed_with(c)
    assert code == 4001 and reason is not None and reason.startswith("bad_credentials")
    await bystander.check()


async def test_unsupported_protocol_closes(bystander: Bystander, client: ClientFactory) -> None:
    c = await client()
    await c.ws.send(json.dumps({"type": "hello", "device": "kiosk-1", "token": "kiosk-secret",
                                "protocol": 2}))
    code, reason = await closed_with(c)
    assert code == 4002 and reason is not None and reason.startswith("unsupported_protocol")
    await bystander.check()


async def test_malformed_hello_and_second_hello(
    bystander: Bystander, client: ClientFactory
) -> None:
    c = await client()
    await c.ws.send(json.dumps({"type": "hello", "device": 1, "token": None}))
    assert (await asyncio.wait_for(c.anonymous.get(), TIMEOUT_S))["error"]["code"] == (
        "bad_request")
    await c.hello("kiosk-1", "kiosk-secret")
    await c.ws.send(json.dumps({"type": "hello", "device": "admin-1", "token": "admin-secret"}))
    assert (await asyncio.wait_for(c.anonymous.get(), TIMEOUT_S))["error"]["code"] == (
        "bad_request")
    assert await c.error("call_next", window=1) == "forbidden"  # still a kiosk
    await bystander.check()


async def test_oversized_frame_closes_with_1009(
    hub: Hub, bystander: Bystander
) -> None:
    async with connect(hub.url, max_size=None) as ws:
        await ws.send(json.dumps({"type": "hello", "device": "kiosk-1", "token": "kiosk-secret"}))
        await ws.recv()
        await ws.send(json.dumps({"type": "take_ticket", "id": 1, "service": "A" * 70_000}))
        with pytest.raises(ConnectionClosed):
            await asyncio.wait_for(ws.recv(), TIMEOUT_S)
        assert ws.close_code == 1009
    await bystander.check()


async def test_flood_is_refused_then_closed(
    config: HallConfig, tmp_path: Path, clock: Clock, client: ClientFactory
) -> None:
    hub = Hub(config, str(tmp_path / "flood.db"), port=0, clock=clock,
              settings=HubSettings(limits=Limits(rate=0.001, burst=5, flood_close_after=50)))
    await hub.start()
    try:
        other = await client("caller-1", hub_=hub)
        flooder = await client("kiosk-1", hub_=hub)
        futures = [flooder.send_request("take_ticket", service="A") for _ in range(49)]
        results = await asyncio.wait_for(asyncio.gather(*futures), TIMEOUT_S)
        codes = [r["error"]["code"] if not r["ok"] else "ok" for r in results]
        assert codes == ["ok"] * 4 + ["rate_limited"] * 45  # the hello spent one token
        for _ in range(10):
            await flooder.ws.send(json.dumps({"type": "status", "id": "x"}))
        code, reason = await closed_with(flooder)
        assert code == 4008 and reason is not None and reason.startswith("rate_limited")
        assert len(hub.engine.state.tickets) == 4
        assert (await other.ok("status"))["waiting"]["by_service"] == {"A": 4}
    finally:
        await hub.stop()


async def test_internal_error_changes_nothing_and_hub_goes_on(
    config: HallConfig, tmp_path: Path, client: ClientFactory
) -> None:
    """A clock fault (a naive datetime) makes the engine raise an unexpected error."""
    clock = Clock()
    broken = {"on": False}

    def faulty_clock() -> datetime:
        return clock.now.replace(tzinfo=None) if broken["on"] else clock.now

    hub = Hub(config, str(tmp_path / "fault.db"), port=0, clock=faulty_clock)
    await hub.start()
    try:
        kiosk = await client("kiosk-1", hub_=hub)
        display = await client("display-1", hub_=hub)
        await kiosk.ok("take_ticket", service="A")
        assert (await display.event())["seq"] == 1
        before = hub.engine.state.public()
        broken["on"] = True
        assert await kiosk.error("take_ticket", service="A") == "internal_error"
        assert hub.engine.state.public() == before
        broken["on"] = False
        taken = await kiosk.ok("take_ticket", service="A")
        assert taken["ticket"]["number"] == "A002"
        assert (await display.event())["seq"] == 2  # nothing was broadcast in between
    finally:
        await hub.stop()


async def test_store_failure_answers_store_failed_and_changes_nothing(
    hub: Hub, db_path: str, client: ClientFactory
) -> None:
    kiosk = await client("kiosk-1")
    display = await client("display-1")
    await kiosk.ok("take_ticket", service="A")
    await display.event()
    before = hub.engine.state.public()
    other = sqlite3.connect(db_path)
    other.execute("CREATE TRIGGER refuse BEFORE INSERT ON events"
                  " BEGIN SELECT RAISE(ABORT, 'disk says no'); END")
    other.commit()
    try:
        assert await kiosk.error("take_ticket", service="A") == "store_failed"
        assert hub.engine.state.public() == before
    finally:
        other.execute("DROP TRIGGER refuse")
        other.commit()
        other.close()
    taken = await kiosk.ok("take_ticket", service="A")
    assert taken["ticket"]["number"] == "A002"
    assert (await display.event())["seq"] == 2
