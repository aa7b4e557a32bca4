"""Builders shared by the engine, state and protocol tests.

Halls are built from the config dataclasses directly (no TOML), and time is always
an explicit, timezone-aware moment in the hall's zone (Asia/Shanghai): tests never
read the clock.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import pytest

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
from hall.protocol import CallNext, Event, EventKind, Request, TakeTicket
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
