"""A reconnect storm on a running hub: displays saying hello all at once while the
queue goes on. Requests go before the welcomes waiting (hub/writer.py ``Backlog``);
every welcome is still the hub's state exactly, and a connection's own request still
comes after its welcome."""

from __future__ import annotations

import asyncio
import json

from hall.client import HubClient
from hub.server import Hub
from hub.welcome import WELCOME_LAG_BYTES
from tests.conftest import TIMEOUT_S
from tests.hub.conftest import ClientFactory

DISPLAYS = 12  # within the default per-device cap (16)


async def _storm(hub: Hub, client: ClientFactory) -> None:
    """``DISPLAYS`` replicas connect at once while a kiosk keeps taking tickets and a
    caller calls; each replica then equals the hub's state."""
    kiosk = await client("kiosk-1")
    caller = await client("caller-1")
    stop = asyncio.Event()

    async def produce() -> None:
        while not stop.is_set():
            await kiosk.ok("take_ticket", service="A")
            await caller.ok("call_next", window=1)

    producer = asyncio.create_task(produce())
    replicas = [HubClient(hub.url, "display-1", "display-secret",
                          request_timeout_s=TIMEOUT_S) for _ in range(DISPLAYS)]
    try:
        await asyncio.wait_for(asyncio.gather(*(r.connect() for r in replicas)), TIMEOUT_S)
        stop.set()
        await asyncio.wait_for(producer, TIMEOUT_S)
        seq = hub.engine.state.seq
        for replica in replicas:
            await replica.wait_for_seq(seq)
            assert replica.state is not None
            assert replica.state.public() == hub.engine.state.public()
    finally:
        stop.set()
        await asyncio.gather(*(r.close() for r in replicas))


async def test_welcomes_in_a_storm_are_the_state_exactly(hub: Hub, client: ClientFactory) -> None:
    await _storm(hub, client)


async def test_welcomes_of_a_large_state_in_a_storm_are_the_state_exactly(
    hub: Hub, client: ClientFactory
) -> None:
    """The state past WELCOME_LAG_BYTES: welcomes carry a recent encoding and the events
    since, while new events keep coming."""
    hub.gate.limits.rate = None
    kiosk = await client("kiosk-1")
    while len(hub._public_state_bytes()[1]) <= WELCOME_LAG_BYTES:
        await asyncio.gather(*(kiosk.ok("take_ticket", service="A") for _ in range(200)))
    await _storm(hub, client)


async def test_a_request_sent_with_its_hello_is_answered_after_the_welcome(
    hub: Hub, client: ClientFactory
) -> None:
    kiosk = await client(None)
    storm = [await client(None) for _ in range(DISPLAYS)]
    hello = {"type": "hello", "protocol": 1, "since": None}
    for display in storm:
        await display.ws.send(json.dumps({**hello, "device": "display-1",
                                          "token": "display-secret"}))
    await kiosk.ws.send(json.dumps({**hello, "device": "kiosk-1", "token": "kiosk-secret"}))
    taken = kiosk.send_request("take_ticket", service="A")  # before its welcome came
    result = await asyncio.wait_for(taken, TIMEOUT_S)
    assert result["ok"]
    kinds = [json.loads(frame)["type"] for frame in kiosk.frames]
    assert kinds[0] == "welcome" and "result" in kinds
    for display in storm:
        welcome = await asyncio.wait_for(display.welcomes.get(), TIMEOUT_S)
        assert welcome["seq"] <= hub.engine.state.seq
