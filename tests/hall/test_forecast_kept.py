"""What the wait forecast keeps between requests (hall/forecast.py ``Kept``: the staffed
windows and the service-time fits; the recent fits and arrivals) answers exactly what a
forecast computed afresh answers: the engine keeps it across the events that change no
window and finish no service, and drops it at any other."""

from __future__ import annotations

import copy
import math
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hall import errors, forecast
from hall.config import HallConfig
from hall.forecast import ACTIVE_WITHIN, Snapshot, Wait
from hall.protocol import CallNext, Finish, Issued, Request, TakeTicket, TicketIssued
from hall.state import HallState, TicketStatus, people_ahead
from hub.engine import Engine
from tests.hub.engine_helpers import (
    SERVICE_IDS,
    at,
    hall,
    random_commands,
    random_halls,
    service,
    take,
    window,
)

SETTINGS = settings(max_examples=150, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


def _waits(snap: Snapshot, state: HallState) -> dict[object, Wait]:
    """Every newcomer's and every waiting ticket's forecast from ``snap``."""
    out: dict[object, Wait] = {}
    for sid in SERVICE_IDS:
        out[(sid, False)] = snap.newcomer(sid)
        out[(sid, True)] = snap.newcomer(sid, priority=True)
    for ticket in state.tickets.values():
        if ticket.status is TicketStatus.WAITING:
            out[ticket.id] = snap.wait(ticket.service, people_ahead(state, ticket),
                                       ticket.priority)
    return out


@st.composite
def own_window_halls(draw: st.DrawFn) -> HallConfig:
    """Random halls whose windows mostly serve one service each: there the forecast
    keeps a service's view across its new tickets and on to later moments."""
    config = draw(random_halls())
    windows = tuple(window(w.number, draw(st.sampled_from(SERVICE_IDS)))
                    if draw(st.integers(0, 3)) else w for w in config.windows)
    return replace(config, windows=windows)


@SETTINGS
@given(config=st.one_of(random_halls(), own_window_halls()), commands=random_commands,
       asks=st.lists(st.sampled_from([0, 60, 1199, 1200, 1201, 2500, 3600]), min_size=1,
                     max_size=3),
       priors=st.sets(st.integers(0, 79), max_size=3))
def test_the_kept_forecast_answers_as_a_fresh_one(
    config: HallConfig, commands: list[tuple[int, Request]], asks: list[int],
    priors: set[int],
) -> None:
    """After every request, and at later moments (past a clerk's ACTIVE_WITHIN and into
    the next hour too, then back to the request's moment), the engine's forecast
    equals a new Snapshot's; take_ticket's promise and answer equal those of a fresh
    forecast. Now and then the hub reads another history prior between requests."""
    engine = Engine(config)
    now = at(8)
    for index, (step, request) in enumerate(commands):
        now += timedelta(seconds=step)
        if index in priors:  # the hub read the ledger's prior (a new day, say)
            engine.state.forecast_prior = {
                "A": {"*": [math.log(300.0 + 60 * index), 0.4, 20.0]}}
        before = copy.deepcopy(engine.state)
        try:
            outcome = engine.execute(request, now)
        except errors.QueueError:
            outcome = None
        if outcome is not None and isinstance(request, TakeTicket) and outcome.events:
            issued = outcome.events[-1].payload
            assert isinstance(issued, TicketIssued)
            ticket = engine.state.tickets[issued.ticket.id]
            promise = Snapshot(before, config, now).newcomer(ticket.service, ticket.priority)
            assert issued.estimated_wait_min == (promise.minutes if promise.known else None)
            assert issued.wait_range_min == (
                (promise.low, promise.high) if promise.known else None)
            fresh = Snapshot(engine.state, config, now).wait(
                ticket.service, people_ahead(engine.state, ticket), ticket.priority)
            answer = outcome.result
            assert isinstance(answer, Issued)
            assert answer.estimated_wait_min == fresh.minutes
            assert answer.wait_range_min == ((fresh.low, fresh.high) if fresh.known else None)
        for later in [*asks, 0]:
            moment = now + timedelta(seconds=later)
            kept = _waits(engine.forecast(moment), engine.state)
            assert kept == _waits(Snapshot(engine.state, config, moment), engine.state)


def _counting(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count the windows the forecast asks whether they are staffed."""
    asked: list[int] = []
    real = forecast._staffed_until

    def spy(state: HallState, config: HallConfig, win: Any, now: datetime,
            opened: Any = forecast._LOOK_UP) -> tuple[bool, datetime | None]:
        asked.append(win.number)
        return real(state, config, win, now, opened)

    monkeypatch.setattr(forecast, "_staffed_until", spy)
    return asked


def test_a_burst_of_tickets_asks_the_windows_once(monkeypatch: pytest.MonkeyPatch) -> None:
    config = hall(services=[service("A", typical_minutes=5)],
                  windows=[window(n, "A") for n in range(1, 7)])
    engine = Engine(config)
    asked = _counting(monkeypatch)
    for second in range(50):
        take(engine, "A", at(9) + timedelta(seconds=second))
    assert sorted(asked) == [1, 2, 3, 4, 5, 6]  # once, not twice per ticket


def test_a_window_change_or_the_clock_asks_them_again(monkeypatch: pytest.MonkeyPatch) -> None:
    config = hall(services=[service("A", typical_minutes=5)],
                  windows=[window(1, "A"), window(2, "A")])
    engine = Engine(config)
    take(engine, "A", at(9))
    engine.execute(CallNext(id=1, window=1), at(9))
    asked = _counting(monkeypatch)
    take(engine, "A", at(9, 1))
    assert sorted(asked) == [1, 2]  # the call changed window 1
    asked.clear()
    take(engine, "A", at(9, 2))
    assert asked == []
    engine.execute(Finish(id=1, window=1), at(9, 3))  # window 1 is idle now
    take(engine, "A", at(9, 4))
    assert sorted(asked) == [1, 2]
    asked.clear()
    # window 1 counts until ACTIVE_WITHIN after its finish, and window 2 (which never did
    # anything) until ACTIVE_WITHIN after the hall's first activity: that finish too
    take(engine, "A", at(9, 3) + ACTIVE_WITHIN)
    assert asked == []
    take(engine, "A", at(9, 3) + ACTIVE_WITHIN + timedelta(seconds=1))
    assert sorted(asked) == [1, 2]
    asked.clear()
    take(engine, "A", at(9, 1))  # the clock went back: asked again, not trusted
    assert sorted(asked) == [1, 2]


def test_the_recent_fit_is_kept_for_the_same_durations() -> None:
    durations = (300.0, 420.0, 380.0, 600.0, 290.0, 310.0)
    first = forecast._fit_recent(durations)
    assert forecast._fit_recent(durations) is first
    assert first == forecast.fit(durations)
    assert forecast._fit_recent((*durations, 900.0)) == forecast.fit((*durations, 900.0))


def test_a_new_history_prior_is_used_at_once() -> None:
    """The hub reads the prior from its ledger after the engine kept service times."""
    config = hall(services=[service("A", typical_minutes=5)], windows=[window(1, "A")])
    engine = Engine(config)
    for _ in range(3):
        take(engine, "A", at(9))
    quick = engine.forecast(at(9)).newcomer("A")
    engine.state.forecast_prior = {"A": {"*": [math.log(1800.0), 0.3, 20.0]}}  # 30 min
    slow = engine.forecast(at(9)).newcomer("A")
    assert slow == Snapshot(engine.state, config, at(9)).newcomer("A")
    assert slow.minutes > quick.minutes


def test_take_ticket_counts_the_recent_arrivals_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """The promise and the answer come from one moment's forecast, and the answer's is
    carried on to the next request while no event but a new ticket came: with no
    priority ticket in the look-back (a pace that time alone cannot raise), a burst of
    tickets counts the recent arrivals once; a priority ticket has them counted anew."""
    config = hall(services=[service("A", typical_minutes=5)],
                  windows=[window(n, "A") for n in range(1, 4)])
    engine = Engine(config)
    counted: list[datetime] = []
    real = forecast._priority_rates

    def spy(state: HallState, now: datetime) -> dict[str, float]:
        counted.append(now)
        return real(state, now)

    monkeypatch.setattr(forecast, "_priority_rates", spy)
    for second in range(10):
        take(engine, "A", at(9) + timedelta(seconds=second))
    assert len(counted) == 1
    take(engine, "A", at(9, 1), priority=True)  # counted after it: A has a priority pace now
    take(engine, "A", at(9, 2))
    assert len(counted) == 4


def test_a_shared_window_gives_each_new_ticket_a_new_share() -> None:
    """Window 1 serves A and B: each new A ticket moves its share of window 1, so the
    forecast after it is worked out again, not kept."""
    config = hall(services=[service("A", typical_minutes=5), service("B", typical_minutes=5)],
                  windows=[window(1, ("A", "B")), window(2, "A")])
    engine = Engine(config)
    for _ in range(3):
        take(engine, "B", at(9))
    for second in range(4):
        now = at(9) + timedelta(seconds=second)
        answer = engine.execute(TakeTicket(id=1, service="A"), now).result
        assert isinstance(answer, Issued)
        ticket = engine.state.tickets[answer.ticket.id]
        fresh = Snapshot(engine.state, config, now)
        assert answer.estimated_wait_min == fresh.wait(
            "A", people_ahead(engine.state, ticket)).minutes
        assert _waits(engine.forecast(now), engine.state) == _waits(fresh, engine.state)


def test_the_next_hour_has_its_own_service_times() -> None:
    """The forecast carried on to a later moment keeps the service times within the
    hour only: the history prior of the next hour is another."""
    config = hall(services=[service("A", typical_minutes=5)], windows=[window(1, "A")])
    engine = Engine(config)
    engine.state.forecast_prior = {"A": {"9": [math.log(300.0), 0.3, 20.0],
                                         "10": [math.log(1500.0), 0.3, 20.0]}}
    for second in range(3):
        take(engine, "A", at(9, 59, 50 + second))
    early = engine.forecast(at(9, 59, 59)).newcomer("A")
    late = engine.forecast(at(10, 0, 1)).newcomer("A")
    assert late == Snapshot(engine.state, config, at(10, 0, 1)).newcomer("A")
    assert late.minutes > early.minutes


def test_a_view_kept_all_day_keeps_a_bounded_number_of_waits() -> None:
    """Each new ticket asks a new wait of the kept view (one more person ahead): the
    waits it remembers stay few, and the answers stay those of a fresh forecast."""
    config = hall(services=[service("A", typical_minutes=5)], windows=[window(1, "A")])
    engine = Engine(config)
    for second in range(600):
        take(engine, "A", at(9) + timedelta(seconds=second))
    snap = engine.forecast(at(9, 10))
    assert snap.newcomer("A") == Snapshot(engine.state, config, at(9, 10)).newcomer("A")
    assert 0 < len(snap._views["A"].waits) <= 256
