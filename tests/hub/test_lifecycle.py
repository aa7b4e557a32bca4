"""A ticket's whole life through a real hub, as the connected displays see it."""

from __future__ import annotations

import asyncio
import json
import urllib.request
from pathlib import Path
from typing import Any

from hall.config import HallConfig
from hub.server import Hub
from hub.settings import HubSettings
from tests.conftest import TIMEOUT_S
from tests.hub.conftest import ClientFactory, Clock


async def test_welcome_carries_role_hall_and_state(hub: Hub, client: ClientFactory) -> None:
    display = await client()
    welcome = await display.hello("display-1", "display-secret")
    assert welcome["role"] == "display"
    assert welcome["seq"] == 0
    assert welcome["resumed"] is False
    assert [s["id"] for s in welcome["hall"]["services"]] == ["A", "B", "C"]
    assert welcome["state"]["tickets"] == []
    caller = await client()
    welcome = await caller.hello("caller-3", "caller-3-secret")
    assert (welcome["role"], welcome["window"]) == ("caller", 3)


async def test_full_lifecycle(hub: Hub, client: ClientFactory, clock: Clock) -> None:
    displays = [await client("display-1"), await client("display-1")]
    kiosk = await client("kiosk-1")
    caller = await client("caller-1")
    caller2 = await client("caller-61")

    seen: list[str] = []

    async def expect(*kinds: str) -> list[dict[str, Any]]:
        """Every display receives exactly these events next, identically."""
        per_display = [[await d.event() for _ in kinds] for d in displays]
        assert per_display[0] == per_display[1]
        assert [e["kind"] for e in per_display[0]] == list(kinds)
        seen.extend(kinds)
        return per_display[0]

    taken = await kiosk.ok("take_ticket", service="A")
    assert taken["ticket"]["number"] == "A001" and taken["ahead"] == 0
    ticket_id = taken["ticket"]["id"]
    (issued,) = await expect("ticket_issued")
    assert issued["ticket"]["id"] == ticket_id and issued["seq"] == 1

    called = await caller.ok("call_next", window=1)
    assert called["ticket"]["id"] == ticket_id and called["ticket"]["window"] == 1
    (event,) = await expect("ticket_called")
    assert (event["window"], event["recall"]) == (1, 0)

    await caller.ok("recall", window=1)
    (event,) = await expect("ticket_called")
    assert event["recall"] == 1

    clock.advance(minutes=4)
    await caller.ok("finish", window=1)
    (event,) = await expect("ticket_finished")
    assert event["ticket_id"] == ticket_id and event["duration_s"] == 240.0

    rated = await caller.ok("rate", window=1, ticket=ticket_id, score=5)
    assert rated["score"] == 5
    (event,) = await expect("rating_recorded")
    assert event["score"] == 5
    assert await caller.error("rate", window=1, ticket=ticket_id, score=4) == "already_rated"

    # skip, then reinstate
    second = (await kiosk.ok("take_ticket", service="A"))["ticket"]
    await expect("ticket_issued")
    await caller.ok("call_next", window=1)
    await expect("ticket_called")
    await caller.ok("skip", window=1)
    (event,) = await expect("ticket_skipped")
    assert event["ticket_id"] == second["id"]
    back = await caller.ok("reinstate", window=1, ticket=second["id"])
    assert back["ticket"]["status"] == "waiting"
    await expect("ticket_reinstated")

    # transfer to B, then window 61 (B only) gets it
    await caller.ok("call_next", window=1)
    await expect("ticket_called")
    moved = await caller.ok("transfer", window=1, service="B")
    assert moved["ticket"]["service"] == "B"
    (event,) = await expect("ticket_transferred")
    assert (event["from_service"], event["service"]) == ("A", "B")
    got = await caller2.ok("call_next", window=61)
    assert got["ticket"]["id"] == second["id"] and got["ticket"]["number"] == "A002"
    await expect("ticket_called")
    status = await displays[0].ok("status")
    assert status["waiting"]["by_service"] == {}
    seqs = [e["seq"] for e in [issued]]
    assert seqs == [1]
    assert hub.engine.state.seq == len(seen)


async def test_sixty_callers_at_once_get_distinct_tickets(
    hub: Hub, client: ClientFactory
) -> None:
    kiosk = await client("kiosk-1")
    for _ in range(70):
        kiosk.send_request("take_ticket", service="A")
    await kiosk.ok("status")  # every take_ticket above is answered before this one
    callers = [await client(f"caller-{n}") for n in range(1, 61)]
    display = await client("display-1")
    futures = [c.send_request("call_next", window=n) for n, c in enumerate(callers, start=1)]
    results = await asyncio.wait_for(asyncio.gather(*futures), 30)
    assert all(r["ok"] for r in results), results
    ids = [r["data"]["ticket"]["id"] for r in results]
    assert len(set(ids)) == 60
    called = [await display.event() for _ in range(60)]
    assert sorted(e["ticket"]["id"] for e in called) == sorted(ids)
    assert {e["window"] for e in called} == set(range(1, 61))
    # issue order: the 60 oldest of the 70 waiting tickets went out
    assert sorted(ids) == sorted(hub.engine.state.tickets)[:60]
    holders = [w.ticket for w in hub.engine.state.windows.values() if w.ticket is not None]
    assert len(holders) == len(set(holders)) == 60


async def test_the_day_closes_in_a_silent_hall(
    config: HallConfig, tmp_path: Path, clock: Clock, client: ClientFactory
) -> None:
    hub = Hub(config, str(tmp_path / "timer.db"), port=0, clock=clock,
              settings=HubSettings(tick_interval_s=0.05))
    await hub.start()
    try:
        kiosk = await client("kiosk-1", hub_=hub)
        display = await client("display-1", hub_=hub)
        await kiosk.ok("take_ticket", service="A")
        assert (await display.event())["kind"] == "ticket_issued"
        clock.advance(days=1)
        closed = await display.event()  # nobody sent anything
        assert closed["kind"] == "day_closed" and closed["closed"] == [1]
        assert (closed["day"], closed["next_day"]) == ("2026-03-02", "2026-03-03")
    finally:
        await hub.stop()


def _get(url: str) -> tuple[int, str, dict[str, Any]]:
    with urllib.request.urlopen(url, timeout=TIMEOUT_S) as response:
        return response.status, response.headers["Content-Type"], json.loads(response.read())


async def test_healthz(hub: Hub, client: ClientFactory) -> None:
    kiosk = await client("kiosk-1")
    await kiosk.ok("take_ticket", service="A")
    status, content_type, body = await asyncio.to_thread(
        _get, f"http://127.0.0.1:{hub.port}/healthz")
    assert (status, content_type) == (200, "application/json")
    assert body["status"] == "ok" and body["seq"] == 1 and body["day"] == "2026-03-02"
    assert body["connections"] == 1 and body["uptime_s"] >= 0
    assert body["welcomed"] == 1


async def test_stop_answers_what_it_took_and_closes_with_1001(
    config: HallConfig, tmp_path: Path, clock: Clock, client: ClientFactory
) -> None:
    hub = Hub(config, str(tmp_path / "stop.db"), port=0, clock=clock)
    await hub.start()
    kiosk = await client("kiosk-1", hub_=hub)
    await kiosk.ok("take_ticket", service="A")
    await hub.stop()
    await asyncio.wait_for(kiosk.ws.wait_closed(), TIMEOUT_S)
    assert kiosk.ws.close_code == 1001
    again = Hub(config, str(tmp_path / "stop.db"), port=0, clock=clock)
    await again.start()
    try:
        assert [t.number for t in again.engine.state.tickets.values()] == ["A001"]
    finally:
        await again.stop()
