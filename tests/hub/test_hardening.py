"""What a hostile or broken device on the hall LAN could do, closed: each test failed
on the hub before its fix."""

from __future__ import annotations

import asyncio
import json
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidMessage, InvalidStatus

from hall.config import HallConfig
from hall.protocol import CloseCode
from hub.admission import Limits
from hub.server import Hub
from hub.settings import HubSettings
from ledger.dblock import DatabaseInUse
from tests.conftest import TIMEOUT_S
from tests.hub.conftest import ClientFactory, Clock


async def test_a_lone_surrogate_id_costs_no_other_request_its_result(
    hub: Hub, client: ClientFactory
) -> None:
    kiosk = await client("kiosk-1")
    display = await client("display-1")
    futures = [kiosk.send_request("take_ticket", service="A") for _ in range(20)]
    # Raw JSON escape: the decoded id holds a lone surrogate, which no UTF-8 frame can carry.
    await display.ws.send('{"type":"status","id":"\\ud800"}')
    futures += [kiosk.send_request("take_ticket", service="A") for _ in range(20)]
    results = await asyncio.wait_for(asyncio.gather(*futures), TIMEOUT_S)
    assert all(r["ok"] for r in results)
    refusal = await asyncio.wait_for(display.anonymous.get(), TIMEOUT_S)
    assert refusal["id"] is None and refusal["error"]["code"] == "bad_request"
    assert len(hub.engine.state.tickets) == 40


async def test_a_lone_surrogate_token_is_a_clean_refusal(
    hub: Hub, client: ClientFactory
) -> None:
    c = await client()
    await c.ws.send('{"type":"hello","device":"kiosk-1","token":"\\udfff","protocol":1}')
    refusal = await asyncio.wait_for(c.anonymous.get(), TIMEOUT_S)
    assert refusal["error"]["code"] == "bad_request"
    kiosk = await client("kiosk-1")  # the hub still serves
    assert (await kiosk.ok("take_ticket", service="A"))


async def test_a_client_that_never_says_hello_is_closed(
    config: HallConfig, tmp_path: Path, clock: Clock
) -> None:
    hub = Hub(config, str(tmp_path / "q.db"), port=0, clock=clock,
              settings=HubSettings(hello_timeout_s=0.2))
    await hub.start()
    try:
        async with connect(hub.url, open_timeout=TIMEOUT_S) as ws:
            await asyncio.wait_for(ws.wait_closed(), TIMEOUT_S)
            assert ws.close_code == CloseCode.HELLO_TIMEOUT
            assert ws.close_reason.startswith("hello_timeout")
    finally:
        await hub.stop()


async def test_a_second_hub_on_the_same_database_is_refused(
    hub: Hub, config: HallConfig, clock: Clock
) -> None:
    second = Hub(config, hub.db_path, port=0, clock=clock)
    with pytest.raises(DatabaseInUse, match="another hub"):
        await second.start()
    await second.stop()  # nothing to stop; the first hub keeps its lock
    third = Hub(config, hub.db_path, port=0, clock=clock)
    with pytest.raises(DatabaseInUse):
        await third.start()


async def test_the_lock_is_released_when_the_hub_stops(
    config: HallConfig, tmp_path: Path, clock: Clock
) -> None:
    db = str(tmp_path / "q.db")
    for _ in range(2):
        hub = Hub(config, db, port=0, clock=clock)
        await hub.start()
        await hub.stop()


def _get(url: str) -> dict[str, Any]:
    with urllib.request.urlopen(url, timeout=TIMEOUT_S) as response:
        body: dict[str, Any] = json.loads(response.read())
        return body


async def test_healthz_is_degraded_while_the_store_cannot_write(
    hub: Hub, client: ClientFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    kiosk = await client("kiosk-1")
    store = hub._thread.store
    real_write = store.write

    def disk_full(events: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(store, "write", disk_full)
    assert await kiosk.error("take_ticket", service="A") == "store_failed"
    body = await asyncio.to_thread(_get, f"http://127.0.0.1:{hub.port}/healthz")
    assert body["status"] == "degraded"
    monkeypatch.setattr(store, "write", real_write)
    await kiosk.ok("take_ticket", service="A")
    body = await asyncio.to_thread(_get, f"http://127.0.0.1:{hub.port}/healthz")
    assert body["status"] == "ok"


async def test_a_reconnect_storm_encodes_the_state_once(
    hub: Hub, client: ClientFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    kiosk = await client("kiosk-1")
    await kiosk.ok("take_ticket", service="A")
    state = hub.engine.state
    calls = 0
    real_public = state.public

    def counting_public() -> dict[str, Any]:
        nonlocal calls
        calls += 1
        return real_public()

    monkeypatch.setattr(state, "public", counting_public)
    displays = [await client() for _ in range(8)]
    for d in displays:
        await d.ws.send(json.dumps({"type": "hello", "device": "display-1",
                                    "token": "display-secret", "protocol": 1}))
    welcomes = [await asyncio.wait_for(d.welcomes.get(), TIMEOUT_S) for d in displays]
    assert calls == 1
    assert all(w["state"] == welcomes[0]["state"] for w in welcomes)


async def test_stop_does_not_wait_on_a_client_that_stopped_reading(
    config: HallConfig, tmp_path: Path, clock: Clock, client: ClientFactory
) -> None:
    hub = Hub(config, str(tmp_path / "q.db"), port=0, clock=clock,
              settings=HubSettings(close_grace_s=0.5))
    await hub.start()
    deaf = await client("display-1", hub_=hub)
    deaf._reader.cancel()  # it stops reading: the hub's close frame is never answered
    assert deaf.ws.transport is not None
    deaf.ws.transport.pause_reading()
    try:
        await asyncio.wait_for(hub.stop(), TIMEOUT_S / 2)  # websockets alone waits 10 s
    finally:
        deaf.ws.transport.abort()


async def test_connections_past_the_caps_are_refused(
    config: HallConfig, tmp_path: Path, clock: Clock, client: ClientFactory
) -> None:
    hub = Hub(config, str(tmp_path / "q.db"), port=0, clock=clock,
              settings=HubSettings(limits=Limits(opening_per_address=2)))
    await hub.start()
    try:
        silent = [await client(hub_=hub) for _ in range(2)]  # no hello yet
        with pytest.raises((InvalidMessage, OSError)):  # cut off as soon as accepted
            await connect(hub.url, open_timeout=TIMEOUT_S)
        await silent[0].hello("display-1", "display-secret")  # it counts per device now
        await client("kiosk-1", hub_=hub)
        hub.gate.limits.max_connections = 3
        with pytest.raises(InvalidStatus) as refused:
            await connect(hub.url, open_timeout=TIMEOUT_S)
        assert refused.value.response.status_code == 503
    finally:
        await hub.stop()


async def test_failed_hellos_are_throttled_per_address(
    config: HallConfig, tmp_path: Path, clock: Clock, client: ClientFactory
) -> None:
    hub = Hub(config, str(tmp_path / "q.db"), port=0, clock=clock)
    hub.gate.limits.bad_hello_rate, hub.gate.limits.bad_hello_burst = 0.01, 3
    await hub.start()
    try:
        for _ in range(3):
            guess = await client(hub_=hub)
            await guess.ws.send(json.dumps({"type": "hello", "device": "admin-1",
                                            "token": "guess", "protocol": 1}))
            await asyncio.wait_for(guess.ws.wait_closed(), TIMEOUT_S)
            assert guess.ws.close_code == CloseCode.BAD_CREDENTIALS
        late = await client(hub_=hub)  # even the right token waits now
        await late.ws.send(json.dumps({"type": "hello", "device": "admin-1",
                                       "token": "admin-secret", "protocol": 1}))
        await asyncio.wait_for(late.ws.wait_closed(), TIMEOUT_S)
        assert late.ws.close_code == CloseCode.RATE_LIMITED
    finally:
        await hub.stop()


async def test_a_client_that_stays_behind_is_dropped_and_resumes(
    config: HallConfig, tmp_path: Path, clock: Clock, client: ClientFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """websockets' keepalive never times out a client that stopped reading (its ping
    waits for the buffer to drain), so the hub watches the buffers itself. The last
    inch, the transport's buffer size, is simulated: loopback buffers take megabytes
    to fill."""
    import hub.peers as peers

    hub = Hub(config, str(tmp_path / "q.db"), port=0, clock=clock,
              settings=HubSettings(stall_timeout_s=0.3))
    await hub.start()
    try:
        deaf = await client("display-1", hub_=hub)
        well = await client("admin-1", hub_=hub)
        stuck = deaf.ws.local_address
        real = peers.buffered
        monkeypatch.setattr(peers, "buffered", lambda ws: 10**6 if (
            ws.remote_address == stuck) else real(ws))
        await asyncio.wait_for(_until(lambda: hub.connections == 1), TIMEOUT_S)
        await well.ok("status")  # the others go on
        monkeypatch.setattr(peers, "buffered", real)
        again = await client(None, hub_=hub)
        welcome = await again.hello("display-1", "display-secret", since=0)
        assert welcome["resumed"] is True
    finally:
        await hub.stop()


async def test_a_client_past_the_buffer_limit_is_dropped_at_once(
    config: HallConfig, tmp_path: Path, clock: Clock, client: ClientFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import hub.peers as peers

    hub = Hub(config, str(tmp_path / "q.db"), port=0, clock=clock,
              settings=HubSettings(stall_timeout_s=3600))
    await hub.start()
    try:
        deaf = await client("display-1", hub_=hub)
        kiosk = await client("kiosk-1", hub_=hub)
        stuck = deaf.ws.local_address
        real = peers.buffered
        monkeypatch.setattr(peers, "buffered", lambda ws: hub.settings.max_write_buffer + 1 if (
            ws.remote_address == stuck) else real(ws))
        await kiosk.ok("take_ticket", service="A")  # the event would overfill the display
        await asyncio.wait_for(_until(lambda: hub.connections == 1), TIMEOUT_S)
    finally:
        await hub.stop()


async def _until(predicate: Any) -> None:
    while not predicate():
        await asyncio.sleep(0.01)


async def test_a_welcome_larger_than_the_buffer_limit_is_still_sent(
    config: HallConfig, tmp_path: Path, clock: Clock, client: ClientFactory,
) -> None:
    hub = Hub(config, str(tmp_path / "q.db"), port=0, clock=clock,
              settings=HubSettings(max_write_buffer=1024))
    await hub.start()
    try:
        kiosk = await client("kiosk-1", hub_=hub)
        for _ in range(30):  # a welcome of several KiB
            await kiosk.ok("take_ticket", service="A")
        display = await client(None, hub_=hub)
        welcome = await display.hello("display-1", "display-secret")
        assert len(welcome["state"]["tickets"]) == 30
    finally:
        await hub.stop()


async def test_a_large_welcome_is_a_recent_state_and_the_events_since(
    hub: Hub, client: ClientFactory,
) -> None:
    """In a full hall, hellos between calls must not each re-encode the whole state."""
    from hall.client import HubClient
    from hub.welcome import WELCOME_LAG_BYTES

    hub.gate.limits.rate = None  # the fill below is faster than a kiosk may go
    kiosk = await client("kiosk-1")
    n = 0
    while len(hub._public_state_bytes()[1]) <= WELCOME_LAG_BYTES:
        await asyncio.gather(*(kiosk.ok("take_ticket", service="A") for _ in range(200)))
        n += 200
        assert n < 20_000
    first = await client(None)
    welcome = await first.hello("display-1", "display-secret")
    encoded_at = welcome["seq"]
    caller = await client("caller-3")
    await caller.ok("call_next", window=3)
    await caller.ok("call_next", window=3)
    late = await client(None)
    welcome = await late.hello("admin-1", "admin-secret")
    assert welcome["seq"] == encoded_at  # the cached state, not a new encoding
    events = await late.events_until(hub.engine.state.seq)  # called, finished, called
    assert [e["seq"] for e in events] == list(range(encoded_at + 1, hub.engine.state.seq + 1))
    assert [e["kind"] for e in events] == ["ticket_called", "ticket_finished", "ticket_called"]
    # A real client's replica from such a welcome is the hub's state exactly.
    display = HubClient(hub.url, "display-1", "display-secret", request_timeout_s=TIMEOUT_S)
    await display.connect()
    try:
        await display.wait_for_seq(hub.engine.state.seq)
        assert display.state is not None
        assert display.state.public() == hub.engine.state.public()
    finally:
        await display.close()
