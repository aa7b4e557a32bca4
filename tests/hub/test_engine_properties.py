"""Property tests: random halls, random command sequences at random moments; DESIGN's
invariants are checked after every step.

- a window only ever holds tickets of services it serves;
- no ticket is held by two windows, and every window's ticket agrees with the ticket;
- within one service and one priority class, call_next takes the ticket with the
  smallest order key (issue order; a reinstated ticket's key is renewed, a transferred
  one keeps its key), and a window follows its tiers;
- no starvation: while a normal ticket waits in a window's tier, that window calls at
  most P priority tickets of that tier in a row (priority_ratio = P:N);
- a refused request leaves the state unchanged;
- replaying the emitted events into a fresh HallState gives the engine's state.
"""

from __future__ import annotations

import copy
from collections import defaultdict
from datetime import datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hall import errors
from hall.config import HallConfig, Window
from hall.protocol import CallNext, Event, EventKind, Request, TakeTicket
from hall.state import HallState, TicketStatus, apply
from hub.engine import Engine
from tests.hub.engine_helpers import (
    SERVICE_IDS,
    at,
    hall,
    random_commands,
    random_halls,
    service,
    window,
)

START = at(8)
SETTINGS = settings(max_examples=800, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


def check_holdings(config: HallConfig, state: HallState) -> None:
    held: dict[int, int] = {}
    for number, ws in state.windows.items():
        if ws.ticket is None:
            continue
        window = config.window(number)
        assert window is not None, f"state holds unknown window {number}"
        ticket = state.tickets[ws.ticket]
        assert ticket.service in window.services, (
            f"window {number} holds {ticket.number} of {ticket.service}")
        assert ws.ticket not in held, f"{ticket.number} held by {held[ws.ticket]} and {number}"
        held[ws.ticket] = number
        assert ticket.status is TicketStatus.CALLED and ticket.window == number
    for ticket in state.tickets.values():
        if ticket.status is TicketStatus.CALLED:
            assert held.get(ticket.id) == ticket.window, f"{ticket.number} called but not held"
    queued = {tid for q in state.queues.values() for lane in (q.priority, q.normal)
              for _, tid in lane}
    waiting = {t.id for t in state.tickets.values() if t.status is TicketStatus.WAITING}
    assert queued == waiting
    for sid, queue in state.queues.items():
        for prio, lane in ((True, queue.priority), (False, queue.normal)):
            assert lane == sorted(lane)
            for order, tid in lane:
                ticket = state.tickets[tid]
                assert (ticket.service, ticket.priority, ticket.order) == (sid, prio, order)


def waiting_in(state: HallState, tier: tuple[str, ...], priority: bool) -> list[tuple[int, int]]:
    keys: list[tuple[int, int]] = []
    for sid in tier:
        queue = state.queues.get(sid)
        if queue is not None:
            keys += queue.lane(priority)
    return sorted(keys)


class Starvation:
    """Per window and tier: priority calls in a row while a normal ticket waited there."""

    def __init__(self) -> None:
        self.run: dict[tuple[int, int], int] = defaultdict(int)

    def reset(self) -> None:
        self.run.clear()

    def check_call(self, config: HallConfig, window: Window, before: HallState,
                   ticket_id: int) -> None:
        """``ticket_id`` was called by call_next at ``window`` from the state ``before``."""
        ticket = before.tickets[ticket_id]
        assert ticket.status is TicketStatus.WAITING
        tiers = [i for i, t in enumerate(window.tiers)
                 if waiting_in(before, t, True) or waiting_in(before, t, False)]
        assert tiers, "called a ticket although nothing waited"
        first = tiers[0]
        tier = window.tiers[first]
        assert ticket.service in tier, f"{ticket.number} is not of the first waiting tier"
        key = (ticket.order, ticket.id)
        assert key == waiting_in(before, tier, ticket.priority)[0], (
            f"{ticket.number} is not the oldest of its class in its tier")
        normals_waiting = bool(waiting_in(before, tier, False))
        priorities_waiting = bool(waiting_in(before, tier, True))
        slot = (window.number, first)
        p_calls, n_calls = config.policy.priority_ratio
        if ticket.priority and normals_waiting:
            self.run[slot] += 1
            assert self.run[slot] <= p_calls, (
                f"window {window.number} called {self.run[slot]} priority tickets in a row "
                f"while a normal one waited (ratio {p_calls}:{n_calls})")
        else:
            self.run[slot] = 0
        if not ticket.priority and priorities_waiting:
            pass  # normal calls while priority waits are bounded by N only loosely


def run_commands(config: HallConfig, commands: list[tuple[int, Request]]) -> None:
    engine = Engine(config)
    replica = HallState()
    emitted: list[Event] = []
    starvation = Starvation()
    now: datetime = START

    def take_events(events: list[Event]) -> None:
        for event in events:
            assert event.seq == (emitted[-1].seq + 1 if emitted else 1)
            emitted.append(event)
            apply(replica, event)
            if event.kind is EventKind.DAY_CLOSED:
                starvation.reset()

    for step, request in commands:
        now = now + timedelta(seconds=step)
        take_events(engine.tick(now))
        before = copy.deepcopy(engine.state)
        public_before = engine.state.public()
        try:
            outcome = engine.execute(request, now)
        except errors.QueueError:
            assert engine.state == before, f"refused {request!r} changed the state"
            assert engine.state.public() == public_before
        else:
            take_events(outcome.events)
            if isinstance(request, CallNext):
                calls = [e for e in outcome.events if e.kind is EventKind.TICKET_CALLED]
                window = config.window(request.window)
                assert window is not None
                if calls:
                    starvation.check_call(config, window, before,
                                          int(calls[0].data["ticket"]["id"]))
                else:  # nothing waited for this window anywhere
                    assert not any(waiting_in(before, t, p)
                                   for t in window.tiers for p in (True, False))
        check_holdings(config, engine.state)
        assert replica == engine.state, f"replay differs after {request!r}"
    fresh = HallState()
    for event in emitted:
        apply(fresh, event)
    assert fresh == engine.state


@SETTINGS
@given(config=random_halls(), commands=random_commands)
def test_invariants_hold_over_random_commands(
    config: HallConfig, commands: list[tuple[int, Request]]
) -> None:
    run_commands(config, commands)


@settings(max_examples=200, deadline=None)
@given(config=random_halls(), commands=random_commands)
def test_busy_hall_invariants(config: HallConfig, commands: list[tuple[int, Request]]) -> None:
    """The same checks on a hall where tickets pile up first (long queues, many ties)."""
    pile = [(0, TakeTicket(id=1, service=s, priority=(i % 3 == 0)))
            for i, s in enumerate("ABCDABCDABCDAB")]
    run_commands(config, pile + commands)


@st.composite
def tiered_window_halls(draw: st.DrawFn) -> HallConfig:
    """One window with two to four tiers, the place where priority and tiers interact."""
    order = draw(st.permutations(SERVICE_IDS))
    cut = draw(st.integers(1, 3))
    tiers = [order[:cut], *[(s,) for s in order[cut:]]] if draw(st.booleans()) else [
        (s,) for s in order]
    return hall(
        services=[service(s) for s in SERVICE_IDS],
        windows=[window(1, *tiers)],
        priority_ratio=(draw(st.integers(1, 3)), draw(st.integers(1, 3))),
    )


_take_or_call = st.sampled_from(
    [st.builds(TakeTicket, id=st.just(1), service=st.sampled_from(SERVICE_IDS),
               priority=st.booleans())] * 3
    + [st.just(CallNext(id=1, window=1))] * 2
).flatmap(lambda strategy: strategy)


@settings(max_examples=400, deadline=None)
@given(config=tiered_window_halls(),
       commands=st.lists(st.tuples(st.just(30), _take_or_call), min_size=10, max_size=80))
def test_one_window_tiers_and_ratio(
    config: HallConfig, commands: list[tuple[int, Request]]
) -> None:
    run_commands(config, commands)
