"""hall.client.HubClient against a real hub: replica, requests, errors, reconnection,
and event subscription."""

from __future__ import annotations

import asyncio

import pytest

from hall.client import HubClient, HubRefused
from hall.config import HallConfig
from hall.errors import RequestFailed
from hall.protocol import EventKind
from hub.server import Hub
from tests.conftest import TIMEOUT_S
from tests.hub.conftest import Clock


def hub_client(hub: Hub, device: str, token: str, **kwargs: object) -> HubClient:
    return HubClient(hub.url, device, token, request_timeout_s=TIMEOUT_S,
                     backoff_s=(0.02, 0.2), **kwargs)  # type: ignore[arg-type]


async def test_replica_follows_the_hub(hub: Hub) -> None:
    display = hub_client(hub, "display-1", "display-secret", keep_events=True)
    kiosk = hub_client(hub, "kiosk-1", "kiosk-secret", subscribe=False)
    caller = hub_client(hub, "caller-3", "caller-3-secret")
    await asyncio.gather(display.connect(), kiosk.connect(), caller.connect())
    taken = [await kiosk.request("take_ticket", service="A") for _ in range(3)]
    assert [t["ticket"]["number"] for t in taken] == ["A001", "A002", "A003"]
    called = await caller.request("call_next", window=3)
    assert called["ticket"]["number"] == "A001"
    await display.wait_for_seq(hub.engine.state.seq)
    assert display.state is not None
    assert display.state.public() == hub.engine.state.public()
    assert display.state.windows[3].ticket == taken[0]["ticket"]["id"]
    # The kiosk subscribed to nothing: it was sent no events at all.
    assert kiosk.events.empty()
    await asyncio.gather(display.close(), kiosk.close(), caller.close())


async def test_refusals_raise_with_the_stable_code(hub: Hub) -> None:
    async with hub_client(hub, "caller-3", "caller-3-secret") as caller:
        with pytest.raises(RequestFailed) as info:
            await caller.request("call_next", window=4)
        assert info.value.code == "wrong_window"
        with pytest.raises(RequestFailed) as info:
            await caller.request("recall", window=3)
        assert info.value.code == "window_idle"


async def test_bad_credentials_are_final(hub: Hub) -> None:
    client = hub_client(hub, "kiosk-1", "wrong")
    with pytest.raises(HubRefused) as info:
        await client.connect()
    assert info.value.code == 4001
    await client.close()


async def test_reconnects_and_catches_up_after_a_hub_restart(
    config: HallConfig, db_path: str, clock: Clock
) -> None:
    first = Hub(config, db_path, port=0, clock=clock)
    await first.start()
    port = first.port
    display = HubClient(first.url, "display-1", "display-secret", keep_events=True,
                        request_timeout_s=TIMEOUT_S, backoff_s=(0.02, 0.2))
    await display.connect()
    async with hub_client(first, "kiosk-1", "kiosk-secret", subscribe=False) as kiosk:
        await kiosk.request("take_ticket", service="A")
    await first.stop()

    second = Hub(config, db_path, port=port, clock=clock)
    await second.start()
    try:
        async with hub_client(second, "kiosk-1", "kiosk-secret", subscribe=False) as kiosk:
            for _ in range(4):
                await kiosk.request("take_ticket", service="B")
        await display.wait_for_seq(second.engine.state.seq, TIMEOUT_S * 3)
        assert display.reconnects >= 1
        assert display.state is not None
        assert display.state.public() == second.engine.state.public()
        kinds = []
        while not display.events.empty():
            kinds.append(display.events.get_nowait().kind)
        assert kinds.count(EventKind.TICKET_ISSUED) == 5  # none lost, none twice
    finally:
        await display.close()
        await second.stop()


async def test_subscription_to_some_kinds(hub: Hub) -> None:
    bar = hub_client(hub, "display-1", "display-secret", keep_events=True,
                     subscribe=(EventKind.TICKET_CALLED, EventKind.WINDOW_PAUSED))
    await bar.connect()
    async with hub_client(hub, "kiosk-1", "kiosk-secret", subscribe=False) as kiosk, \
            hub_client(hub, "caller-5", "caller-5-secret", subscribe=False) as caller:
        await kiosk.request("take_ticket", service="A")
        await caller.request("call_next", window=5)
        await caller.request("pause", window=5)
        await caller.request("resume", window=5)
        await caller.request("pause", window=5)
    got = [await asyncio.wait_for(bar.events.get(), TIMEOUT_S) for _ in range(3)]
    assert [e.kind for e in got] == [EventKind.TICKET_CALLED, EventKind.WINDOW_PAUSED,
                                     EventKind.WINDOW_PAUSED]
    await bar.close()


async def test_a_hub_turning_the_connection_away_is_logged_as_a_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """An admission refusal (HTTP 503) used to be logged at INFO, which `jiaohao devices
    serve` does not print: the operator never learnt why windows stayed offline."""
    import logging
    from http import HTTPStatus

    from websockets.asyncio.server import serve

    def full(connection: object, _request: object) -> object:
        return connection.respond(HTTPStatus.SERVICE_UNAVAILABLE, "too many\n")  # type: ignore[attr-defined]

    async with serve(lambda _ws: asyncio.sleep(0), "127.0.0.1", 0,
                     process_request=full) as server:
        port = server.sockets[0].getsockname()[1]
        client = HubClient(f"ws://127.0.0.1:{port}", "caller-150", "t", backoff_s=(0.02, 0.2))
        with caplog.at_level(logging.WARNING):
            with pytest.raises(TimeoutError):
                await client.connect(timeout_s=0.5)
            async with asyncio.timeout(TIMEOUT_S):
                while "HTTP 503" not in caplog.text:
                    await asyncio.sleep(0.01)
        await client.close()
    assert "caller-150: the hub at" in caplog.text and "refused the connection" in caplog.text
