"""Admission: who may connect, and what one frame from a connection becomes.

Sans-I/O: :class:`Gate` decides and the server acts. ``handshake`` says whether a new
websocket may open (connection caps); ``frame`` turns one received frame into a
:data:`Verdict`: answer it at once, close the connection, or hand a job to the
writer. Every check that needs no hall state happens here, where the frame arrives
(JSON, text, rate, hello and credentials, fields, role and window), so the writer
only ever sees well-formed requests from authenticated devices.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, replace
from typing import Any

from websockets.asyncio.server import ServerConnection

from hall import errors
from hall.config import HallConfig
from hall.protocol import (
    PROTOCOL_VERSION,
    CaseUpdate,
    CloseCode,
    DeviceStatus,
    Hello,
    Result,
    decode_frame,
    encode,
    parse_request,
)
from hub.connections import Conn, HelloJob, RequestJob, authorize, request_id
from hub.ratelimit import QuietLog, TokenBucket

log = logging.getLogger(__name__)

#: Failed-hello throttles kept per address before the table is forgotten wholesale
#: (a sweep of random source addresses must not grow the hub without bound).
MAX_THROTTLED_ADDRESSES = 10_000


@dataclass
class Limits:
    """The admission limits (see :class:`hub.server.Hub` for their meaning)."""

    rate: float | None = 100.0
    burst: float = 200.0
    flood_close_after: int = 1000
    max_connections: int = 2000
    max_per_address: int = 100
    bad_hello_rate: float = 1.0
    bad_hello_burst: float = 10.0


@dataclass(frozen=True)
class Answer:
    """Send this result back on the connection; nothing else happens."""

    result: Result


@dataclass(frozen=True)
class Close:
    """Close the connection with this code and reason."""

    code: int
    reason: str


Verdict = Answer | Close | RequestJob | HelloJob


class Gate:
    """The admission rules of one hub, with the little state they need: connections
    open per address and the failed-hello throttle per address."""

    def __init__(self, config: HallConfig, limits: Limits | None = None) -> None:
        self.config = config
        self.limits = limits or Limits()
        self._per_address: Counter[str] = Counter()
        self._bad_hellos: dict[str, TokenBucket] = {}
        self._log = QuietLog(log)

    # -- connections ------------------------------------------------------------------

    @property
    def open(self) -> int:
        return sum(self._per_address.values())

    def handshake(self, host: str) -> str | None:
        """Why a new connection from ``host`` is refused (None: it may open)."""
        if self.open >= self.limits.max_connections:
            self._log.warning("total", "refusing a connection: %d open (max_connections)",
                              self.open)
            return "too many connections to this hub"
        same = self._per_address[host]
        if same >= self.limits.max_per_address:
            self._log.warning("address", "refusing a connection from %s: %d open "
                              "(max_per_address)", host, same)
            return "too many connections from this address"
        return None

    def opened(self, ws: ServerConnection, host: str, now: float) -> Conn:
        """Count a connection that passed the handshake; its :class:`Conn` carries the
        per-connection rate bucket. Pair with :meth:`closed`."""
        self._per_address[host] += 1
        bucket = None
        if self.limits.rate is not None:
            bucket = TokenBucket(self.limits.rate, self.limits.burst, now)
        return Conn(ws, bucket, host=host)

    def closed(self, conn: Conn) -> None:
        self._per_address[conn.host] -= 1
        if self._per_address[conn.host] <= 0:
            del self._per_address[conn.host]

    # -- frames -----------------------------------------------------------------------

    def frame(self, conn: Conn, message: str | bytes, now: float) -> Verdict:
        """What one received frame becomes. Never raises for any input."""
        obj: dict[str, Any] | None = None
        not_json: errors.NotJson | None = None
        try:
            obj = decode_frame(message)
        except errors.NotJson as exc:
            not_json = exc
        rid = request_id(obj)
        if conn.bucket is not None and not conn.bucket.take(now):
            conn.refusals += 1
            if conn.refusals >= self.limits.flood_close_after:
                return Close(CloseCode.RATE_LIMITED,
                             f"rate_limited: {conn.refusals} requests over the limit")
            return Answer(Result.failure(rid, errors.RateLimited(
                f"more than {self.limits.rate:g} requests per second; wait and retry")))
        if obj is None:
            return Answer(Result.failure(None, not_json or errors.NotJson()))
        if "\\u" in message and not utf8_safe(obj):  # e.g. a lone surrogate "\ud800"
            return Answer(Result.failure(None, errors.ProtocolError(
                "the frame holds a lone surrogate (\\ud800-\\udfff), which is not text")))
        if obj["type"] == "hello":
            return self.hello(conn, obj, rid, now)
        try:
            request = parse_request(obj)
        except errors.QueueError as exc:
            return Answer(Result.failure(rid, exc))
        refusal = authorize(conn.device, request)
        if refusal is not None:
            return Answer(Result.failure(request.id, refusal))
        if isinstance(request, DeviceStatus) and conn.device is not None:
            request = replace(request, device=conn.device.id)  # a device speaks for itself
        elif isinstance(request, CaseUpdate) and conn.device is not None:
            request = replace(request, by=conn.device.id)  # who acted, for the audit trail
        return RequestJob(conn, request)

    def hello(self, conn: Conn, obj: dict[str, Any], rid: str | int | None,
              now: float) -> Verdict:
        """Check a hello: once per connection, this protocol, known device and token,
        and failed guesses from one address throttled."""
        if conn.device is not None:
            return Answer(Result.failure(rid, errors.ProtocolError(
                "hello was already accepted on this connection")))
        try:
            hello = Hello.parse(obj)
        except errors.ProtocolError as exc:
            return Answer(Result.failure(rid, exc))
        if hello.protocol != PROTOCOL_VERSION:
            return Close(CloseCode.UNSUPPORTED_PROTOCOL,
                         f"unsupported_protocol: this hub speaks protocol {PROTOCOL_VERSION}")
        throttle = self._bad_hellos.get(conn.host)
        if throttle is not None and throttle.tokens < 1.0 and not throttle.take(now):
            return Close(CloseCode.RATE_LIMITED,
                         "rate_limited: too many failed hellos from this address; wait")
        device = self.config.device(hello.device)
        if device is None or not device.accepts(hello.token):
            if throttle is None:
                if len(self._bad_hellos) >= MAX_THROTTLED_ADDRESSES:
                    self._bad_hellos.clear()
                throttle = self._bad_hellos[conn.host] = TokenBucket(
                    self.limits.bad_hello_rate, self.limits.bad_hello_burst, now)
            throttle.take(now)
            self._log.warning("credentials", "bad credentials for device %r from %s",
                              hello.device, conn.host)
            return Close(CloseCode.BAD_CREDENTIALS,
                         "bad_credentials: unknown device or wrong token")
        conn.device = device
        return HelloJob(conn, hello)


def utf8_safe(obj: Any) -> bool:
    """Whether ``obj`` (decoded JSON) encodes to UTF-8, i.e. holds no lone surrogate."""
    try:
        encode(obj).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
