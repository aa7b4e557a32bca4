"""The client session with no socket: every input and the outputs it must give."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest

from hall.protocol import CloseCode, EventKind, Welcome
from hall.session import (
    Answered,
    Applied,
    ClientSession,
    Lost,
    NotWelcomed,
    Reconnect,
    Refused,
    Send,
    Welcomed,
    outputs_of,
)

DAY = "2026-11-23"


def welcome(seq: int, *, resumed: bool = False, tickets: list[dict[str, Any]] | None = None,
            ) -> str:
    state = None if resumed else {"day": DAY, "seq": seq, "tickets": tickets or [],
                                  "windows": []}
    return json.dumps({"type": "welcome", "protocol": 1, "role": "display", "device": "d",
                       "window": None, "seq": seq, "resumed": resumed,
                       "hall": {"hall": {"name": "大厅"}}, "state": state})


def ticket(id_: int, number: str, status: str = "waiting") -> dict[str, Any]:
    return {"id": id_, "number": number, "service": "A", "priority": False, "status": status,
            "issued_at": f"{DAY}T09:00:00+08:00", "window": None, "order": id_,
            "called_at": None, "recalls": 0}


def issued(seq: int, id_: int) -> str:
    return json.dumps({"type": "event", "seq": seq, "at": f"{DAY}T09:00:0{seq % 10}+08:00",
                       "kind": "ticket_issued", "day": DAY,
                       "ticket": ticket(id_, f"A{id_:03d}"), "slot": None})


def welcomed(session: ClientSession, seq: int = 0, **kwargs: Any) -> list[Any]:
    session.connected()
    return session.receive(welcome(seq, **kwargs))


def test_hello_asks_for_what_came_after_the_replica() -> None:
    session = ClientSession("display-1", "secret")
    (first,) = session.connected()
    assert isinstance(first, Send)
    assert json.loads(first.text) == {"type": "hello", "device": "display-1",
                                      "token": "secret", "protocol": 1, "since": None}
    session.receive(welcome(4))
    session.receive(issued(5, 1))
    session.closed()
    (again,) = session.connected()
    assert isinstance(again, Send) and json.loads(again.text)["since"] == 5


def test_subscription_is_said_in_the_hello() -> None:
    session = ClientSession("kiosk-1", "s", subscribe=(EventKind.TICKET_ISSUED,))
    (hello,) = session.connected()
    assert isinstance(hello, Send)
    assert json.loads(hello.text)["subscribe"] == ["ticket_issued"]


def test_a_partial_stream_resumes_after_the_last_event_it_passed_on() -> None:
    """A voice station hears only calls; it used to resume from its first welcome, so
    every call since then came again after each outage (and was said again)."""
    session = ClientSession("speaker-1", "s", subscribe=(EventKind.TICKET_ISSUED,))
    welcomed(session, 4)
    assert len(session.receive(issued(7, 1))) == 1
    session.closed()
    (again,) = session.connected()
    assert isinstance(again, Send) and json.loads(again.text)["since"] == 7
    session.receive(welcome(9, resumed=True))
    assert session.receive(issued(7, 1)) == []  # a replay: not passed on twice
    assert len(session.receive(issued(9, 2))) == 1
    session.closed()
    session.connected()
    session.receive(welcome(3))  # a hub that started over: its events count again
    assert len(session.receive(issued(4, 1))) == 1


def test_welcome_builds_a_private_replica() -> None:
    session = ClientSession("d", "s")
    session.connected()
    raw = welcome(7, tickets=[ticket(3, "A003")])
    (out,) = session.receive(raw)
    assert isinstance(out, Welcomed) and isinstance(out.welcome, Welcome)
    assert out.state.seq == 7 and out.state.tickets[3].number == "A003"
    session.receive(issued(8, 4))
    # The welcome handed out is untouched by the replica moving on.
    assert [t["id"] for t in out.welcome.state["tickets"]] == [3]  # type: ignore[index]
    assert session.ready and session.hall == {"hall": {"name": "大厅"}}


def test_events_apply_in_order_and_replays_are_ignored() -> None:
    session = ClientSession("d", "s")
    welcomed(session, 0)
    outs = session.receive(issued(1, 1)) + session.receive(issued(2, 2))
    assert [o.event.seq for o in outputs_of(Applied, outs)] == [1, 2]
    assert session.receive(issued(2, 2)) == []  # replayed after a resume
    assert session.seq == 2


def test_a_gap_asks_to_reconnect_and_resume() -> None:
    session = ClientSession("d", "s")
    welcomed(session, 0)
    session.receive(issued(1, 1))
    (out,) = session.receive(issued(3, 3))
    assert isinstance(out, Reconnect) and "1 -> 3" in out.reason
    assert session.seq == 1
    session.closed()
    (hello,) = session.connected()
    assert json.loads(hello.text)["since"] == 1  # type: ignore[union-attr]


def test_a_resumed_welcome_keeps_the_replica() -> None:
    session = ClientSession("d", "s")
    welcomed(session, 0)
    session.receive(issued(1, 1))
    replica = session.state
    session.closed()
    session.connected()
    (out,) = session.receive(welcome(3, resumed=True))
    assert isinstance(out, Welcomed) and out.state is replica and replica.seq == 1
    outs = session.receive(issued(2, 2)) + session.receive(issued(3, 3))
    assert len(outputs_of(Applied, outs)) == 2 and session.seq == 3


def test_a_partial_stream_keeps_no_replica_and_passes_everything_on() -> None:
    session = ClientSession("k", "s", subscribe=False)
    welcomed(session, 10)
    outs = session.receive(issued(42, 1))
    assert [o.event.seq for o in outputs_of(Applied, outs)] == [42]
    assert session.seq == 42  # how far it got: a resume asks for what came after


def test_results_are_matched_to_their_requests() -> None:
    session = ClientSession("k", "s")
    welcomed(session)
    first, frame = session.request("take_ticket", service="A")
    second, _ = session.request("take_ticket", service="B")
    assert json.loads(frame.text) == {"type": "take_ticket", "id": first, "service": "A"}
    assert first != second and session.pending == {first, second}
    (out,) = session.receive(json.dumps({"type": "result", "id": second, "ok": False,
                                         "error": {"code": "daily_cap_reached",
                                                   "message": "今日号源已满"}}))
    assert isinstance(out, Answered) and out.request_id == second
    assert out.result.error_code == "daily_cap_reached"
    assert session.pending == {first}


def test_an_unknown_result_is_logged_not_delivered(caplog: pytest.LogCaptureFixture) -> None:
    session = ClientSession("k", "s")
    welcomed(session)
    with caplog.at_level(logging.WARNING):
        outs = session.receive(json.dumps({"type": "result", "id": 99, "ok": False,
                                           "error": {"code": "bad_request", "message": "x"}}))
    assert outs == [] and "bad_request" in caplog.text


def test_no_request_before_the_welcome() -> None:
    session = ClientSession("k", "s")
    session.connected()
    with pytest.raises(NotWelcomed):
        session.request("status")


def test_a_drop_loses_the_pending_requests() -> None:
    session = ClientSession("k", "s")
    welcomed(session)
    a, _ = session.request("status")
    b, _ = session.request("status")
    outs = session.closed()
    assert outs == [Lost((a, b))]
    assert session.pending == frozenset() and not session.ready
    with pytest.raises(NotWelcomed):
        session.request("status")


@pytest.mark.parametrize("code, fatal", [
    (CloseCode.BAD_CREDENTIALS, True), (CloseCode.UNSUPPORTED_PROTOCOL, True),
    (CloseCode.TOO_SLOW, False), (CloseCode.RATE_LIMITED, False),
    (CloseCode.GOING_AWAY, False), (CloseCode.STORE_FAILED, False), (None, False),
])
def test_only_fatal_close_codes_refuse(code: int | None, fatal: bool) -> None:
    session = ClientSession("k", "s")
    session.connected()
    outs = session.closed(code, "reason")
    refused = outputs_of(Refused, outs)
    assert bool(refused) is fatal
    if fatal:
        assert refused[0].code == code and session.fatal == refused[0]


@pytest.mark.parametrize("frame", [
    "not json", b"\x00binary", json.dumps([1, 2]), json.dumps({"type": "event", "seq": "x"}),
    json.dumps({"type": "welcome", "role": "nobody", "seq": 1}),
    json.dumps({"type": "result", "ok": "yes"}),
])
def test_a_broken_frame_asks_to_reconnect(frame: str | bytes) -> None:
    session = ClientSession("d", "s")
    welcomed(session)
    (out,) = session.receive(frame)
    assert isinstance(out, Reconnect)


def test_an_event_before_any_welcome_asks_to_reconnect() -> None:
    session = ClientSession("d", "s")
    session.connected()
    (out,) = session.receive(issued(1, 1))
    assert isinstance(out, Reconnect)


def test_unknown_frame_types_are_ignored() -> None:
    session = ClientSession("d", "s")
    welcomed(session)
    assert session.receive(json.dumps({"type": "notice", "text": "hi"})) == []
