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
from dataclasses import dataclass
from typing import Any

from msgspec.structs import replace  # payloads and requests are Structs
from websockets.asyncio.server import ServerConnection

from hall import errors
from hall.config import ConnectionLimits, HallConfig
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
from hub.ratelimit import BoundedTable, QuietLog, TokenBucket

log = logging.getLogger(__name__)

#: Failed-hello throttles kept per address; past it the longest-unused is forgotten
#: (a sweep of random source addresses must not grow the hub without bound).
MAX_THROTTLED_ADDRESSES = 10_000


@dataclass
class Limits:
    """The admission limits. Defaults: the hall config's ``[connections]``
    (hall/config/connections.py, docs/config.md), which :meth:`from_config` reads."""

    rate: float | None = 100.0
    burst: float = 200.0
    flood_close_after: int = 1000
    #: Hall connections (past the opening handshake, before or after hello) in all.
    max_connections: int = 2000
    #: Open connections of one authenticated device.
    per_device: int = 16
    #: TCP connections from one address not yet past a good hello.
    opening_per_address: int = 256
    bad_hello_rate: float = 1.0
    bad_hello_burst: float = 10.0

    @classmethod
    def from_config(cls, limits: ConnectionLimits) -> Limits:
        return cls(rate=limits.requests_per_s, burst=float(limits.request_burst),
                   max_connections=limits.total, per_device=limits.per_device,
                   opening_per_address=limits.opening_per_address)


@dataclass(eq=False)
class Opening:
    """One TCP connection's place in its address's count of connections that have not
    said a good hello yet. Released once: at the hello, when it becomes a public page,
    or when it closes, whichever comes first (:meth:`Gate.release` is idempotent)."""

    host: str
    released: bool = False


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
    """The admission rules of one hub, with the little state they need.

    Until a connection says a good hello it counts against its address (the TCP
    connection from the moment it is accepted, through the opening handshake, to the
    hello); after, against its device. So a stranger trickling hundreds of sockets from
    one address is held to ``opening_per_address`` of them, while a device host PC
    serving a whole hall (one connection per window, a kiosk beside them) is admitted.
    """

    def __init__(self, config: HallConfig, limits: Limits | None = None) -> None:
        self.config = config
        self.limits = limits or Limits.from_config(config.connections)
        self._opening: Counter[str] = Counter()
        self._per_device: Counter[str] = Counter()
        self._hall = 0
        self._bad_hellos: BoundedTable[TokenBucket] = BoundedTable(MAX_THROTTLED_ADDRESSES)
        self._log = QuietLog(log)

    # -- connections ------------------------------------------------------------------

    @property
    def open(self) -> int:
        """Hall connections open (past the opening handshake)."""
        return self._hall

    def opening(self, host: str) -> int:
        """TCP connections from ``host`` that have not said a good hello yet."""
        return self._opening[host]

    def accept(self, host: str) -> Opening | None:
        """A TCP connection from ``host`` was just accepted: its place among the
        address's connections before hello, or None when it must be closed at once."""
        same = self._opening[host]
        if same >= self.limits.opening_per_address:
            self._log.warning("opening", "turned a connection from %s away: %d of its "
                              "connections have not said hello yet (opening_per_address)",
                              host, same)
            return None
        self._opening[host] = same + 1
        return Opening(host)

    def release(self, place: Opening | None) -> None:
        """The connection holding ``place`` said hello, became a public page or closed."""
        if place is None or place.released:
            return
        place.released = True
        left = self._opening[place.host] - 1
        if left > 0:
            self._opening[place.host] = left
        else:
            del self._opening[place.host]

    def handshake(self, host: str) -> str | None:
        """Why a new hall connection from ``host`` is refused (None: it may open)."""
        if self._hall >= self.limits.max_connections:
            self._log.warning("total", "refusing a connection from %s: %d open "
                              "(max_connections)", host, self._hall)
            return "too many connections to this hub"
        return None

    def opened(self, ws: ServerConnection, host: str, now: float,
               place: Opening | None = None) -> Conn:
        """Count a connection that passed the handshake; its :class:`Conn` carries the
        per-connection rate bucket and its place before hello. Pair with :meth:`closed`."""
        self._hall += 1
        bucket = None
        if self.limits.rate is not None:
            bucket = TokenBucket(self.limits.rate, self.limits.burst, now)
        return Conn(ws, bucket, host=host, opening=place)

    def closed(self, conn: Conn) -> None:
        self._hall -= 1
        self.release(conn.opening)
        if conn.device is not None:
            left = self._per_device[conn.device.id] - 1
            if left > 0:
                self._per_device[conn.device.id] = left
            else:
                del self._per_device[conn.device.id]

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
                throttle = self._bad_hellos.put(conn.host, TokenBucket(
                    self.limits.bad_hello_rate, self.limits.bad_hello_burst, now))
            throttle.take(now)
            self._log.warning("credentials", "bad credentials for device %r from %s",
                              hello.device, conn.host)
            return Close(CloseCode.BAD_CREDENTIALS,
                         "bad_credentials: unknown device or wrong token")
        same = self._per_device[device.id]
        if same >= self.limits.per_device:
            self._log.warning("device", "refusing a connection of device %r from %s: %d "
                              "open (per_device)", device.id, conn.host, same)
            return Close(CloseCode.TRY_AGAIN_LATER,
                         f"try_again_later: device {device.id} has {same} connections open")
        self._per_device[device.id] = same + 1
        conn.device = device
        self.release(conn.opening)  # from now on it counts against its device
        return HelloJob(conn, hello.for_role(device.role))


def utf8_safe(obj: Any) -> bool:
    """Whether ``obj`` (decoded JSON) encodes to UTF-8, i.e. holds no lone surrogate."""
    try:
        encode(obj).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
