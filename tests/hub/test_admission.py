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


def test_the_hall_cap_counts_connections_past_their_handshake() -> None:
    g = gate(max_connections=3)
    a = [g.opened(WS, "10.0.0.5", 0.0) for _ in range(3)]
    assert g.handshake("10.0.0.7") == "too many connections to this hub"
    g.closed(a[0])
    assert g.handshake("10.0.0.5") is None
    assert g.open == 2


def test_an_address_is_limited_only_until_its_connections_say_hello() -> None:
    """A device host PC drives 150 windows (and a kiosk) over one address: once a
    connection has said a good hello it no longer counts against the address."""
    g = gate(opening_per_address=4)
    host = "10.0.0.5"
    conns = []
    for n in range(1, 63):
        place = g.accept(host)
        assert place is not None, f"window {n} turned away"
        conn = g.opened(WS, host, 0.0, place)
        assert isinstance(g.frame(conn, hello(f"caller-{n}", f"caller-{n}-secret"), 0.0),
                          HelloJob)
        conns.append(conn)
    kiosk = g.opened(WS, host, 0.0, g.accept(host))
    assert isinstance(g.frame(kiosk, hello("kiosk-1", "kiosk-secret"), 0.0), HelloJob)
    assert g.opening(host) == 0 and g.open == 63


def test_connections_that_never_say_hello_are_held_to_the_per_address_cap() -> None:
    g = gate(opening_per_address=3)
    places = [g.accept("10.9.9.9") for _ in range(3)]
    assert all(places)
    assert g.accept("10.9.9.9") is None  # the trickler's 4th socket is closed at once
    assert g.accept("10.0.0.5") is not None  # a hall device elsewhere is not
    g.release(places[0])
    g.release(places[0])  # once only, whoever releases it first
    assert g.opening("10.9.9.9") == 2
    assert g.accept("10.9.9.9") is not None


def test_a_bad_hello_keeps_its_place_until_the_connection_closes() -> None:
    g = gate(opening_per_address=2)
    conn = g.opened(WS, "10.0.0.5", 0.0, g.accept("10.0.0.5"))
    assert isinstance(g.frame(conn, hello(token="guess"), 0.0), Close)
    assert g.opening("10.0.0.5") == 1
    g.closed(conn)
    assert g.opening("10.0.0.5") == 0 and g.open == 0


def test_one_device_may_hold_a_few_connections_not_a_flood() -> None:
    g = gate(per_device=2)
    first, second = welcomed(g), welcomed(g)
    third = g.frame(g.opened(WS, "10.0.0.5", 0.0), hello(), 0.0)
    assert isinstance(third, Close) and third.code == CloseCode.TRY_AGAIN_LATER
    assert not CloseCode.TRY_AGAIN_LATER.fatal  # the device retries later
    g.closed(first)
    assert isinstance(g.frame(g.opened(WS, "10.0.0.5", 0.0), hello(), 0.0), HelloJob)
    del second


def test_limits_default_to_the_hall_config() -> None:
    from dataclasses import replace

    from hall.config import ConnectionLimits
    config = replace(make_config(), connections=ConnectionLimits(
        total=7, per_device=3, opening_per_address=9, requests_per_s=5, request_burst=6))
    g = Gate(config)
    assert (g.limits.max_connections, g.limits.per_device, g.limits.opening_per_address,
            g.limits.rate, g.limits.burst) == (7, 3, 9, 5.0, 6.0)


def test_the_failed_hello_table_forgets_the_oldest_address_not_all() -> None:
    from hub import admission
    g = gate(bad_hello_rate=0.001, bad_hello_burst=1)
    for i in range(admission.MAX_THROTTLED_ADDRESSES + 5):
        g.frame(g.opened(WS, f"10.{i // 65536}.{i // 256 % 256}.{i % 256}", 0.0),
                hello(token="guess"), 0.0)
    last = f"10.0.{(admission.MAX_THROTTLED_ADDRESSES + 4) // 256}." \
           f"{(admission.MAX_THROTTLED_ADDRESSES + 4) % 256}"
    late = g.frame(g.opened(WS, last, 0.0), hello(), 0.0)
    assert isinstance(late, Close) and late.code == CloseCode.RATE_LIMITED
    first = g.frame(g.opened(WS, "10.0.0.0", 0.0), hello(), 0.0)
    assert isinstance(first, HelloJob)  # forgotten: the oldest went first
