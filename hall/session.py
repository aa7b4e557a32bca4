"""A hub client's session, with no I/O: what to send, and what each frame means.

The asyncio shell (:mod:`hall.client`) only moves frames: it feeds this state machine
what happens on the connection (``connected``, ``receive``, ``closed``) and what the
program asks (``request``), and carries out the outputs it gets back — frames to
send, events applied, results answered, "reconnect now", "refused for good". So
every rule of talking to the hub (hello with ``since``, matching results to requests
by id, the replica, gap detection, resume, fatal close codes) is tested here without
a socket, in the way websockets' ``protocol.py`` is tested without one.
"""

from __future__ import annotations

import copy
import itertools
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from hall.errors import NotJson, ProtocolError
from hall.protocol import (
    CloseCode,
    Event,
    EventKind,
    Hello,
    Request,
    Result,
    Welcome,
    decode_frame,
    encode,
)
from hall.state import HallState, apply

log = logging.getLogger(__name__)

#: Close codes after which reconnecting cannot help, by name.
FATAL_CLOSE_CODES = {int(c): c.name.lower() for c in CloseCode if c.fatal}


# -- outputs --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Send:
    """Send this text frame to the hub."""

    text: str


@dataclass(frozen=True, slots=True)
class Welcomed:
    """The hub welcomed the device; ``state`` is the replica (kept on a resume)."""

    welcome: Welcome
    state: HallState


@dataclass(frozen=True, slots=True)
class Applied:
    """An event, in order, applied to the replica (or passed on, for a partial stream)."""

    event: Event
    state: HallState


@dataclass(frozen=True, slots=True)
class Answered:
    """The hub's result for a request still waiting for it."""

    request_id: int | str
    result: Result


@dataclass(frozen=True, slots=True)
class Lost:
    """Requests whose answer can no longer come (the connection dropped): their fate
    at the hub is unknown, so they are not re-sent."""

    request_ids: tuple[int | str, ...]


@dataclass(frozen=True, slots=True)
class Reconnect:
    """Drop this connection and open another (a gap in the events, a broken frame)."""

    reason: str


@dataclass(frozen=True, slots=True)
class Refused:
    """The hub refused this device for good: reconnecting cannot help."""

    code: int
    reason: str


Output = Send | Welcomed | Applied | Answered | Lost | Reconnect | Refused


class NotWelcomed(RuntimeError):
    """A request was asked for before the hub's welcome."""


class ClientSession:
    """One device's side of protocol v1, across any number of connections.

    A full event stream (``subscribe=True``) keeps a :class:`HallState` replica with
    :func:`hall.state.apply`, the function the hub uses; a partial one keeps none and
    passes events on as they come, keeping only the last one's ``seq`` so that a resume
    asks for what came after it (never passing an event on twice).
    """

    def __init__(self, device: str, token: str, *,
                 subscribe: bool | tuple[EventKind, ...] = True) -> None:
        self.device = device
        self._token = token
        self.subscribe = subscribe
        self.state: HallState | None = None
        self.hall: dict[str, Any] = {}
        self.welcome: Welcome | None = None
        self.ready = False  # welcomed on the current connection
        self.fatal: Refused | None = None
        self._ids = itertools.count(1)
        self._pending: set[int | str] = set()

    @property
    def seq(self) -> int:
        """The last event the replica has applied (0 before any welcome)."""
        return self.state.seq if self.state is not None else 0

    @property
    def pending(self) -> frozenset[int | str]:
        return frozenset(self._pending)

    # -- inputs -------------------------------------------------------------------------

    def connected(self) -> list[Output]:
        """A connection is open: say hello, asking for what came after our replica."""
        self.ready = False
        since = self.state.seq if self.state is not None else None
        hello = Hello(self.device, self._token, since=since, subscribe=self.subscribe)
        return [Send(encode(hello.to_json()))]

    def request(self, message: Request | str, **fields: Any) -> tuple[int, Send]:
        """A new request's id and its frame; ``message`` is a Request object, or a type
        with its fields as keywords. Raises NotWelcomed before the welcome."""
        if not self.ready:
            raise NotWelcomed("the hub has not welcomed this device yet")
        request_id = next(self._ids)
        if isinstance(message, Request):
            payload = message.to_json()
            payload["id"] = request_id
        else:
            payload = {"type": message, "id": request_id, **fields}
        self._pending.add(request_id)
        return request_id, Send(encode(payload))

    def forget(self, request_id: int | str) -> None:
        """Stop waiting for ``request_id`` (the shell gave up on it)."""
        self._pending.discard(request_id)

    def receive(self, frame: str | bytes) -> list[Output]:
        """One frame from the hub. Never raises: a frame that makes no sense, whatever
        is wrong with it, is logged and answered with :class:`Reconnect`; an event that
        could not be applied also drops the replica, so the next hello asks for a full
        welcome instead of building on a half-applied change."""
        try:
            obj = decode_frame(frame)
            kind = obj["type"]
            if kind == "welcome":
                return [self._welcomed(Welcome.parse(obj))]
            if kind == "event":
                return self._event(Event.parse(obj))
            if kind == "result":
                return self._result(Result.parse(obj))
        except (NotJson, ProtocolError, KeyError, TypeError, ValueError) as exc:
            log.warning("%s: a frame from the hub makes no sense (%s); reconnecting",
                        self.device, exc)
            return [Reconnect(f"bad frame from the hub: {exc}")]
        except Exception as exc:  # a hostile or broken hub must not end the client
            log.warning("%s: a frame from the hub could not be used (%s: %s); reconnecting "
                        "for a fresh welcome", self.device, type(exc).__name__, exc,
                        exc_info=True)
            self.state = None
            return [Reconnect(f"unusable frame from the hub: {type(exc).__name__}")]
        log.info("%s: ignoring a %r frame", self.device, obj.get("type"))
        return []

    def closed(self, code: int | None = None, reason: str = "") -> list[Output]:
        """The connection ended (``code`` as the hub closed it, None when it just broke)."""
        self.ready = False
        out: list[Output] = []
        if self._pending:
            out.append(Lost(tuple(sorted(self._pending, key=str))))
            self._pending.clear()
        if code is not None and code in FATAL_CLOSE_CODES:
            self.fatal = Refused(code, reason or FATAL_CLOSE_CODES[code])
            out.append(self.fatal)
        return out

    # -- frames -------------------------------------------------------------------------

    def _welcomed(self, welcome: Welcome) -> Welcomed:
        state = self.state
        partial_restart = self.subscribe is not True and not welcome.resumed
        if welcome.state is not None or state is None or partial_restart:
            # A private copy: whoever else holds the welcome (another thread, say) may
            # read its state while this replica moves on.
            start = copy.deepcopy(welcome.state) if welcome.state else {"seq": welcome.seq}
            state = HallState.from_public(start)
        if not isinstance(welcome.hall, dict):
            raise ProtocolError("welcome: hall must be an object")
        self.welcome = welcome
        self.hall = welcome.hall or self.hall
        self.state = state
        self.ready = True
        return Welcomed(welcome, self.state)

    def _event(self, event: Event) -> list[Output]:
        state = self.state
        if state is None:
            return [Reconnect("an event before any welcome")]
        if self.subscribe is not True:  # a partial stream: pass events on, keep no replica
            if event.seq <= state.seq:
                return []  # already passed on (replayed after a resume)
            state.seq = event.seq  # but remember how far it got: a resume asks for the rest
            return [Applied(event, state)]
        if event.seq <= state.seq:
            return []  # already applied (replayed after a resume)
        if event.seq != state.seq + 1:
            log.warning("%s: event gap %s -> %s, resuming", self.device, state.seq, event.seq)
            return [Reconnect(f"event gap {state.seq} -> {event.seq}")]
        apply(state, event)  # raising, it may leave the replica half-changed: receive drops it
        return [Applied(event, state)]

    def _result(self, result: Result) -> list[Output]:
        if result.id is not None and result.id in self._pending:
            self._pending.discard(result.id)
            return [Answered(result.id, result)]
        if not result.ok:
            log.warning("%s: hub error %s: %s", self.device, result.error_code,
                        result.error_message)
        return []


def outputs_of(kind: type[Output], outputs: Iterable[Output]) -> list[Any]:
    """The outputs of one kind (a helper for shells and tests)."""
    return [o for o in outputs if isinstance(o, kind)]
