"""``apply`` and replicas: the engine's events, replayed into a fresh HallState or into a
replica that joined late from ``HallState.from_public(state.public())``, give the same
state the engine has."""

from __future__ import annotations

import copy
import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from hall.config import HallConfig
from hall.protocol import (
    CallNext,
    Event,
    EventKind,
    Pause,
    Request,
    TakeTicket,
)
from hall.state import HallState, TicketStatus, apply, estimated_wait_min, people_ahead
from hub.engine import Engine
from tests.hub.engine_helpers import (
    MORNING,
    a_morning,
    at,
    call,
    hall,
    random_commands,
    random_halls,
    replay,
    run,
    service,
    take,
    window,
)


def test_replaying_a_morning_rebuilds_the_state() -> None:
    engine, events = a_morning()
    assert replay(events) == engine.state
    assert [e.seq for e in events] == list(range(1, len(events) + 1))


def test_replaying_through_the_wire_form() -> None:
    """Events sent as JSON and parsed back (personal data stripped) rebuild the public state."""
    engine, events = a_morning()
    wired = [Event.parse(json.loads(json.dumps(e.to_json()))) for e in events]
    replica = replay(wired)
    assert replica.public() == engine.state.public()
    assert all(t.booking is None for t in replica.tickets.values())
    assert replica.used_bookings == {}


def test_replica_from_public_state_follows_the_events() -> None:
    engine, events = a_morning()
    for cut in range(len(events) + 1):
        partial = replay(events[:cut])
        replica = HallState.from_public(copy.deepcopy(partial.public()))
        replay(events[cut:], replica)
        assert replica.public() == engine.state.public(), f"joined after event {cut}"


def test_apply_ignores_events_about_unknown_tickets() -> None:
    state = HallState()
    cases: list[tuple[EventKind, dict[str, Any]]] = [
        (EventKind.TICKET_SKIPPED, {"ticket_id": 7, "number": "A007", "window": 1}),
        (EventKind.TICKET_REINSTATED, {"ticket_id": 7, "number": "A007", "window": 1,
                                       "order": 9}),
        (EventKind.TICKET_TRANSFERRED, {"ticket_id": 7, "number": "A007", "window": 1,
                                        "from_service": "A", "service": "B"}),
        (EventKind.RATING_RECORDED, {"ticket_id": 7, "number": "A007", "window": 1,
                                     "service": "A", "zone": None, "staff": None, "score": 5}),
    ]
    for kind, data in cases:
        apply(state, Event.of(state.seq + 1, MORNING.isoformat(), kind, data))
    assert state.tickets == {} and state.seq == 4 and state.next_order == 10


def test_replica_learns_a_ticket_from_its_call() -> None:
    engine = Engine(hall())
    take(engine, "A")
    take(engine, "A")
    replica = HallState.from_public({"day": engine.state.day})
    out = engine.execute(CallNext(id=1, window=1), MORNING)
    replay(out.events, replica)
    ticket = replica.tickets[1]
    assert ticket.status is TicketStatus.CALLED and replica.windows[1].ticket == 1


def test_day_close_event_resets_the_replica() -> None:
    engine = Engine(hall())
    take(engine, "A", booking="BK1")
    call(engine, 1)
    engine.execute(Pause(id=1, window=2), MORNING)
    events = engine.tick(at(6, day=3))
    replica = replay(events, copy.deepcopy(engine.state))
    assert replica == engine.state
    assert replica.public()["tickets"] == [] and replica.next_id == 2
    assert replica.used_bookings == {"BK1": "2026-11-02"}


def test_people_ahead_of_a_ticket_that_does_not_wait() -> None:
    engine = Engine(hall())
    take(engine, "A")
    call(engine, 1)
    assert people_ahead(engine.state, engine.state.tickets[1]) == 0


@settings(max_examples=100, deadline=None)
@given(config=random_halls(), commands=random_commands)
def test_people_ahead_are_the_waiting_tickets_called_before(
    config: HallConfig, commands: list[tuple[int, Request]]
) -> None:
    """Every waiting ticket (the last of its lane, found without a search, and the
    others): the priority tickets of its service ahead of a normal one, and the earlier
    ones of its own class."""
    engine, _ = run(config, commands)
    waiting = [t for t in engine.state.tickets.values() if t.status is TicketStatus.WAITING]
    for ticket in waiting:
        before = [o for o in waiting if o.service == ticket.service and (
            (o.priority and not ticket.priority)
            or (o.priority == ticket.priority and (o.order, o.id) < (ticket.order, ticket.id)))]
        assert people_ahead(engine.state, ticket) == len(before)


@settings(max_examples=250, deadline=None)
@given(config=random_halls(), commands=random_commands, data=st.data())
def test_replay_and_late_replica_agree_with_the_engine(
    config: HallConfig, commands: list[tuple[int, Request]], data: st.DataObject
) -> None:
    engine, events = run(config, commands)
    assert replay(events) == engine.state
    cut = data.draw(st.integers(0, len(events)), label="replica joins after event")
    partial = replay(events[:cut])
    replica = HallState.from_public(json.loads(json.dumps(partial.public())))
    replay([Event.parse(e.to_json()) for e in events[cut:]], replica)
    assert replica.public() == engine.state.public()


def test_late_replica_keeps_the_average_service_time() -> None:
    config = hall(services=[service("A")], windows=[window(1, "A")])
    engine = Engine(config)
    events: list[Event] = []
    for _ in range(4):
        events += engine.execute(TakeTicket(id=1, service="A"), at(9)).events
    for minute in (0, 2, 10, 11):  # services of 2, 8 and 1 minutes
        events += engine.execute(CallNext(id=1, window=1), at(9, minute)).events
    finished = [i for i, e in enumerate(events) if e.kind is EventKind.TICKET_FINISHED]
    cut = finished[1] + 1  # the replica joins after two services were timed
    replica = HallState.from_public(replay(events[:cut]).public())
    replay(events[cut:], replica)
    assert replica.public() == engine.state.public()
    assert replica.public()["average_service_s"] == {"A": 220.0}
    assert estimated_wait_min(replica, engine.config, "A", 3) == 11
    for sid in ("A", "B", "C", "D"):  # the replica estimates waits as the hub does
        assert estimated_wait_min(replica, config, sid, 7) == estimated_wait_min(
            engine.state, config, sid, 7)
