"""Resume with ``since``: every event once, in order, across reconnects."""

from __future__ import annotations

import asyncio
from pathlib import Path

from hall.config import HallConfig
from hub.server import Hub
from hub.settings import HubSettings
from tests.conftest import TIMEOUT_S
from tests.hub.conftest import ClientFactory, Clock


async def test_reconnect_with_since_replays_what_was_missed(
    hub: Hub, client: ClientFactory
) -> None:
    kiosk = await client("kiosk-1")
    caller = await client("caller-1")
    display = await client("display-1")
    for _ in range(3):
        await kiosk.ok("take_ticket", service="A")
    seen = await display.events_until(3)
    await display.close()

    await kiosk.ok("take_ticket", service="B")
    await caller.ok("call_next", window=1)
    await caller.ok("finish", window=1)  # seq 6

    display = await client()
    welcome = await display.hello("display-1", "display-secret", since=seen[-1]["seq"])
    assert welcome["resumed"] is True and welcome["state"] is None and welcome["seq"] == 6
    seen += await display.events_until(6)
    await kiosk.ok("take_ticket", service="C")
    seen.append(await display.event())
    assert [e["seq"] for e in seen] == list(range(1, 8))
    assert [e["kind"] for e in seen[3:]] == [
        "ticket_issued", "ticket_called", "ticket_finished", "ticket_issued",
    ]


async def test_no_gap_and_no_duplicate_while_events_keep_coming(
    hub: Hub, client: ClientFactory
) -> None:
    kiosk = await client("kiosk-1")
    stop = asyncio.Event()

    async def produce() -> None:
        while not stop.is_set():
            await kiosk.ok("take_ticket", service="A")

    producer = asyncio.create_task(produce())
    seqs: list[int] = []
    since = None
    for _ in range(8):
        display = await client()
        welcome = await display.hello("display-1", "display-secret", since=since)
        if since is None:
            seqs.extend(range(1, welcome["seq"] + 1))  # covered by the full welcome
        else:
            assert welcome["resumed"] is True
        for _ in range(5):
            seqs.append((await display.event())["seq"])
        since = seqs[-1]
        await display.close()
    stop.set()
    await asyncio.wait_for(producer, TIMEOUT_S)
    assert seqs == list(range(1, len(seqs) + 1))


async def test_since_ahead_or_too_old_gets_a_full_welcome(
    config: HallConfig, tmp_path: Path, clock: Clock, client: ClientFactory
) -> None:
    hub = Hub(config, str(tmp_path / "other.db"), port=0, clock=clock,
              settings=HubSettings(resume_limit=2))
    await hub.start()
    try:
        kiosk = await client("kiosk-1", hub_=hub)
        for _ in range(4):
            await kiosk.ok("take_ticket", service="A")
        ahead = await client(hub_=hub)
        welcome = await ahead.hello("display-1", "display-secret", since=99)
        assert welcome["resumed"] is False and len(welcome["state"]["tickets"]) == 4
        old = await client(hub_=hub)
        welcome = await old.hello("display-1", "display-secret", since=1)
        assert welcome["resumed"] is False and welcome["seq"] == 4
        assert welcome["state"]["seq"] == 4
        recent = await client(hub_=hub)
        welcome = await recent.hello("display-1", "display-secret", since=2)
        assert welcome["resumed"] is True
        assert [(await recent.event())["seq"] for _ in range(2)] == [3, 4]
        # a full welcome is followed by live events only
        await kiosk.ok("take_ticket", service="A")
        assert (await old.event())["seq"] == 5
    finally:
        await hub.stop()
