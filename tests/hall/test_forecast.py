"""The wait forecast (hall/forecast.py) without I/O: its properties over random halls,
the robust fit of service times, and the words a citizen reads."""

from __future__ import annotations

import copy
import math
from datetime import datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hall import errors, forecast
from hall.config import HallConfig
from hall.forecast import (
    ACTIVE_WITHIN,
    ServiceTime,
    Snapshot,
    Wait,
    blend,
    fit,
    prior_for,
)
from hall.protocol import Request, SignIn
from hall.state import HallState, TicketStatus, people_ahead
from hall.words import english, wait_words
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

START = at(8)
SETTINGS = settings(max_examples=250, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


def _run(config: HallConfig, commands: list[tuple[int, Request]]) -> tuple[HallState, datetime]:
    engine = Engine(config)
    now = START
    for step, request in commands:
        now += timedelta(seconds=step)
        try:
            engine.execute(request, now)
        except errors.QueueError:
            pass
    return engine.state, now


def _minutes(wait: Wait) -> float:
    return wait.minutes if wait.known else math.inf


def _all_waits(state: HallState, config: HallConfig, now: datetime) -> dict[object, float]:
    """Every waiting ticket's and every newcomer's point estimate."""
    snap = Snapshot(state, config, now)
    out: dict[object, float] = {}
    for sid in SERVICE_IDS:
        out[(sid, False)] = _minutes(snap.newcomer(sid))
        out[(sid, True)] = _minutes(snap.newcomer(sid, priority=True))
    for ticket in state.tickets.values():
        if ticket.status is TicketStatus.WAITING:
            wait = snap.wait(ticket.service, people_ahead(state, ticket), ticket.priority)
            out[ticket.id] = _minutes(wait)
    return out


def _staff(state: HallState, config: HallConfig, number: int, now: datetime) -> HallState:
    """``state`` with a clerk at window ``number`` (signed in, and just active)."""
    more = copy.deepcopy(state)
    ws = more.window(number)
    ws.staff = ws.staff or "9999"
    ws.active_at = now.isoformat()
    return more


@SETTINGS
@given(config=random_halls(), commands=random_commands, number=st.integers(1, 4),
       later=st.integers(0, 3600))
def test_more_staff_never_raises_a_wait(config: HallConfig,
                                        commands: list[tuple[int, Request]],
                                        number: int, later: int) -> None:
    state, now = _run(config, commands)
    now += timedelta(seconds=later)
    if state.window(number).paused:
        return
    before = _all_waits(state, config, now)
    after = _all_waits(_staff(state, config, number, now), config, now)
    for key, minutes in after.items():
        assert minutes <= before[key], key


@SETTINGS
@given(config=random_halls(), commands=random_commands, number=st.integers(1, 4))
def test_a_pause_never_lowers_a_wait(config: HallConfig, commands: list[tuple[int, Request]],
                                     number: int) -> None:
    state, now = _run(config, commands)
    paused = copy.deepcopy(state)
    paused.window(number).paused = True
    before = _all_waits(state, config, now)
    after = _all_waits(paused, config, now)
    for key, minutes in after.items():
        assert minutes >= before[key], key


@SETTINGS
@given(config=random_halls(), commands=random_commands)
def test_the_range_contains_the_point(config: HallConfig,
                                      commands: list[tuple[int, Request]]) -> None:
    state, now = _run(config, commands)
    snap = Snapshot(state, config, now)
    for sid in SERVICE_IDS:
        for ahead in (0, 1, 3, 10, 40):
            for priority in (False, True):
                wait = snap.wait(sid, ahead, priority)
                if wait.known:
                    assert 0 <= wait.low <= wait.minutes <= wait.high
                else:
                    assert wait == Wait(0, 0, 0, known=False)


def test_more_people_ahead_wait_longer() -> None:
    config = hall(services=[service("A", typical_minutes=5)],
                  windows=[window(1, "A"), window(2, "A")])
    snap = Snapshot(HallState(), config, at(9))
    waits = [snap.wait("A", ahead).minutes for ahead in range(0, 30)]
    assert waits == sorted(waits) and waits[0] == 0 and waits[-1] > waits[5]


def test_unstaffed_windows_do_not_count_when_the_hall_requires_sign_in() -> None:
    config = hall(services=[service("A", typical_minutes=5)],
                  windows=[window(n, "A") for n in range(1, 7)], require_sign_in=True)
    engine = Engine(config)
    for _ in range(20):
        take(engine, "A", at(9))
    assert not Snapshot(engine.state, config, at(9)).newcomer("A").known  # nobody in
    for n in (1, 2):
        engine.execute(SignIn(id=1, window=n, staff=f"00{n}"), at(9))
    two = Snapshot(engine.state, config, at(9)).newcomer("A")
    # 20 ahead, 2 clerks of 5 minutes: ~50 minutes, not the 17 six windows would give
    assert two.low <= 50 <= two.high and two.minutes >= 40


def test_an_idle_window_stops_counting_after_a_while_without_sign_in() -> None:
    config = hall(services=[service("A", typical_minutes=5)],
                  windows=[window(1, "A"), window(2, "A")])
    engine = Engine(config)
    take(engine, "A", at(9))
    engine.execute(_call(1), at(9))
    for _ in range(10):
        take(engine, "A", at(9))
    # window 2 has done nothing since the hall opened: it counts for a while …
    early = Snapshot(engine.state, config, at(9, 5)).newcomer("A")
    later = at(9) + ACTIVE_WITHIN + timedelta(minutes=1)
    engine.execute(_call(1), later)  # window 1 still works
    # … then the estimate is that of one window
    late = Snapshot(engine.state, config, later).newcomer("A")
    assert late.minutes > early.minutes


def _call(number: int) -> Request:
    from hall.protocol import CallNext

    return CallNext(id=1, window=number)


def test_a_shared_window_gives_a_share() -> None:
    config = hall(services=[service("A", typical_minutes=5), service("B", typical_minutes=5)],
                  windows=[window(1, "A"), window(2, ("A", "B"))])
    engine = Engine(config)
    for _ in range(10):
        take(engine, "A", at(9))
        take(engine, "B", at(9))
    snap = Snapshot(engine.state, config, at(9))
    a, b = snap.newcomer("A"), snap.newcomer("B")
    # B has half of window 2; A has window 1 and the other half
    assert b.minutes > a.minutes


def _priority_halls(every: int) -> tuple[HallConfig, Engine, Engine]:
    """One window, a normal ticket every 3 minutes from 09:00 to 09:30; the busy hall
    also had a priority ticket every ``every`` minutes (served elsewhere meanwhile: only
    its arrival is left to see)."""
    config = hall(services=[service("A", typical_minutes=5)], windows=[window(1, "A")],
                  priority_ratio=(2, 1))
    quiet, busy = Engine(config), Engine(config)
    for minute in range(0, 30, 3):
        take(quiet, "A", at(9, minute))
        take(busy, "A", at(9, minute))
        if minute % every == 0:
            served = take(busy, "A", at(9, minute), priority=True)
            busy.state.queue("A").remove(served)
            busy.state.tickets[served.id].status = TicketStatus.FINISHED
    return config, quiet, busy


def test_a_normal_ticket_waits_for_priority_arrivals() -> None:
    config, quiet, busy = _priority_halls(3)
    normal = [Snapshot(e.state, config, at(9, 30)).newcomer("A").minutes for e in (quiet, busy)]
    assert normal[1] > normal[0]


def test_priority_arrivals_pass_a_normal_ticket_over_its_wait_without_compounding() -> None:
    """The overtakes expected are the priority pace times the wait without them, each a
    service on the window: wait × (1 + λp·m/c). Compounding them (wait ÷ (1 − λp·m/c),
    as if the pace held over the longer wait too) over-promised long waits in
    bench/forecast.py's priority scenario by 8–10 minutes."""
    config, quiet, busy = _priority_halls(6)
    now = at(9, 30)
    snaps = [Snapshot(e.state, config, now) for e in (quiet, busy)]
    share = (forecast._priority_rates(busy.state, now)["A"]
             * snaps[1].service_time("A").mean_s / 1.0)
    assert 0.5 < share < 1.0  # not capped by the ratio's 2 of 3 calls
    quiet_wait, busy_wait = (s.wait("A", 60).minutes for s in snaps)
    assert busy_wait / quiet_wait == pytest.approx(1 + share, rel=0.06)


# -- service times ------------------------------------------------------------------------


def test_the_fit_shrugs_off_a_forgotten_finish() -> None:
    usual = [300.0, 280.0, 320.0, 310.0, 290.0, 305.0, 295.0, 315.0, 285.0, 300.0]
    clean = fit(usual)
    spoiled = fit([*usual, 3 * 3600.0, 2.0])
    assert clean is not None and spoiled is not None
    assert abs(spoiled.mean_s - clean.mean_s) / clean.mean_s < 0.1
    assert 280 < clean.mean_s < 320
    assert fit([]) is None


def test_few_services_keep_a_usual_spread() -> None:
    one = fit([300.0])
    assert one is not None and one.sigma >= 0.5 and one.n == 1


def test_blend_weighs_today_against_the_prior() -> None:
    today = ServiceTime(math.log(600), 0.3, 40)
    prior = ServiceTime(math.log(300), 0.3, 500)  # counts as PRIOR_WEIGHT services at most
    mixed = blend(today, prior, 300)
    assert math.log(300) < mixed.mu < math.log(600)
    assert mixed.mu > (math.log(300) + math.log(600)) / 2  # today weighs more
    assert round(blend(None, None, 240).mean_s) == 240  # typical_minutes until anything is known
    assert blend(None, prior, 240).mu == prior.mu


def test_the_prior_by_hour_and_overall() -> None:
    prior = {"A": {"9": [5.0, 0.4, 30], "*": [5.5, 0.5, 200]}}
    assert prior_for(prior, "A", 9) == ServiceTime(5.0, 0.4, 30)
    assert prior_for(prior, "A", 15) == ServiceTime(5.5, 0.5, 200)
    assert prior_for(prior, "B", 9) is None


def test_the_prior_is_used_and_travels_in_the_welcome() -> None:
    config = hall(services=[service("A", typical_minutes=5)], windows=[window(1, "A")])
    engine = Engine(config)
    for _ in range(5):
        take(engine, "A", at(9))
    plain = Snapshot(engine.state, config, at(9)).newcomer("A")
    engine.state.forecast_prior = {"A": {"9": [math.log(900), 0.3, 50]}}  # 15 min services
    slow = Snapshot(engine.state, config, at(9)).newcomer("A")
    assert slow.minutes > 2 * plain.minutes
    replica = HallState.from_public(engine.state.public())
    assert Snapshot(replica, config, at(9)).newcomer("A") == slow


# -- words --------------------------------------------------------------------------------


def test_words_of_a_wait() -> None:
    assert wait_words(18, range_min=[15, 25]) == "约 15–25 分钟"
    assert wait_words(18, english, range_min=[15, 25]) == "about 15–25 min"
    assert wait_words(0, range_min=[0, 0]) == "无需等候"
    assert wait_words(2, range_min=[0, 4]) == "约 4 分钟以内"
    assert wait_words(5, range_min=[5, 5]) == "约 5 分钟"
    assert wait_words(0, known=False) == "暂无法估计"
    assert wait_words(0, english, known=False) == "no estimate for now"
    for low in range(0, 5):
        for high in range(low, 8):
            assert "约 0 " not in wait_words(high, range_min=[low, high])


def test_a_snapshot_looks_up_the_halls_opening_once(monkeypatch: Any) -> None:
    """Many windows, nobody active yet: the opening is looked up once per snapshot,
    not once per window (the forecast runs twice in every take_ticket)."""
    engine = Engine(hall())
    calls = []
    real = forecast.opened_at

    def counted(state: HallState) -> datetime | None:
        calls.append(1)
        return real(state)

    monkeypatch.setattr(forecast, "opened_at", counted)
    forecast.Snapshot(engine.state, engine.config, START).wait("A", 3)
    assert len(calls) == 1


def test_the_running_arrival_counts_match_a_recount() -> None:
    """The priority rates kept up to date ticket by ticket (and minute by minute) are
    those of a count from scratch at every moment."""

    def recount(state: HallState, now: datetime) -> dict[str, float]:
        arrivals: dict[str, int] = {}
        tickets: dict[str, int] = {}
        priority: dict[str, int] = {}
        for ticket in state.tickets.values():
            issued = datetime.fromisoformat(ticket.issued_at)
            if issued < now - forecast.SHARE_OVER:
                continue
            tickets[ticket.service] = tickets.get(ticket.service, 0) + 1
            if ticket.priority:
                priority[ticket.service] = priority.get(ticket.service, 0) + 1
            if issued >= now - forecast.ARRIVALS_OVER:
                arrivals[ticket.service] = arrivals.get(ticket.service, 0) + 1
        seconds = forecast.ARRIVALS_OVER.total_seconds()
        return {s: arrivals.get(s, 0) / seconds * n / tickets[s] for s, n in priority.items()}

    engine = Engine(hall())
    for minute in range(0, 240, 7):
        now = START + timedelta(minutes=minute)
        take(engine, "ABC"[minute % 3], now, priority=minute % 2 == 0)
        take(engine, "A", now)
        assert forecast._priority_rates(engine.state, now) == pytest.approx(
            recount(engine.state, now))
    later = START + timedelta(minutes=300)
    assert forecast._priority_rates(engine.state, later) == recount(engine.state, later)
    assert forecast._priority_rates(engine.state, START) == pytest.approx(
        recount(engine.state, START))  # an earlier moment: counted anew
