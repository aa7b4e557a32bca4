"""The service times of recent weeks that the wait forecast starts from."""

from __future__ import annotations

import json
import math
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from hall.protocol import Event, TicketFinished
from ledger.servicetimes import service_time_prior
from ledger.store import Store

TZ = ZoneInfo("Asia/Shanghai")


def _finished(store: Store, seq: int, when: datetime, service: str, seconds: float) -> int:
    """A stored ticket_finished of hall day ``when`` (filed as the store files it)."""
    event = Event(seq=seq, at=when.isoformat(), payload=TicketFinished(
        ticket_id=seq, number=f"{service}{seq:03d}", window=1, service=service,
        duration_s=seconds))
    store.db["events"].insert({"seq": seq, "at": event.at, "kind": str(event.kind),
                               "day": when.date().isoformat(),
                               "data": json.dumps(event.payload.to_store())})
    return seq + 1


def test_the_same_weekday_of_recent_weeks_per_hour() -> None:
    store = Store.open(":memory:")
    today = date(2026, 11, 30)  # a Monday
    seq = 1
    for weeks in (1, 2):
        monday = datetime.combine(today - timedelta(weeks=weeks), datetime.min.time(), TZ)
        for i in range(10):
            seq = _finished(store, seq, monday.replace(hour=9, minute=i), "A", 600.0)
            seq = _finished(store, seq, monday.replace(hour=14, minute=i), "A", 300.0)
        seq = _finished(store, seq, monday.replace(hour=15), "A", 5 * 3600.0)  # forgotten
    tuesday = datetime.combine(today - timedelta(days=6), datetime.min.time(), TZ)
    seq = _finished(store, seq, tuesday.replace(hour=9), "B", 60.0)  # another weekday
    prior = service_time_prior(store.db, today)
    assert set(prior) == {"A"}
    assert math.isclose(math.exp(prior["A"]["9"][0]), 600.0, rel_tol=1e-3)
    assert math.isclose(math.exp(prior["A"]["14"][0]), 300.0, rel_tol=1e-3)
    assert "15" not in prior["A"]  # one service: too few for an hour of its own
    assert prior["A"]["*"][2] == 42
    assert 300 <= math.exp(prior["A"]["*"][0]) <= 600  # the forgotten finish moves nothing
