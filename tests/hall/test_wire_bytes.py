"""The wire, byte for byte, as the hand-written codec wrote it before the payloads and
requests became msgspec Structs: every event kind, result and request, each field
dropped, null, of a wrong type or joined by an unknown key, and what comes out (the
stored, broadcast and result frames, or the refusal's code and words) must equal
tests/hall/wire_before.json, recorded from that codec. ``JIAOHAO_RECORD_WIRE=1``
records anew (only when the wire is meant to change)."""

from __future__ import annotations

import copy
import hashlib
import json
import os
import pickle
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pytest
from msgspec.structs import replace

from hall import errors
from hall.protocol import (
    EVENT_PAYLOADS,
    RESULTS,
    AlertRaised,
    CaseOpened,
    Event,
    EventKind,
    Issued,
    StatusResult,
    TicketCalled,
    TicketData,
    decode_frame,
    encode,
    parse_request,
)
from tests.hall.test_payloads import AT, CASE, TICKET, WIRE
from tests.hall.test_protocol import EXAMPLES

FIXTURE = Path(__file__).with_name("wire_before.json")

#: One ``data`` per request's result type, every field set, Chinese and nested lists.
RESULT_WIRE: dict[str, dict[str, Any]] = {
    "take_ticket": {"ticket": TICKET, "ahead": 2, "estimated_wait_min": 8,
                    "wait_range_min": [5, 13], "link": "https://hall.example/t/abc"},
    "call_next": {"ticket": {**TICKET, "booking": "BK-1", "order": None}},
    "transfer": {"ticket": TICKET, "ahead": 0, "estimated_wait_min": 0,
                 "wait_range_min": None},
    "pause": {},
    "rate": {"score": 5, "points": 100},
    "close_day": {"day": "2026-11-02", "next_day": "2026-11-02#2", "closed": [1, 2]},
    "status": {"day": "2026-11-02", "waiting": {"by_service": {"A": 3}, "by_zone": {"z1": 3}},
               "estimated_wait_min": {"A": 12, "B": None},
               "wait_range_min": {"A": [8, 19], "B": None}},
    "check_booking": {"used": True},
    "stats": {"start": "2026-11-01", "end": "2026-11-30", "total": {"issued": 4, "办结": 3},
              "by_day": [{"day": "2026-11-02", "issued": 4}], "by_hour": [],
              "by_zone": [{"zone": "综合区", "rows": [1, 2.5, None]}], "by_service": [],
              "by_window": [], "by_clerk": [], "push": {"state": "ok", "person": "x"}},
    "plan": {"weekday": 2, "weeks": 6, "days": 5, "target_min": 15, "target_percent": 80,
             "rows": [{"zone": "z1", "at": "09:00", "windows": 3}]},
    "ticket_history": {"tickets": [{"ticket": TICKET, "events": [{"kind": "ticket_issued"}]}]},
    "cases": {"cases": [CASE]},
    "case_update": {"case": CASE},
    "assist": {"assist": "proxy", "service": "A", "number": "A003"},
}
#: Requests sharing a result type get it through these.
RESULT_SAMPLE_OF = {name: next(n for n in RESULT_WIRE if RESULTS[n] is RESULTS[name])
                    for name in RESULTS}

WRONG: tuple[Any, ...] = (None, [1], {"a": 1}, 1.5, "x", True, 7)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:20]


def _variants(base: dict[str, Any]) -> list[tuple[str, Any]]:
    """The sample, each key dropped or replaced by a wrong value (one level into nested
    objects too), an unknown key added, and not an object at all."""
    out: list[tuple[str, Any]] = [("as is", base), ("extra key", {**base, "zzz": 1}),
                                  ("a list", [base])]
    for key, value in base.items():
        out.append((f"without {key}", {k: v for k, v in base.items() if k != key}))
        for wrong in WRONG:
            out.append((f"{key}={wrong!r}", {**base, key: wrong}))
        if isinstance(value, dict) and key in ("ticket",):
            for name, inner in _variants(value)[1:]:
                out.append((f"{key}.{name}", {**base, key: inner}))
        if isinstance(value, list) and value:
            out.append((f"{key}[0]='x'", {**base, key: ["x", *value[1:]]}))
    return out


def _refusal(exc: errors.QueueError) -> str:
    return f"refused {type(exc).__name__} {exc.code}: {exc.message}"


def _event_outcome(kind: EventKind, data: Any, full: bool) -> str:
    try:
        if not isinstance(data, dict):
            EVENT_PAYLOADS[kind].parse(data)
        event = Event.of(7, AT, kind, data)
    except errors.QueueError as exc:
        return _refusal(exc)
    stored = json.dumps(event.to_store(), ensure_ascii=False)
    again = Event.of(7, AT, kind, json.loads(stored))
    texts = [stored, encode(event.to_json()), encode(dict(event.data)),
             encode(again.to_json()), json.dumps(again.to_store(), ensure_ascii=False)]
    joined = "\n".join(texts)
    return joined if full else _digest(joined)


def _result_outcome(name: str, data: Any, full: bool) -> str:
    try:
        payload = RESULTS[name].parse(data)
    except errors.QueueError as exc:
        return _refusal(exc)
    text = encode({"type": "result", "id": 1, "ok": True, "data": payload.to_json()})
    return text if full else _digest(text)


def _request_outcome(obj: Any, full: bool) -> str:
    try:
        request = parse_request(obj)
    except errors.QueueError as exc:
        return _refusal(exc)
    text = encode(request.to_json())
    return text if full else _digest(text)


def _built() -> dict[str, str]:
    """Payloads as the engine builds them (keyword arguments, read-only mappings,
    whole numbers where a float is typed), not parsed from JSON."""
    ticket = TicketData.parse({**TICKET, "booking": "BK-1", "person": "f" * 64})
    built: dict[str, Any] = {
        "ticket_called": TicketCalled(ticket=ticket, window=2, staff="0007"),
        "case_opened": CaseOpened(case=MappingProxyType(CASE)),  # type: ignore[arg-type]
        "alert_raised": AlertRaised(alert="queue:zone:z1", category="queue", value=42,
                                    limit=30, message="排队过长"),
        "issued": Issued(ticket=ticket, ahead=1, estimated_wait_min=3),
        "status": StatusResult(day="2026-11-02", waiting=MappingProxyType({"A": 1}),  # type: ignore[arg-type]
                               estimated_wait_min=MappingProxyType({"A": 4})),  # type: ignore[arg-type]
    }
    out = {}
    for name, payload in built.items():
        texts = [encode(payload.to_json()), json.dumps(payload.to_store(), ensure_ascii=False)]
        if hasattr(payload, "kind"):
            event = Event(3, AT, payload)
            texts += [encode(event.to_json()), json.dumps(event.to_store(), ensure_ascii=False)]
        out[f"built {name}"] = "\n".join(texts)
    return out


def outcomes() -> dict[str, str]:
    found: dict[str, str] = {}
    for kind in EventKind:
        for name, data in _variants(WIRE[kind]):
            found[f"event {kind} {name}"] = _event_outcome(kind, data, name == "as is")
    for result in RESULTS:
        sample = RESULT_WIRE[RESULT_SAMPLE_OF[result]]
        for name, data in _variants(sample):
            found[f"result {result} {name}"] = _result_outcome(result, data, name == "as is")
    for example in EXAMPLES:
        for name, obj in _variants(example.to_json()):
            if name == "a list" or name.startswith(("without type", "type=")):
                continue  # decode_frame's to refuse; the type picks the class
            found[f"request {example.type} {example.id} {name}"] = _request_outcome(
                obj, name == "as is")
    found.update(_built())
    return found


def test_the_wire_is_what_the_hand_written_codec_wrote() -> None:
    now = outcomes()
    if os.environ.get("JIAOHAO_RECORD_WIRE"):
        FIXTURE.write_text(json.dumps(now, ensure_ascii=False, indent=0, sort_keys=True) + "\n",
                           encoding="utf-8")
    before = json.loads(FIXTURE.read_text(encoding="utf-8"))
    assert set(now) == set(before)
    changed = {k: (before[k], now[k]) for k in before if now[k] != before[k]}
    assert not changed, "\n".join(f"{k}:\n  before {b}\n  now    {n}"
                                  for k, (b, n) in list(changed.items())[:20])



@pytest.mark.parametrize("frame", [
    '{"type":"x","a":NaN}', '{"type":"x","a":"\\ud800"}', '{"type":"x","a":1e400}',
    '{"type":"x","a":123456789012345678901234567890}', ' {"type":"x","a":1,"a":2} ',
    '{"type":"x","a":' + "[" * 5000 + "]" * 5000 + "}", '{"type":"x"}x', '{"type":"x",}',
    '{"type":"x","a":-0,"b":1.0,"c":"\\u0000办"}',
])
def test_frames_read_as_json_reads_them(frame: str) -> None:
    """msgspec reads frames first; what it refuses, json reads (or refuses) as before."""
    try:
        expected = repr(json.loads(frame))
    except (ValueError, RecursionError) as exc:
        expected = f"not JSON: {exc}"
    try:
        got = repr(decode_frame(frame))
    except errors.NotJson as exc:
        got = exc.message
    assert got == expected


def test_payloads_copy_compare_and_change_as_the_dataclasses_did() -> None:
    ticket = TicketData.parse({**TICKET, "person": "f" * 64})
    called = TicketCalled(ticket=ticket, window=2)
    assert copy.deepcopy(called) == called == pickle.loads(pickle.dumps(called))
    assert hash(called) == hash(TicketCalled(ticket=ticket, window=2))
    assert replace(called, window=3).window == 3 and called.window == 2
    with pytest.raises(AttributeError):
        called.window = 3  # type: ignore[misc]
    case = CaseOpened(case=MappingProxyType(CASE))  # type: ignore[arg-type]
    assert copy.deepcopy(case) == case
    assert "f" * 64 not in repr(ticket) and "f" * 64 not in repr(called)
