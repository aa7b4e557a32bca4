"""Kiosk requests: device status reports, tickets not printed and reprints (补打)."""

from __future__ import annotations

import pytest

from hall import errors
from hall.protocol import (
    DeviceStatus,
    Event,
    MarkNotPrinted,
    Reprint,
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
