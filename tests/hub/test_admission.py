"""The admission rules without a socket: what each frame becomes, the connection caps
and the failed-hello throttle (hub/admission.py). The same rules over real sockets are
in test_server.py and test_hardening.py."""

from __future__ import annotations

import json
from typing import Any, cast

import pytest
from websockets.asyncio.server import ServerConnection

from hall.protocol import CloseCode, DeviceStatus
from hub.admission import Answer, Close, Gate, Limits
from hub.connections import Conn, HelloJob, RequestJob
from tests.hub.conftest import make_config

WS = cast(ServerConnection, object())  # the gate never touches the socket


def gate(**limits: Any) -> Gate:
    return Gate(make_config(), Limits(**limits))


def hello(device: str = "caller-3", token: str = "caller-3-secret", **extra: Any) -> str:
    return json.dumps({"type": "hello", "device": device, "token": token, "protocol": 1,
                       **extra})


def welcomed(g: Gate, device: str = "caller-3", token: str = "caller-3-secret") -> Conn:
    conn = g.opened(WS, "10.0.0.5", 0.0)
    assert isinstance(g.frame(conn, hello(device, token), 0.0), HelloJob)
    return conn


def error_code(verdict: object) -> str:
    assert isinstance(verdict, Answer), verdict
    assert not verdict.result.ok
    return str(verdict.result.error_code)


@pytest.mark.parametrize(("frame", "code"), [
    ("not json", "not_json"),
    (b"\xff\xfe", "not_json"),
    ("[1, 2]", "not_json"),
    ('{"type": "call_next", "window": 3, "id": "\\ud800"}', "bad_request"),
    ('{"type": "nonsense", "id": 1}', "unknown_type"),
    ('{"type": "call_next", "id": 1}', "bad_request"),
    ('{"type": "call_next", "window": "3", "id": 1}', "bad_request"),
    ('{"type": "call_next", "window": 4, "id": 1}', "wrong_window"),
    ('{"type": "close_day", "id": 1}', "forbidden"),
    ('{"type": "hello", "device": "caller-3", "token": "caller-3-secret", "protocol": 1}',
     "bad_request"),  # a second hello
])
def test_a_bad_frame_from_a_caller_is_answered_and_never_queued(frame: str, code: str) -> None:
    g = gate()
    conn = welcomed(g)
    assert error_code(g.frame(conn, frame, 1.0)) == code


def test_a_good_request_becomes_a_job_for_the_writer() -> None:
    g = gate()
    conn = welcomed(g)
    verdict = g.frame(conn, '{"type": "call_next", "window": 3, "id": 7}', 1.0)
    assert isinstance(verdict, RequestJob)
    assert verdict.conn is conn and verdict.request.id == 7


def test_a_device_status_is_stamped_with_the_sender_whatever_it_claims() -> None:
    g = gate()
    conn = welcomed(g, "kiosk-1", "kiosk-secret")
    verdict = g.frame(conn, json.dumps({
        "type": "device_status", "id": 1, "device_kind": "printer", "status": "paper_out",
        "device": "kiosk-9"}), 1.0)
    assert isinstance(verdict, RequestJob)
    assert isinstance(verdict.request, DeviceStatus)
    assert verdict.request.device == "kiosk-1"


def test_requests_before_hello_are_refused() -> None:
    g = gate()
    conn = g.opened(WS, "10.0.0.5", 0.0)
    assert error_code(g.frame(conn, '{"type": "status", "id": 1}', 0.0)) == "not_authenticated"


@pytest.mark.parametrize(("frame", "code"), [
    (hello(token="wrong"), CloseCode.BAD_CREDENTIALS),
    (hello(device="caller-99"), CloseCode.BAD_CREDENTIALS),
    (hello(protocol=2), CloseCode.UNSUPPORTED_PROTOCOL),
])
def test_a_hello_that_cannot_be_accepted_closes_the_connection(frame: str, code: int) -> None:
    g = gate()
    conn = g.opened(WS, "10.0.0.5", 0.0)
    verdict = g.frame(conn, frame, 0.0)
    assert isinstance(verdict, Close) and verdict.code == code
    assert conn.device is None


def test_failed_hellos_are_throttled_per_address_and_recover_with_time() -> None:
    g = gate(bad_hello_rate=1.0, bad_hello_burst=2)
    for _ in range(2):
        guess = g.frame(g.opened(WS, "10.0.0.5", 0.0), hello(token="guess"), 0.0)
        assert isinstance(guess, Close) and guess.code == CloseCode.BAD_CREDENTIALS
    late = g.frame(g.opened(WS, "10.0.0.5", 0.0), hello(), 0.0)
    assert isinstance(late, Close) and late.code == CloseCode.RATE_LIMITED
    other = g.frame(g.opened(WS, "10.0.0.6", 0.0), hello(), 0.0)
    assert isinstance(other, HelloJob)  # another address is not punished
    again = g.frame(g.opened(WS, "10.0.0.5", 5.0), hello(), 5.0)
    assert isinstance(again, HelloJob)  # the bucket refilled


def test_a_flood_is_refused_then_closed() -> None:
    g = gate(rate=1.0, burst=2, flood_close_after=3)
    conn = welcomed(g)
    status = '{"type": "status", "id": 1}'
    assert isinstance(g.frame(conn, status, 0.0), RequestJob)  # hello took one token
    verdicts = [g.frame(conn, status, 0.0) for _ in range(3)]
    assert [error_code(v) for v in verdicts[:2]] == ["rate_limited", "rate_limited"]
    assert isinstance(verdicts[2], Close) and verdicts[2].code == CloseCode.RATE_LIMITED


def test_connection_caps_count_open_connections_per_address_and_in_total() -> None:
    g = gate(max_connections=3, max_per_address=2)
    a = [g.opened(WS, "10.0.0.5", 0.0) for _ in range(2)]
    assert g.handshake("10.0.0.5") == "too many connections from this address"
    assert g.handshake("10.0.0.6") is None
    g.opened(WS, "10.0.0.6", 0.0)
    assert g.handshake("10.0.0.7") == "too many connections to this hub"
    g.closed(a[0])
    assert g.handshake("10.0.0.5") is None
    assert g.open == 2
