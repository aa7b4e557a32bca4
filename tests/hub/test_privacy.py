"""Tokens and personal data never leave the hub: not in welcome, not in any broadcast."""

from __future__ import annotations

import json
import sqlite3

from hall.config import HallConfig
from hub.server import Hub
from tests.hub.conftest import ClientFactory

BOOKING = "BK2026-000731"


async def test_no_token_or_booking_reaches_a_display(
    hub: Hub, config: HallConfig, db_path: str, client: ClientFactory
) -> None:
    display = await client("display-1")
    kiosk = await client("kiosk-1")
    caller = await client("caller-1")
    taken = await kiosk.ok("take_ticket", service="A", booking=BOOKING)
    assert taken["ticket"]["priority"] is True
    await caller.ok("call_next", window=1)
    await display.events_until(2)
    late = await client("display-1")  # a full welcome with the booked ticket in it
    resumed = await client("display-1", since=0)  # the booked ticket's events replayed
    assert [e["kind"] for e in await resumed.events_until(2)] == [
        "ticket_issued", "ticket_called"]
    assert json.loads(resumed.frames[0])["resumed"] is True
    assert late.frames and "ticket" in late.frames[0]
    assert await kiosk.error("take_ticket", service="A", booking=BOOKING) == "booking_used"

    secrets = [BOOKING, "\"booking\":", "\"token\":", "token_sha256", "secret"]
    secrets += [d.token for d in config.devices if d.token]
    secrets += [d.token_sha256 for d in config.devices if d.token_sha256]
    for c in (display, late, resumed, kiosk, caller):
        for frame in c.frames:
            for secret in secrets:
                assert secret not in frame, (secret, frame)

    with sqlite3.connect(db_path) as db:  # the hub itself keeps it, for check-in
        (stored,) = db.execute("SELECT booking FROM tickets WHERE booking IS NOT NULL").fetchone()
        assert stored == BOOKING
