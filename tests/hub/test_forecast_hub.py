"""The wait forecast on a running hub: learned from the ledger's recent weeks at start,
answered in take_ticket, ticket_info and status, carried in the welcome's state."""

from __future__ import annotations

import json
import math
from datetime import timedelta
from zoneinfo import ZoneInfo

from websockets.asyncio.client import connect

from hall.config import HallConfig
from hall.protocol import DayClosed, Event, TicketFinished
from hub.server import Hub
from ledger.store import Store
from tests.conftest import TEN_AM, FakeClock
from tests.hub.conftest import TIMEOUT_S, Client

TZ = ZoneInfo("Asia/Shanghai")


def _seed(db_path: str) -> None:
    """Service C took 12 minutes on this weekday one and two weeks ago (10:00 hall time)."""
    store = Store.open(db_path)
    seq = 1
    for weeks in (2, 1):
        day = (TEN_AM - timedelta(weeks=weeks)).astimezone(TZ)
        label = day.date().isoformat()
        events = [Event(seq=0, at=day.replace(minute=i).isoformat(), payload=TicketFinished(
            ticket_id=i + 1, number=f"C{i + 1:03d}", window=62, service="C",
            duration_s=720.0)) for i in range(10)]
        events.append(Event(seq=0, at=day.replace(hour=18).isoformat(), payload=DayClosed(
            day=label, next_day=(day + timedelta(days=1)).date().isoformat(), closed=(),
            reason="day_end", next_id=100)))
        for event in events:
            store.db["events"].insert({"seq": seq, "at": event.at, "kind": str(event.kind),
                                       "day": label,
                                       "data": json.dumps(event.payload.to_store())})
            seq += 1
    store.close()


async def test_the_hub_learns_recent_weeks_and_answers_ranges(
    config: HallConfig, db_path: str, clock: FakeClock,
) -> None:
    _seed(db_path)
    hub = Hub(config, db_path, port=0, clock=clock)
    await hub.start()
    try:
        prior = hub.engine.state.forecast_prior["C"]
        assert math.isclose(math.exp(prior["*"][0]), 720.0, rel_tol=1e-3)
        assert b'"forecast_prior"' in hub._public_state_bytes()[1]  # replicas get it
        kiosk = await _client(hub, "kiosk-1", "kiosk-secret")
        answers = [await kiosk.ok("take_ticket", service="C") for _ in range(4)]
        last = answers[-1]
        low, high = last["wait_range_min"]
        # 3 ahead, one window (62), ~12-minute services: the first is called at once,
        # this one after about three services
        assert low <= last["estimated_wait_min"] <= high and low <= 36 <= high
        info = await kiosk.ok("ticket_info", ticket=last["ticket"]["id"])
        assert info["wait_range_min"] == [low, high]
        status = await kiosk.ok("status")
        assert status["wait_range_min"]["C"] is not None
        caller = await _client(hub, "caller-62", "caller-62-secret")
        await caller.ok("pause", window=62)
        status = await kiosk.ok("status")
        assert status["wait_range_min"]["C"] is None and status["estimated_wait_min"]["C"] == 0
        info = await kiosk.ok("ticket_info", ticket=last["ticket"]["id"])
        assert info["wait_range_min"] is None
        await kiosk.close()
        await caller.close()
    finally:
        await hub.stop()


async def _client(hub: Hub, device: str, token: str) -> Client:
    client = Client(await connect(hub.url, open_timeout=TIMEOUT_S))
    await client.hello(device, token, None)
    return client
