"""Builders shared by the engine, state and protocol tests.

Halls are built from the config dataclasses directly (no TOML), and time is always
an explicit, timezone-aware moment in the hall's zone (Asia/Shanghai): tests never
read the clock.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import strategies as st

from hall import errors
from hall.config import (
    HallConfig,
    HallInfo,
    Policy,
    Service,
    Staff,
    TimeRange,
    Window,
    Zone,
)
from hall.protocol import (
    Announce,
    Assist,
    CallNext,
    CallNumber,
    CloseDay,
    DeviceStatus,
    Event,
    EventKind,
    Finish,
    MarkNotPrinted,
    Pause,
    Rate,
    Recall,
    Reinstate,
    Reprint,
    Request,
    Resume,
    SignIn,
    SignOut,
    Skip,
    Status,
    TakeTicket,
    TicketInfo,
    Transfer,
)
from hall.state import HallState, Ticket, apply
from hub.engine import Engine, Outcome

TZ = ZoneInfo("Asia/Shanghai")


def at(hour: int, minute: int = 0, second: int = 0, day: int = 2) -> datetime:
    """A fixed moment in the hall's time zone (November 2026, ``day`` of the month)."""
    return datetime(2026, 11, day, hour, minute, second, tzinfo=TZ)


#: A plain morning moment when every service of the default hall issues tickets.
MORNING = at(9)


def span(start: str, end: str) -> TimeRange:
    """``span("08:30", "12:00")``."""
    return TimeRange(time.fromisoformat(start), time.fromisoformat(end))


def service(sid: str, zone: str = "Z1", **kw: Any) -> Service:
    return Service(id=sid, name=f"业务{sid}", zone=zone, **kw)


def window(number: int, *tiers: str | Sequence[str], zone: str | None = None) -> Window:
    """``window(1, "A", ("B", "C"))``: tier A first, then B and C as equals."""
    built = tuple((t,) if isinstance(t, str) else tuple(t) for t in tiers)
    return Window(number=number, name=f"{number}号窗口", tiers=built, zone=zone)


def hall(
    services: Iterable[Service] | None = None,
    windows: Iterable[Window] | None = None,
    staff: Iterable[Staff] = (),
    day_starts: time = time(6, 0),
    **policy: Any,
) -> HallConfig:
    """A small hall. Defaults: services A, B (zone Z1) and C (zone Z2); window 1 serves
    A then B, window 2 serves B, window 3 serves C, window 4 serves A and C as equals."""
    if services is None:
        services = (service("A"), service("B"), service("C", zone="Z2"))
    if windows is None:
        windows = (window(1, "A", "B"), window(2, "B"), window(3, "C"), window(4, ("A", "C")))
    return HallConfig(
        hall=HallInfo(name="测试大厅", timezone="Asia/Shanghai", day_starts=day_starts),
        zones=(Zone("Z1", "一区"), Zone("Z2", "二区")),
        services=tuple(services),
        windows=tuple(windows),
        staff=tuple(staff),
        policy=replace(Policy(), **policy),
    )


def snapshot(engine: Engine) -> HallState:
    """A deep copy of the engine's whole state, to compare after a refusal."""
    return copy.deepcopy(engine.state)


def refused(
    engine: Engine, request: Request, error: type[errors.QueueError], now: datetime = MORNING
) -> errors.QueueError:
    """Assert ``request`` is refused with exactly ``error`` and the state is unchanged."""
    before = snapshot(engine)
    with pytest.raises(errors.QueueError) as info:
        engine.execute(request, now)
    assert type(info.value) is error, f"{type(info.value).__name__}: {info.value}"
    assert info.value.code == error.code
    assert engine.state == before
    return info.value


def kinds(outcome: Outcome | list[Event]) -> list[str]:
    events = outcome.events if isinstance(outcome, Outcome) else outcome
    return [str(e.kind) for e in events]


def take(engine: Engine, sid: str, now: datetime = MORNING, **kw: Any) -> Ticket:
    """Issue one ticket and return it from the engine's state."""
    out = engine.execute(TakeTicket(id=1, service=sid, **kw), now)
    return engine.state.tickets[out.data["ticket"]["id"]]


def call(engine: Engine, number: int, now: datetime = MORNING) -> str | None:
    """call_next at a window; the called ticket's number or None."""
    out = engine.execute(CallNext(id=1, window=number), now)
    ticket = out.data["ticket"]
    return None if ticket is None else str(ticket["number"])


def replay(events: Iterable[Event], state: HallState | None = None) -> HallState:
    """Apply ``events`` in order to ``state`` (a fresh one by default)."""
    state = state if state is not None else HallState()
    for event in events:
        apply(state, event)
    return state


def called_events(events: Iterable[Event]) -> list[Event]:
    return [e for e in events if e.kind is EventKind.TICKET_CALLED]


# -- random halls and command sequences for the property tests ----------------------------

SERVICE_IDS = ("A", "B", "C", "D")
STAFF_IDS = ("0101", "0102", "0103")


@st.composite
def random_halls(draw: st.DrawFn) -> HallConfig:
    """Four services, four windows with random ordered tiers, a random policy."""
    services = [
        service(sid, zone="Z1" if sid in "AB" else "Z2",
                daily_cap=draw(st.sampled_from([None, None, 3, 8])),
                typical_minutes=draw(st.sampled_from([2.0, 5.0, 12.0])))
        for sid in SERVICE_IDS
    ]
    windows = []
    for number in range(1, 5):
        served = draw(st.permutations(SERVICE_IDS))[: draw(st.integers(1, 4))]
        cuts = sorted(draw(st.sets(st.integers(1, max(1, len(served) - 1)), max_size=3)))
        tiers, start = [], 0
        for cut in [*cuts, len(served)]:
            if cut > start:
                tiers.append(tuple(served[start:cut]))
                start = cut
        windows.append(window(number, *tiers))
    staff = (Staff("0101", "张敏"), Staff("0102", "李强")) if draw(st.booleans()) else ()
    return hall(
        services=services,
        windows=windows,
        staff=staff,
        priority_ratio=(draw(st.integers(1, 3)), draw(st.integers(1, 3))),
        recall_limit=draw(st.integers(0, 3)),
        require_sign_in=draw(st.booleans()) and draw(st.booleans()),
        booking_memory_days=draw(st.integers(1, 3)),
    )


#: Mostly windows of the hall (1-4); now and then 5, which no hall has.
# (sampled_from, rare values last: hypothesis favours the first element and 0)
_windows = st.sampled_from([1, 2, 3, 4] * 6 + [5])
_services = st.sampled_from([*SERVICE_IDS] * 4 + ["Q"])
_tickets = st.integers(1, 30)
_bookings = st.sampled_from([None] * 6 + ["BK1", "BK2", "BK3"])

#: (weight, strategy): taking and calling dominate so queues build up and drain.
_WEIGHTED: tuple[tuple[int, st.SearchStrategy[Request]], ...] = (
    (8, st.builds(TakeTicket, id=st.just(1), service=_services, priority=st.booleans(),
                  booking=_bookings)),
    (6, st.builds(CallNext, id=st.just(1), window=_windows)),
    (2, st.builds(Finish, id=st.just(1), window=_windows)),
    (1, st.builds(Recall, id=st.just(1), window=_windows)),
    (1, st.builds(Skip, id=st.just(1), window=_windows)),
    (1, st.builds(Transfer, id=st.just(1), window=_windows, service=_services)),
    (1, st.builds(Pause, id=st.just(1), window=_windows)),
    (1, st.builds(Resume, id=st.just(1), window=_windows)),
    (1, st.builds(SignIn, id=st.just(1), window=_windows, staff=st.sampled_from(STAFF_IDS))),
    (1, st.builds(SignOut, id=st.just(1), window=_windows)),
    (1, st.builds(Rate, id=st.just(1), window=_windows, ticket=_tickets,
                  score=st.integers(1, 5))),
    (1, st.builds(Reinstate, id=st.just(1), window=_windows, ticket=_tickets)),
    (1, st.builds(CallNumber, id=st.just(1), window=_windows,
                  number=st.builds(lambda s, n: f"{s}{n:03d}", _services, st.integers(1, 6)))),
    (1, st.one_of(st.builds(TicketInfo, id=st.just(1), ticket=_tickets),
                  st.just(Status(id=1)))),
)
random_requests: st.SearchStrategy[Request] = st.sampled_from(
    [strategy for weight, strategy in _WEIGHTED for _ in range(weight)]
).flatmap(lambda strategy: strategy)

#: Seconds between two requests; now and then a jump past the next day_starts.
random_steps = st.sampled_from([15 * k for k in range(60)] + [86_400])


def _maybe_close(pair: tuple[bool, Request]) -> Request:
    return CloseDay(id=1, reason="test") if pair[0] else pair[1]


#: (seconds to wait, request) pairs; about one request in forty closes the day.
random_commands = st.lists(
    st.tuples(random_steps,
              st.tuples(st.sampled_from([False] * 40 + [True]), random_requests).map(_maybe_close)),
    min_size=10,
    max_size=80,
)


# -- whole runs ---------------------------------------------------------------------------


def run(config: HallConfig, commands: list[tuple[int, Request]]) -> tuple[Engine, list[Event]]:
    """Tick and execute each request at its moment, ignoring refusals; the events."""
    engine = Engine(config)
    events: list[Event] = []
    now = at(8)
    for step, request in commands:
        now += timedelta(seconds=step)
        events += engine.tick(now)
        try:
            events += engine.execute(request, now).events
        except errors.QueueError:
            pass
    return engine, events


def a_morning() -> tuple[Engine, list[Event]]:
    """A scripted morning using every request that emits events; the engine and events."""
    engine = Engine(hall(services=(service("A"), service("B"),
                                   service("C", zone="Z2", assist=True))))
    events: list[Event] = []
    requests: list[Request] = [
        SignIn(id=1, window=1, staff="0101"),
        TakeTicket(id=1, service="A"),
        TakeTicket(id=1, service="A", priority=True),
        TakeTicket(id=1, service="B", booking="BK-9"),
        TakeTicket(id=1, service="C"),
        CallNext(id=1, window=1),
        CallNext(id=1, window=1),
        Skip(id=1, window=1),
        CallNext(id=1, window=2),
        Transfer(id=1, window=2, service="C"),
        CallNext(id=1, window=3),
        Assist(id=1, window=3, assist="proxy", note="代为办理"),
        Finish(id=1, window=3),
        Rate(id=1, window=3, ticket=3, score=4),
        Reinstate(id=1, window=1, ticket=1),
        MarkNotPrinted(id=1, ticket=1),
        Reprint(id=1, ticket=1),
        DeviceStatus(id=1, device="kiosk-1", device_kind="printer", status="paper_near_end"),
        CallNext(id=1, window=4),
        Pause(id=1, window=2),
        Resume(id=1, window=2),
        Announce(id=1, window=3, call="manager"),
        SignOut(id=1, window=1),
    ]
    for minute, request in enumerate(requests):
        events += engine.execute(request, at(9, minute)).events
    return engine, events
