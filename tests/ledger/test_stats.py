"""Statistics from stored events (ledger/stats.py): a scripted day whose answers were worked
out by hand, and figures that a hub restart cannot change."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hall import errors
from hall.config import HallConfig, Staff
from hall.protocol import (
    CallNext,
    CloseDay,
    Event,
    Finish,
    Rate,
    Recall,
    Request,
    SignIn,
    SignOut,
    Skip,
    TakeTicket,
    Transfer,
)
from hub.engine import Engine
from hub.server import Hub
from ledger.stats import DayCache, Tally, hall_stats, stored_events
from ledger.store import Store
from tests.hub.conftest import ClientFactory, Clock
from tests.hub.engine_helpers import at, hall, random_commands, random_halls

STAFF = (Staff("0101", "张三"), Staff("0102", "李四"))

#: The day (2 November 2026, hall time). Windows: 1 serves A then B, 3 serves C.
#: A001 waits 10 min, is recalled, transferred to B after 10 min, called again under
#: B and served 10 min, rates 2; A002 waits 21 min, served 4 min, rates 5; C001 waits
#: 28 min and does not come (skipped); C002 is still waiting at the close; clerk 0101
#: signs out at 10:00, clerk 0102 is still signed in at the 12:00 close.
SCRIPT: list[tuple[datetime, Request]] = [
    (at(9, 0), TakeTicket(id=1, service="A")),        # A001 = ticket 1
    (at(9, 0), TakeTicket(id=2, service="A")),        # A002 = ticket 2
    (at(9, 2), TakeTicket(id=3, service="C")),        # C001 = ticket 3
    (at(9, 5), SignIn(id=4, window=1, staff="0101")),
    (at(9, 5), SignIn(id=5, window=3, staff="0102")),
    (at(9, 10), CallNext(id=6, window=1)),            # A001, waited 600 s
    (at(9, 12), Recall(id=7, window=1)),
    (at(9, 20), Transfer(id=8, window=1, service="B")),  # leg of 600 s
    (at(9, 21), CallNext(id=9, window=1)),            # A002 (A before B), waited 1,260 s
    (at(9, 25), Finish(id=10, window=1)),             # 240 s
    (at(9, 26), CallNext(id=11, window=1)),           # A001 again, under B
    (at(9, 30), CallNext(id=12, window=3)),           # C001, waited 1,680 s
    (at(9, 31), Skip(id=13, window=3)),
    (at(9, 36), Finish(id=14, window=1)),             # 600 s
    (at(9, 40), Rate(id=15, window=1, ticket=2, score=5)),
    (at(9, 41), Rate(id=16, window=1, ticket=1, score=2)),
    (at(10, 0), SignOut(id=17, window=1)),            # 0101: 3,300 s
    (at(10, 5), TakeTicket(id=18, service="C")),      # C002
    (at(12, 0), CloseDay(id=19)),                     # closes C002; 0102: 10,500 s
]


def play(config: HallConfig, script: list[tuple[datetime, Request]]) -> list[Event]:
    engine = Engine(config)
    events: list[Event] = []
    for now, request in script:
        events.extend(engine.tick(now))
        events.extend(engine.execute(request, now).events)
    return events


def spread(mean: float | None, median: float | None, p90: float | None,
           top: float | None) -> dict[str, float | None]:
    return {"mean": mean, "median": median, "p90": p90, "max": top}


def row(figures: dict[str, Any], *, key: str) -> dict[str, Any]:
    rows = {r["key"]: r for r in figures}
    return rows[key]


def counts(r: dict[str, Any]) -> dict[str, int]:
    names = ("issued", "called", "recalled", "finished", "skipped", "transferred",
             "closed_unfinished", "bookings_kept")
    return {n: r[n] for n in names if r[n]}


def test_the_scripted_day_gives_the_figures_worked_out_by_hand(tmp_path: Path) -> None:
    config = hall(staff=STAFF)
    events = play(config, SCRIPT)
    store = Store.open(str(tmp_path / "q.db"))
    store.write(events)
    stats = hall_stats(store.db, config, date(2026, 11, 2), date(2026, 11, 2))
    store.close()

    total = stats["total"]
    assert counts(total) == {"issued": 4, "called": 4, "recalled": 1, "finished": 2,
                             "skipped": 1, "transferred": 1, "closed_unfinished": 1}
    assert total["wait_s"] == spread(1180.0, 1260.0, 1680.0, 1680.0)
    assert total["service_s"] == spread(480.0, 600.0, 600.0, 600.0)
    assert total["ratings"] == {"1": 0, "2": 1, "3": 0, "4": 0, "5": 1}
    assert total["satisfaction"] == 0.5 and total["rated_share"] == 1.0

    by_service = stats["by_service"]
    a, b, c = (row(by_service, key=k) for k in "ABC")
    assert counts(a) == {"issued": 2, "called": 2, "recalled": 1, "finished": 1,
                         "transferred": 1}
    assert a["wait_s"] == spread(930.0, 930.0, 1260.0, 1260.0)
    assert a["service_s"] == spread(420.0, 420.0, 600.0, 600.0)
    assert a["ratings"]["5"] == 1 and a["satisfaction"] == 1.0
    assert counts(b) == {"called": 1, "finished": 1}  # the transferred citizen's second leg
    assert b["wait_s"]["mean"] is None  # waited once, under A
    assert b["ratings"]["2"] == 1 and b["satisfaction"] == 0.0
    assert counts(c) == {"issued": 2, "called": 1, "skipped": 1, "closed_unfinished": 1}
    assert c["wait_s"] == spread(1680.0, 1680.0, 1680.0, 1680.0)
    assert c["service_s"]["mean"] is None and c["rated_share"] is None

    z1, z2 = row(stats["by_zone"], key="Z1"), row(stats["by_zone"], key="Z2")
    assert counts(z1) == {"issued": 2, "called": 3, "recalled": 1, "finished": 2,
                          "transferred": 1}
    assert counts(z2) == counts(c)

    w1, w3 = row(stats["by_window"], key="1"), row(stats["by_window"], key="3")
    assert counts(w1) == {"called": 3, "recalled": 1, "finished": 2, "transferred": 1}
    assert w1["service_s"] == spread(480.0, 600.0, 600.0, 600.0)
    assert counts(w3) == {"called": 1, "skipped": 1}

    zhang, li = row(stats["by_clerk"], key="0101"), row(stats["by_clerk"], key="0102")
    assert zhang["name"] == "张三" and counts(zhang) == counts(w1)
    assert zhang["attendance"] == {"sessions": 1, "signed_in_s": 3300.0,
                                   "first_in": at(9, 5).isoformat(),
                                   "last_out": at(10, 0).isoformat()}
    assert li["attendance"]["signed_in_s"] == 10500.0  # ended by the day's close
    assert li["attendance"]["last_out"] == at(12, 0).isoformat()

    hours = {r["key"]: r for r in stats["by_hour"]}
    assert counts(hours["09"]) == {"issued": 3, "called": 4, "recalled": 1, "finished": 2,
                                   "skipped": 1, "transferred": 1}
    assert hours["09"]["wait_s"]["max"] == 1680.0 and hours["09"]["ratings"]["2"] == 1
    assert counts(hours["10"]) == {"issued": 1}
    assert counts(hours["12"]) == {"closed_unfinished": 1}
    assert [r["key"] for r in stats["by_day"]] == ["2026-11-02"]


def test_a_range_reads_only_its_days(tmp_path: Path) -> None:
    config = hall(staff=STAFF)
    day_two = play(config, SCRIPT)
    store = Store.open(str(tmp_path / "q.db"))
    store.write(day_two)
    empty = hall_stats(store.db, config, date(2026, 11, 3), date(2026, 11, 30))
    store.close()
    assert empty["total"]["issued"] == 0 and empty["by_day"] == []


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(config=random_halls(), commands=random_commands, data=st.data())
def test_figures_are_the_same_whether_or_not_the_hub_restarted(
    tmp_path_factory: Any, config: HallConfig, commands: list[tuple[int, Request]],
    data: st.DataObject,
) -> None:
    """The same commands, once through one engine and once with the hub restarted at
    a random point (the second engine rebuilt from the store): identical figures."""
    cut = data.draw(st.integers(0, len(commands)))
    folder = tmp_path_factory.mktemp("restart")

    straight = Store.open(str(folder / "straight.db"))
    engine = Engine(config)
    for now, request in _timed(commands):
        straight.write(_step(engine, now, request))

    restarted = Store.open(str(folder / "restarted.db"))
    engine = Engine(config)
    for i, (now, request) in enumerate(_timed(commands)):
        if i == cut:
            restarted.close()
            restarted = Store.open(str(folder / "restarted.db"))
            engine = Engine(config, restarted.load_state())
        restarted.write(_step(engine, now, request))

    first, last = date(2026, 11, 1), date(2027, 12, 31)
    figures = hall_stats(restarted.db, config, first, last)
    assert figures == hall_stats(straight.db, config, first, last)
    # Added up from day partials, cold or from the cache, or read in one go: the same.
    cache = DayCache(str(folder / "stats-cache.db"))
    assert hall_stats(restarted.db, config, first, last, cache) == figures
    assert hall_stats(restarted.db, config, first, last, cache) == figures
    cache.close()
    one_go = Tally(config).feed_raw(stored_events(straight.db, first, last)).to_json(
        first.isoformat(), last.isoformat())
    assert one_go == figures
    straight.close()
    restarted.close()


def _step(engine: Engine, now: datetime, request: Request) -> list[Event]:
    events = engine.tick(now)
    try:
        events += engine.execute(request, now).events
    except errors.QueueError:
        pass  # refused: nothing happened
    return events


def _timed(commands: list[tuple[int, Request]]) -> list[tuple[datetime, Request]]:
    """random_commands gives (seconds since the request before, request)."""
    out, now = [], at(8)
    for step, request in commands:
        now += timedelta(seconds=step)
        out.append((now, request))
    return out


def test_a_tally_fed_twice_the_same_events_is_not_the_store(tmp_path: Path) -> None:
    """Tally is a pure fold: the same events give the same answer, a store or not."""
    config = hall(staff=STAFF)
    events = play(config, SCRIPT)
    a = Tally(config).feed(events).to_json("2026-11-02", "2026-11-02")
    b = Tally(config).feed(list(events)).to_json("2026-11-02", "2026-11-02")
    assert a == b and a["total"]["issued"] == 4


# -- over the protocol ------------------------------------------------------------------


async def test_stats_and_ticket_history_answer_admins_only_over_the_wire(
    hub: Hub, client: ClientFactory, clock: Clock,
) -> None:
    kiosk, caller, admin = (await client("kiosk-1"), await client("caller-1"),
                            await client("admin-1"))
    first = (await kiosk.ok("take_ticket", service="A"))["ticket"]
    await kiosk.ok("take_ticket", service="A")
    clock.advance(minutes=5)
    await caller.ok("call_next", window=1)
    clock.advance(minutes=3)
    await caller.ok("finish", window=1)
    await caller.ok("rate", window=1, ticket=first["id"], score=4)

    today = hub.engine.state.day
    stats = await admin.ok("stats")
    assert (stats["start"], stats["end"]) == (today, today)
    assert stats["total"]["issued"] == 2 and stats["total"]["finished"] == 1
    assert stats["total"]["wait_s"]["max"] == 300.0
    assert stats["total"]["service_s"]["mean"] == 180.0
    assert stats["total"]["ratings"]["4"] == 1

    history = await admin.ok("ticket_history", number=first["number"].lower())
    [ticket] = history["tickets"]
    assert ticket["id"] == first["id"] and ticket["status"] == "finished"
    assert [e["kind"] for e in ticket["events"]] == [
        "ticket_issued", "ticket_called", "ticket_finished", "rating_recorded"]
    assert "person" not in json.dumps(ticket)
    assert (await admin.ok("ticket_history", number="Z999"))["tickets"] == []

    for device in (kiosk, caller):
        refused = await device.request("stats")
        assert refused["error"]["code"] == "forbidden"
    bad = await admin.request("stats", start="2026-13-01")
    assert bad["error"]["code"] == "bad_request"
    backwards = await admin.request("stats", start="2026-11-02", end="2026-11-01")
    assert "start must not be after end" in backwards["error"]["message"]
