"""Typed payloads keep the wire format key for key, and refuse bad input clearly."""

from __future__ import annotations

import json
from typing import Any

import pytest

from hall.errors import ProtocolError
from hall.protocol import (
    EVENT_FIELDS,
    EVENT_PAYLOADS,
    RESULT_FIELDS,
    RESULTS,
    Event,
    EventKind,
    TicketData,
    decode_frame,
    encode,
)

TICKET = {"id": 3, "number": "A003", "service": "A", "priority": False, "status": "waiting",
          "issued_at": "2026-11-02T09:01:00+08:00", "window": None, "order": 3,
          "called_at": None, "recalls": 0}
AT = "2026-11-02T09:01:00+08:00"

#: One wire object per kind, as hubs before the typed payloads wrote them.
CASE = {"id": 1, "ticket": 3, "number": "A003", "day": "2026-11-02", "window": 2,
        "staff": "0007", "score": 1, "reason": None, "rated_at": "2026-11-02T10:00:00+08:00",
        "state": "open", "deadline": "2026-11-09", "extensions": 0, "notes": [],
        "callbacks": [], "pushed": False}

WIRE: dict[EventKind, dict[str, Any]] = {
    EventKind.ASSIST_RECORDED: {"window": 2, "assist": "proxy", "service": "A", "zone": "z1",
                                "staff": "0007", "ticket_id": 3, "number": "A003",
                                "source": "village", "note": "代老人办理"},
    EventKind.TICKET_ISSUED: {"day": "2026-11-02", "ticket": {**TICKET, "booking": "BK-1"},
                              "slot": "A@08:30-10:00", "request": "k-7f3a",
                              "estimated_wait_min": 12, "wait_range_min": [8, 19],
                              "period": "extended"},
    EventKind.TICKET_CALLED: {"ticket": {**TICKET, "status": "called", "window": 2,
                                         "called_at": AT}, "window": 2, "recall": 0,
                              "staff": "0007", "tier": 0, "streak": 1},
    EventKind.TICKET_FINISHED: {"ticket_id": 3, "number": "A003", "window": 2, "service": "A",
                                "duration_s": 180.5},
    EventKind.TICKET_SKIPPED: {"ticket_id": 3, "number": "A003", "window": 2},
    EventKind.TICKET_REINSTATED: {"ticket_id": 3, "number": "A003", "window": 2, "order": 9},
    EventKind.TICKET_TRANSFERRED: {"ticket_id": 3, "number": "A003", "window": 2,
                                   "from_service": "A", "service": "B"},
    EventKind.WINDOW_PAUSED: {"window": 2, "reason": "午休"},
    EventKind.WINDOW_RESUMED: {"window": 2},
    EventKind.ANNOUNCEMENT: {"window": 2, "call": "manager", "text": "请大堂经理到2号窗口"},
    EventKind.ALERT_RAISED: {"alert": "wait:zone:tax", "category": "wait",
                             "scope": "zone:tax", "level": "warning",
                             "message": "办税服务区 最长等候 42 分钟（上限 30 分钟）",
                             "value": 42.0, "limit": 30.0,
                             "since": "2026-11-02T10:12:00+08:00"},
    EventKind.CASE_OPENED: {"case": CASE},
    EventKind.CASE_UPDATED: {"action": "note", "by": "admin-1",
                             "case": {k: v for k, v in CASE.items()
                                      if k not in ("notes", "callbacks")},
                             "note": {"at": AT, "by": "admin-1", "text": "已约谈"},
                             "callback": {"at": AT, "by": "admin-1", "reached": False,
                                          "satisfied": None, "text": ""}},
    EventKind.ALERT_CLEARED: {"alert": "wait:zone:tax", "since": "2026-11-02T10:12:00+08:00",
                              "cleared": "2026-11-02T10:40:00+08:00"},
    EventKind.CLERK_SIGNED_IN: {"window": 2, "staff": "0007", "name": "张敏"},
    EventKind.CLERK_SIGNED_OUT: {"window": 2, "staff": "0007"},
    EventKind.RATING_RECORDED: {"ticket_id": 3, "number": "A003", "window": 2, "service": "A",
                                "zone": "z1", "staff": "0007", "score": 2, "points": 100,
                                "channel": "phone", "reason": "等候时间长",
                                "comment": "<b>=1+1</b>"},
    EventKind.DAY_CLOSED: {"day": "2026-11-02", "next_day": "2026-11-03", "closed": [3, 4],
                           "reason": "day_end", "next_id": 5, "forget_before": "2026-10-04"},
    EventKind.DEVICE_STATUS_REPORTED: {"device": "kiosk-1", "device_kind": "printer",
                                       "status": "paper_out", "detail": "缺纸"},
    EventKind.TICKET_NOT_PRINTED: {"ticket_id": 3, "number": "A003", "given_up": True},
    EventKind.TICKET_REPRINTED: {"ticket_id": 3, "number": "A003"},
    EventKind.WITHHELD: {},
}


def test_every_kind_has_a_wire_sample() -> None:
    assert set(WIRE) == set(EventKind) == set(EVENT_PAYLOADS)


@pytest.mark.parametrize("kind", list(EventKind))
def test_events_keep_the_wire_format_key_for_key(kind: EventKind) -> None:
    event = Event.of(7, AT, kind, WIRE[kind])
    assert event.to_store() == WIRE[kind]
    assert list(event.to_store()) == list(WIRE[kind])  # key order too
    assert tuple(WIRE[kind]) == EVENT_FIELDS[kind]
    frame = encode(event.to_json())
    assert "booking" not in frame and "BK-1" not in frame
    again = Event.parse(decode_frame(frame))
    assert (again.seq, again.at, again.kind) == (7, AT, kind)
    broadcast = {k: v for k, v in json.loads(frame).items()
                 if k not in ("type", "seq", "at", "kind")}
    assert json.loads(json.dumps(dict(again.data))) == broadcast


@pytest.mark.parametrize("kind", list(EventKind))
def test_broadcast_equals_the_old_stripped_form(kind: EventKind) -> None:
    wire = json.loads(encode(Event.of(7, AT, kind, WIRE[kind]).to_json()))
    expected = {"type": "event", "seq": 7, "at": AT, "kind": str(kind), **WIRE[kind]}
    if kind is EventKind.TICKET_ISSUED:
        expected["ticket"] = dict(TICKET)
        del expected["request"]  # the kiosk's key stays in the hub
    assert wire == expected


def test_data_is_a_read_only_mapping() -> None:
    event = Event.of(1, AT, EventKind.WINDOW_PAUSED, {"window": 2})
    assert event.data["window"] == 2
    with pytest.raises(TypeError):
        event.data["window"] = 3  # type: ignore[index]


def test_old_stored_events_read_and_write_back_unchanged() -> None:
    # A day_closed without forget_before, a ticket_called ticket without booking.
    closed = {"day": "2026-11-02", "next_day": "2026-11-03", "closed": [], "reason": "day_end",
              "next_id": 5}
    assert Event.of(1, AT, EventKind.DAY_CLOSED, closed).to_store() == closed


@pytest.mark.parametrize(
    ("kind", "data"),
    [
        (EventKind.WINDOW_PAUSED, {}),
        (EventKind.WINDOW_PAUSED, {"window": "2"}),
        (EventKind.WINDOW_PAUSED, {"window": True}),
        (EventKind.TICKET_CALLED, {"ticket": [], "window": 2}),
        (EventKind.TICKET_CALLED, {"ticket": {"id": 1}, "window": 2}),
        (EventKind.DAY_CLOSED, {"day": "d", "next_day": "e", "closed": ["x"]}),
    ],
)
def test_bad_payloads_raise_protocol_errors(kind: EventKind, data: dict[str, Any]) -> None:
    with pytest.raises(ProtocolError):
        Event.of(1, AT, kind, data)


def test_event_parse_refuses_a_bad_payload() -> None:
    with pytest.raises(ProtocolError):
        Event.parse({"type": "event", "seq": 1, "at": AT, "kind": "window_paused"})


def test_ticket_public_form_has_no_booking() -> None:
    ticket = TicketData.parse({**TICKET, "booking": "BK-1"})
    assert ticket.public() == TICKET and ticket.stored()["booking"] == "BK-1"


@pytest.mark.parametrize("extra", [{}, {"booking": "BK-1"}, {"person": "p" * 16},
                                   {"order": None}, {"window": 3, "called_at": AT}])
def test_a_result_shows_a_ticket_in_its_public_form_key_for_key(extra: dict[str, Any]) -> None:
    ticket = TicketData.parse({**TICKET, **extra})
    shown = RESULTS["take_ticket"](ticket=ticket, ahead=2, estimated_wait_min=8).to_json()
    assert json.dumps(shown["ticket"]) == json.dumps(ticket.public())


def test_every_request_has_a_result_payload() -> None:
    from hall.protocol import REQUESTS

    assert set(RESULTS) == set(REQUESTS) == set(RESULT_FIELDS)


def test_results_round_trip() -> None:
    data = {"ticket": TICKET, "ahead": 2, "estimated_wait_min": 8, "wait_range_min": [5, 13]}
    assert RESULTS["take_ticket"].parse(data).to_json() == data
    unknown = {"ticket": TICKET, "ahead": 2, "estimated_wait_min": 0, "wait_range_min": None}
    assert RESULTS["ticket_info"].parse(unknown).to_json() == unknown
    assert RESULTS["call_next"].parse({"ticket": None}).to_json() == {"ticket": None}
    closed = {"day": "2026-11-02", "next_day": "2026-11-02#2", "closed": [1]}
    assert RESULTS["close_day"].parse(closed).to_json() == closed
    assert RESULTS["pause"].parse({}).to_json() == {}
    with pytest.raises(ProtocolError):
        RESULTS["rate"].parse({"score": 5})


def test_a_case_update_stored_before_events_carried_only_the_change_still_reads() -> None:
    old = {"action": "start", "by": "admin-1", "case": {**CASE, "state": "in_progress"}}
    event = Event.of(7, AT, EventKind.CASE_UPDATED, old)
    assert event.to_store() == old
