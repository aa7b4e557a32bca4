"""Kiosk requests: device status reports, tickets not printed and reprints (补打)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from hall import errors
from hall.protocol import (
    CheckBooking,
    DeviceStatus,
    Event,
    GiveUpTicket,
    MarkNotPrinted,
    Reprint,
    TakeTicket,
    parse_request,
)
from hub.engine import Engine
from tests.hub.engine_helpers import MORNING, call, hall, kinds, refused, replay, take


def test_device_status_is_an_event_and_changes_no_queue() -> None:
    engine = Engine(hall())
    take(engine, "A")
    before = (dict(engine.state.issued), dict(engine.state.tickets))
    out = engine.execute(DeviceStatus(id=1, device="kiosk-1", device_kind="printer",
                                      status="paper_out", detail="打印机缺纸"), MORNING)
    assert kinds(out) == ["device_status_reported"]
    assert out.events[0].data == {"device": "kiosk-1", "device_kind": "printer",
                                  "status": "paper_out", "detail": "打印机缺纸"}
    assert (dict(engine.state.issued), dict(engine.state.tickets)) == before
    assert replay(out.events, None).seq == out.events[0].seq


@pytest.mark.parametrize("obj", [
    {"device_kind": "printer", "status": "on fire"},
    {"device_kind": "", "status": "ok"},
    {"device_kind": "printer", "status": "ok", "detail": "x" * 201},
    {"status": "ok"},
])
def test_device_status_refuses_bad_fields(obj: dict[str, object]) -> None:
    with pytest.raises(errors.ProtocolError):
        parse_request({"type": "device_status", "id": 1, **obj})


def test_not_printed_and_reprint_keep_the_ticket_waiting() -> None:
    engine = Engine(hall())
    ticket = take(engine, "A")
    out = engine.execute(MarkNotPrinted(id=1, ticket=ticket.id), MORNING)
    assert kinds(out) == ["ticket_not_printed"]
    assert out.events[0].data == {"ticket_id": ticket.id, "number": "A001"}
    out = engine.execute(Reprint(id=2, ticket=ticket.id), MORNING)
    assert kinds(out) == ["ticket_reprinted"]
    assert out.data["ticket"]["number"] == "A001" and out.data["ahead"] == 0
    assert engine.state.tickets[ticket.id].status.value == "waiting"


def test_reprint_refuses_a_ticket_no_longer_waiting_or_unknown() -> None:
    engine = Engine(hall())
    ticket = take(engine, "A")
    call(engine, 1)
    refused(engine, Reprint(id=1, ticket=ticket.id), errors.NotWaiting)
    refused(engine, Reprint(id=1, ticket=999), errors.UnknownTicket)
    refused(engine, MarkNotPrinted(id=1, ticket=999), errors.UnknownTicket)


def test_the_new_events_survive_the_wire() -> None:
    engine = Engine(hall())
    ticket = take(engine, "A")
    out = engine.execute(MarkNotPrinted(id=1, ticket=ticket.id), MORNING)
    event = out.events[0]
    assert Event.parse(event.to_json()) == event


PERSON = "a" * 64
OTHER = "b" * 64


def test_one_open_ticket_per_person_and_service() -> None:
    engine = Engine(hall())
    out = engine.execute(TakeTicket(id=1, service="A", person=PERSON), MORNING)
    assert "person" not in out.data["ticket"]
    refused(engine, TakeTicket(id=2, service="A", person=PERSON), errors.AlreadyTaken)
    take(engine, "B", person=PERSON)  # another business
    take(engine, "A", person=OTHER)  # another person
    take(engine, "A")  # nobody's card
    call(engine, 1)  # A001 is called: still open
    refused(engine, TakeTicket(id=3, service="A", person=PERSON), errors.AlreadyTaken)


def test_the_person_hash_is_stored_never_broadcast_or_shown() -> None:
    engine = Engine(hall())
    out = engine.execute(TakeTicket(id=1, service="A", person=PERSON), MORNING)
    event = out.events[0]
    assert event.to_store()["ticket"]["person"] == PERSON
    assert PERSON not in repr(event.to_json()) and PERSON not in repr(engine.state.public())
    assert PERSON not in repr(TakeTicket(id=1, service="A", person=PERSON))
    assert replay(out.events, None).tickets[1].person == PERSON  # survives a restart


@pytest.mark.parametrize("person", ["11010519491231002X", "A" * 64, "a" * 63])
def test_take_ticket_refuses_anything_but_a_hash(person: str) -> None:
    with pytest.raises(errors.ProtocolError):
        parse_request({"type": "take_ticket", "id": 1, "service": "A", "person": person})


def test_a_lost_ticket_is_found_by_the_person_hash() -> None:
    engine = Engine(hall())
    take(engine, "A", person=PERSON)
    latest = take(engine, "B", person=PERSON)
    out = engine.execute(Reprint(id=1, person=PERSON), MORNING)
    assert out.data["ticket"]["number"] == latest.number == "B001"
    assert kinds(out) == ["ticket_reprinted"]
    refused(engine, Reprint(id=2, person=OTHER), errors.UnknownTicket)
    with pytest.raises(errors.ProtocolError):
        parse_request({"type": "reprint", "id": 1})
    with pytest.raises(errors.ProtocolError):
        parse_request({"type": "reprint", "id": 1, "ticket": 1, "person": PERSON})


# -- a kiosk that gave up waiting (issue 18: a frozen hub left a ticket nobody held) -----


def test_a_take_ticket_arriving_after_its_give_up_time_issues_nothing() -> None:
    engine = Engine(hall())
    deadline = (MORNING - timedelta(seconds=1)).isoformat()
    refused(engine, TakeTicket(id=1, service="A", request="k1", give_up_at=deadline),
            errors.RequestExpired)
    assert engine.state.tickets == {} and engine.state.issued == {}


def test_a_take_ticket_in_time_is_issued_and_its_key_never_gets_a_second_ticket() -> None:
    engine = Engine(hall())
    deadline = (MORNING + timedelta(seconds=8)).isoformat()
    first = engine.execute(TakeTicket(id=1, service="A", request="k1", give_up_at=deadline),
                           MORNING)
    again = engine.execute(TakeTicket(id=2, service="A", request="k1"), MORNING)
    assert kinds(again) == [] and again.data["ticket"] == first.data["ticket"]
    assert engine.state.issued == {"A": 1}
    assert "request" not in first.events[0].to_json()  # the key is never broadcast
    assert first.events[0].to_store()["request"] == "k1"


def test_giving_up_closes_the_ticket_so_no_window_calls_it_and_replay_agrees() -> None:
    engine = Engine(hall())
    events = engine.execute(TakeTicket(id=1, service="A", request="k1"), MORNING).events
    out = engine.execute(GiveUpTicket(id=2, request="k1"), MORNING)
    events += out.events
    assert kinds(out) == ["ticket_not_printed"] and out.events[0].data["given_up"] is True
    assert out.data["ticket"]["status"] == "closed"
    assert call(engine, 1) is None  # nobody holds it: nobody is called
    assert replay(events).tickets == engine.state.tickets  # a replica / restart agrees
    assert replay(events).requests == {"k1": 1}
    refused(engine, TakeTicket(id=3, service="A", request="k1"), errors.RequestExpired)


def test_giving_up_a_request_that_issued_nothing_or_was_called_changes_nothing() -> None:
    engine = Engine(hall())
    out = engine.execute(GiveUpTicket(id=1, request="never-arrived"), MORNING)
    assert kinds(out) == [] and out.data == {"ticket": None}
    take(engine, "A", request="k2")
    call(engine, 1)
    out = engine.execute(GiveUpTicket(id=2, request="k2"), MORNING)
    assert kinds(out) == [] and out.data["ticket"]["status"] == "called"


@pytest.mark.parametrize("obj", [
    {"service": "A", "give_up_at": "soon"},
    {"service": "A", "give_up_at": "2026-11-23T09:30:00"},  # no UTC offset
    {"service": "A", "request": "a b"},
    {"service": "A", "request": "x" * 65},
])
def test_take_ticket_refuses_a_bad_key_or_give_up_time(obj: dict[str, object]) -> None:
    with pytest.raises(errors.ProtocolError):
        parse_request({"type": "take_ticket", "id": 1, **obj})


def test_check_booking_says_whether_a_code_was_used_and_changes_nothing() -> None:
    engine = Engine(hall())
    out = engine.execute(CheckBooking(id=1, booking="BK1"), MORNING)
    assert out.data == {"used": False} and kinds(out) == []
    take(engine, "A", booking="BK1")
    out = engine.execute(CheckBooking(id=2, booking="BK1"), MORNING)
    assert out.data == {"used": True} and kinds(out) == []
