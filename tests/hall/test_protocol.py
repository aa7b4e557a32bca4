"""Protocol v1 messages: parse/serialize round trips for every request and message,
and every malformed variant refused with the right error class."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import msgspec
import pytest
from hypothesis import given, settings

from hall import errors
from hall.config import HallConfig, Role
from hall.protocol import (
    EVENT_FIELDS,
    PROTOCOL_VERSION,
    REQUESTS,
    Announce,
    Assist,
    CallNext,
    CallNumber,
    Cases,
    CaseUpdate,
    CheckBooking,
    CloseDay,
    DeviceStatus,
    Event,
    EventKind,
    Finish,
    GiveUpTicket,
    Hello,
    MarkNotPrinted,
    Pause,
    Rate,
    Recall,
    Reinstate,
    Reprint,
    Request,
    Result,
    Resume,
    SignIn,
    SignOut,
    Skip,
    StaffingPlan,
    Stats,
    Status,
    TakeTicket,
    TicketHistory,
    TicketInfo,
    Transfer,
    Welcome,
    decode_frame,
    encode,
    parse_request,
)
from tests.hub.engine_helpers import MORNING, a_morning, random_commands, random_halls, run

#: One valid instance of every request, with every optional field set.
EXAMPLES: list[Request] = [
    TakeTicket(id=1, service="A"),
    TakeTicket(id="k-7", service="A", priority=True, booking="WX-2026_0001"),
    CallNext(id=2, window=3),
    Recall(id=3, window=3),
    Skip(id=4, window=3),
    Finish(id=5, window=3),
    Transfer(id=6, window=3, service="B"),
    Pause(id=7, window=3),
    Pause(id=71, window=3, reason="午休"),
    Announce(id=72, window=3, call="manager"),
    Resume(id=8, window=3),
    SignIn(id=9, window=3, staff="0101"),
    SignOut(id=10, window=3),
    Rate(id=11, window=3, ticket=42, score=5),
    Rate(id=12, window=3, ticket=42, score=1, channel="phone"),
    Reinstate(id=13, window=3, ticket=42),
    CallNumber(id=14, window=3, number="A012"),
    CloseDay(id=15),
    CloseDay(id=16, reason="停电"),
    Status(id=17),
    TicketInfo(id=18, ticket=42),
    DeviceStatus(id=19, device_kind="printer", status="paper_out", detail="缺纸"),
    MarkNotPrinted(id=20, ticket=42),
    TakeTicket(id=26, service="A", request="k-7f3a", give_up_at="2026-11-23T09:30:07+08:00"),
    GiveUpTicket(id=27, request="k-7f3a"),
    CheckBooking(id=28, booking="WX-2026_0001"),
    Reprint(id=21, ticket=42),
    Stats(id=22, start="2026-11-01", end="2026-11-30"),
    StaffingPlan(id=31, weeks=4, weekday=2, target_min=10, target_percent=90),
    TicketHistory(id=23, number="A012", day="2026-11-20"),
    Cases(id=24, state="open", overdue=True),
    CaseUpdate(id=25, case=3, action="callback", text="已电话回访", reached=True,
               satisfied=True),
    Assist(id=29, window=3, assist="help"),
    Assist(id=30, window=3, assist="proxy", service="A", source="village", note="代老人办理"),
]


def test_every_request_type_has_an_example() -> None:
    assert {type(r) for r in EXAMPLES} == set(REQUESTS.values())


@pytest.mark.parametrize("request_", EXAMPLES, ids=lambda r: f"{r.type}-{r.id}")
def test_request_round_trip(request_: Request) -> None:
    wire = encode(request_.to_json())
    obj = decode_frame(wire)
    assert obj["type"] == request_.type
    assert parse_request(obj) == request_
    assert "停电" in wire or "\\u" not in wire  # Chinese stays readable


@pytest.mark.parametrize(
    ("obj", "expected"),
    [
        ({"type": "take_ticket", "id": 1, "service": "A", "priority": None}, TakeTicket(
            id=1, service="A")),
        ({"type": "take_ticket", "id": 1, "service": "A", "booking": None}, TakeTicket(
            id=1, service="A")),
        ({"type": "rate", "id": 1, "window": 2, "ticket": 3, "score": 4},
         Rate(id=1, window=2, ticket=3, score=4, channel="pad")),
        ({"type": "close_day", "id": "x"}, CloseDay(id="x", reason="manual")),
        ({"type": "status", "id": 0, "extra": "ignored"}, Status(id=0)),
    ],
)
def test_defaults_and_nulls(obj: dict[str, Any], expected: Request) -> None:
    assert parse_request(obj) == expected


def _malformed() -> list[tuple[str, dict[str, Any], type[errors.QueueError]]]:
    """Every required field missing, every field of a wrong type, for every request."""
    cases: list[tuple[str, dict[str, Any], type[errors.QueueError]]] = []
    seen: set[str] = set()
    for example in EXAMPLES:
        if example.type in seen:
            continue
        seen.add(example.type)
        good = example.to_json()
        cls = type(example)
        for f in msgspec.structs.fields(cls):
            if f.required:
                bad = {k: v for k, v in good.items() if k != f.name}
                cases.append((f"{cls.type} without {f.name}", bad, errors.ProtocolError))
            for wrong in ([1], {"a": 1}, 1.5):
                cases.append((f"{cls.type} {f.name}={wrong!r}", {**good, f.name: wrong},
                              errors.ProtocolError))
            value = getattr(example, f.name)
            if isinstance(value, int) and not isinstance(value, bool):
                cases.append((f"{cls.type} {f.name}=true", {**good, f.name: True},
                              errors.ProtocolError))
                if f.name != "id":  # ids may be strings
                    cases.append((f"{cls.type} {f.name}='1'", {**good, f.name: "1"},
                                  errors.ProtocolError))
            if isinstance(value, bool):
                cases.append((f"{cls.type} {f.name}=1", {**good, f.name: 1},
                              errors.ProtocolError))
            if isinstance(value, str) and f.name != "id":
                cases.append((f"{cls.type} {f.name}=7", {**good, f.name: 7},
                              errors.ProtocolError))
        if "window" in good:
            for window in (0, -3):
                cases.append((f"{cls.type} window={window}", {**good, "window": window},
                              errors.ProtocolError))
    ranges: list[tuple[str, dict[str, Any]]] = [
        ("take_ticket empty service", {"type": "take_ticket", "id": 1, "service": ""}),
        ("take_ticket blank booking", {"type": "take_ticket", "id": 1, "service": "A",
                                       "booking": ""}),
        ("take_ticket long booking", {"type": "take_ticket", "id": 1, "service": "A",
                                      "booking": "B" * 65}),
        ("take_ticket odd booking", {"type": "take_ticket", "id": 1, "service": "A",
                                     "booking": "WX 1"}),
        ("take_ticket booking with quote", {"type": "take_ticket", "id": 1, "service": "A",
                                            "booking": "a'b"}),
        ("rate score 0", {"type": "rate", "id": 1, "window": 1, "ticket": 1, "score": 0}),
        ("rate score 6", {"type": "rate", "id": 1, "window": 1, "ticket": 1, "score": 6}),
        ("rate channel", {"type": "rate", "id": 1, "window": 1, "ticket": 1, "score": 5,
                          "channel": "email"}),
        ("sign_in blank staff", {"type": "sign_in", "id": 1, "window": 1, "staff": "  "}),
        ("sign_in long staff", {"type": "sign_in", "id": 1, "window": 1, "staff": "9" * 33}),
        ("id null", {"type": "status", "id": None}),
        ("id float", {"type": "status", "id": 1.0}),
        ("id bool", {"type": "status", "id": True}),
        ("id list", {"type": "status", "id": [1]}),
    ]
    cases += [(name, obj, errors.ProtocolError) for name, obj in ranges]
    cases += [
        ("unknown type", {"type": "call_everyone", "id": 1}, errors.UnknownType),
        ("hello is not a request", {"type": "hello", "id": 1}, errors.UnknownType),
        ("event is not a request", {"type": "event", "id": 1}, errors.UnknownType),
    ]
    return cases


MALFORMED = _malformed()


@pytest.mark.parametrize(("obj", "error"), [(o, e) for _, o, e in MALFORMED],
                         ids=[name for name, _, _ in MALFORMED])
def test_malformed_requests(obj: dict[str, Any], error: type[errors.QueueError]) -> None:
    with pytest.raises(errors.QueueError) as info:
        parse_request(obj)
    assert type(info.value) is error
    assert info.value.code == error.code and info.value.message


def test_malformed_table_is_large() -> None:
    assert len(MALFORMED) > 150


@pytest.mark.parametrize(
    "frame",
    [
        b'{"type":"status","id":1}',  # binary frame
        "",
        "not json",
        "{'type': 'status'}",
        '{"type":"status"',
        "[]",
        '["status"]',
        "42",
        "null",
        '"status"',
        "{}",
        '{"type":7}',
        '{"type":null}',
        '{"type":["status"]}',
        "[" * 100_000 + "]" * 100_000,  # nesting deep enough to exhaust the parser
    ],
    ids=lambda f: repr(f[:20]),
)
def test_bad_frames_are_not_json(frame: str | bytes) -> None:
    with pytest.raises(errors.QueueError) as info:
        decode_frame(frame)
    assert type(info.value) is errors.NotJson and info.value.code == "not_json"


def test_encode_is_compact_and_readable() -> None:
    assert encode({"type": "x", "name": "综合窗口"}) == '{"type":"x","name":"综合窗口"}'


# -- hello, welcome, result ---------------------------------------------------------------


@pytest.mark.parametrize(
    "hello",
    [Hello(device="kiosk-1", token="t0k"), Hello(device="caller-7", token="", since=0),
     Hello(device="wall", token="x", protocol=2, since=123)],
)
def test_hello_round_trip(hello: Hello) -> None:
    assert Hello.parse(decode_frame(encode(hello.to_json()))) == hello


def test_hello_defaults() -> None:
    hello = Hello.parse({"type": "hello", "device": "d", "token": "t"})
    assert hello.protocol == PROTOCOL_VERSION and hello.since is None


@pytest.mark.parametrize(
    "obj",
    [
        {"type": "hello", "token": "t"},
        {"type": "hello", "device": "d"},
        {"type": "hello", "device": 1, "token": "t"},
        {"type": "hello", "device": "d", "token": None},
        {"type": "hello", "device": "d", "token": "t", "protocol": "1"},
        {"type": "hello", "device": "d", "token": "t", "protocol": True},
        {"type": "hello", "device": "d", "token": "t", "protocol": 1.0},
        {"type": "hello", "device": "d", "token": "t", "since": -1},
        {"type": "hello", "device": "d", "token": "t", "since": "5"},
        {"type": "hello", "device": "d", "token": "t", "since": False},
    ],
)
def test_malformed_hello(obj: dict[str, Any]) -> None:
    with pytest.raises(errors.QueueError) as info:
        Hello.parse(obj)
    assert type(info.value) is errors.ProtocolError


def _welcome(config: HallConfig) -> list[Welcome]:
    engine, _ = a_morning()
    return [
        Welcome(role=Role.KIOSK, seq=engine.state.seq, hall=config.public(),
                state=engine.state.public(), device="kiosk-1"),
        Welcome(role=Role.CALLER, seq=9, hall=config.public(), state=None, device="c-3",
                window=3, resumed=True),
        Welcome(role=Role.DISPLAY, seq=0, hall={}, state=None),
    ]


def test_welcome_round_trip() -> None:
    engine, _ = a_morning()
    for welcome in _welcome(engine.config):
        wire = encode(welcome.to_json())
        assert Welcome.parse(json.loads(wire)) == welcome
        assert "booking" not in wire and "BK-9" not in wire


@pytest.mark.parametrize(
    "obj",
    [
        {"type": "welcome", "seq": 1},
        {"type": "welcome", "role": "janitor", "seq": 1},
        {"type": "welcome", "role": 3, "seq": 1},
        {"type": "welcome", "role": "kiosk"},
        {"type": "welcome", "role": "kiosk", "seq": "1"},
    ],
)
def test_malformed_welcome(obj: dict[str, Any]) -> None:
    with pytest.raises(errors.QueueError) as info:
        Welcome.parse(obj)
    assert type(info.value) is errors.ProtocolError


@pytest.mark.parametrize(
    "result",
    [
        Result.success(1, {"ticket": {"number": "A001"}, "ahead": 0}),
        Result.success("abc", {}),
        Result.success(None, {}),
        *[Result.failure(7, cls()) for cls in errors.all_error_classes()],
        Result.failure("x", errors.RecallLimit("A001 was recalled 5 times already")),
    ],
    ids=lambda r: f"{r.ok}-{r.error_code}",
)
def test_result_round_trip(result: Result) -> None:
    obj = decode_frame(encode(result.to_json()))
    assert Result.parse(obj) == result
    if not result.ok:
        assert errors.error_for_code(obj["error"]["code"]) is not None


@pytest.mark.parametrize("obj", [{"type": "result"}, {"type": "result", "ok": "yes"},
                                 {"type": "result", "ok": 1}])
def test_malformed_result(obj: dict[str, Any]) -> None:
    with pytest.raises(errors.QueueError) as info:
        Result.parse(obj)
    assert type(info.value) is errors.ProtocolError


def test_error_codes_are_unique_and_found_again() -> None:
    classes = errors.all_error_classes()
    codes = [cls.code for cls in classes]
    assert len(codes) == len(set(codes))
    for cls in classes:
        assert errors.error_for_code(cls.code) is cls
        assert cls.doc and cls().message == cls.doc
    assert errors.error_for_code("no_such_code") is None


# -- events -------------------------------------------------------------------------------


def test_every_event_kind_is_documented() -> None:
    assert set(EVENT_FIELDS) == set(EventKind)


#: Fields left out of an event when they have no value.
OPTIONAL = {EventKind.RATING_RECORDED: {"reason", "comment"},
            EventKind.ASSIST_RECORDED: {"ticket_id", "number", "source", "note"},
            EventKind.TICKET_ISSUED: {"request", "estimated_wait_min", "wait_range_min",
                                      "period"},
            EventKind.TICKET_NOT_PRINTED: {"given_up"},
            EventKind.CASE_UPDATED: {"note", "callback"}}


def _check_event(event: Event) -> None:
    missing = set(EVENT_FIELDS[event.kind]) - set(event.data)
    assert set(event.data) <= set(EVENT_FIELDS[event.kind]), event.kind
    assert missing <= OPTIONAL.get(event.kind, set()), event.kind
    wire = encode(event.to_json())
    assert "booking" not in wire
    parsed = Event.parse(decode_frame(wire))
    assert (parsed.seq, parsed.at, parsed.kind) == (event.seq, event.at, event.kind)
    stripped = json.loads(json.dumps(event.to_store()))
    if event.kind is EventKind.TICKET_ISSUED:
        stripped["ticket"].pop("booking")
        stripped.pop("request", None)  # kept by the hub, never broadcast
    assert parsed.data == stripped


def test_engine_events_carry_their_documented_fields() -> None:
    engine, events = a_morning()
    later = MORNING + timedelta(hours=3)
    for status, seconds in (("paper_out", 0), ("ok", 10)):  # an alert raised, then cleared
        now = later + timedelta(seconds=seconds)
        events += engine.execute(DeviceStatus(id=1, device="kiosk-1", device_kind="printer",
                                              status=status), now).events
        events += engine.tick(now)
    bad = next(e for e in events if e.kind is EventKind.TICKET_FINISHED)
    rated = engine.execute(Rate(id=1, window=bad.data["window"], ticket=bad.data["ticket_id"],
                                score=1, reason="等候时间长"), later).events
    case = next(e for e in rated if e.kind is EventKind.CASE_OPENED).data["case"]
    events += rated + engine.execute(CaseUpdate(id=1, case=case["id"], action="start"),
                                     later).events
    events += engine.tick(MORNING.replace(day=3))
    events.append(events[-1].withheld())  # the hub's stand-in for what a device may not see
    assert {e.kind for e in events} == set(EventKind)
    for event in events:
        _check_event(event)
    issued = [e for e in events if e.kind is EventKind.TICKET_ISSUED]
    assert any(e.to_store()["ticket"]["booking"] == "BK-9" for e in issued)


@settings(max_examples=100, deadline=None)
@given(config=random_halls(), commands=random_commands)
def test_random_engine_events_round_trip(
    config: HallConfig, commands: list[tuple[int, Request]]
) -> None:
    _, events = run(config, commands)
    for event in events:
        _check_event(event)


@pytest.mark.parametrize(
    "obj",
    [
        {"type": "event", "at": "2026-11-02T09:00:00+08:00", "kind": "ticket_issued"},
        {"type": "event", "seq": "1", "at": "x", "kind": "ticket_issued"},
        {"type": "event", "seq": 1, "kind": "ticket_issued"},
        {"type": "event", "seq": 1, "at": 9, "kind": "ticket_issued"},
        {"type": "event", "seq": 1, "at": "x"},
        {"type": "event", "seq": 1, "at": "x", "kind": "ticket_eaten"},
        {"type": "event", "seq": 1, "at": "x", "kind": None},
    ],
)
def test_malformed_events(obj: dict[str, Any]) -> None:
    with pytest.raises(errors.QueueError) as info:
        Event.parse(obj)
    assert type(info.value) is errors.ProtocolError
