"""A reconnecting asyncio client of the hub, with a replica of hall state.

``HubClient`` says hello, keeps a :class:`hall.state.HallState` replica up to date by
applying every event with the same ``apply`` the hub uses, matches results to
requests by id, and reconnects by itself with ``since`` so that no event is missed:
a gap in sequence numbers makes it reconnect and ask for what it lacks.

Requests in flight when the connection drops fail with :class:`ConnectionLost`; they
are not re-sent, because the hub may already have acted on them (a ticket taken
twice is worse than a kiosk asking the citizen to press again).

The rules of the conversation live in :class:`hall.session.ClientSession` (no I/O);
this class is the asyncio shell that moves its frames. The Qt apps wrap it (running
its loop in a worker thread); tests, the benchmark and the device host use it directly.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidStatus, InvalidURI

from hall.errors import RequestFailed
from hall.protocol import Event, EventKind, Request, Result, Welcome
from hall.session import (
    FATAL_CLOSE_CODES,
    Answered,
    Applied,
    ClientSession,
    Lost,
    Output,
    Reconnect,
    Refused,
    Send,
    Welcomed,
)
from hall.state import HallState

log = logging.getLogger(__name__)

__all__ = ["FATAL_CLOSE_CODES", "ConnectionLost", "EventCallback", "HubClient", "HubRefused"]


class ConnectionLost(ConnectionError):
    """The connection dropped before the hub answered; the request's fate is unknown."""


class HubRefused(ConnectionError):
    """The hub refused this device for good (bad credentials, protocol version)."""

    def __init__(self, code: int, reason: str) -> None:
        super().__init__(f"hub closed the connection: {code} {reason}")
        self.code = code
        self.reason = reason


EventCallback = Callable[[Event, HallState], None]


class HubClient:
    """One device's connection to the hub.

    ``on_event(event, state)`` runs after each event is applied to the replica;
    ``on_welcome(welcome, state)`` after each (re)connection. Both run in the
    client's event loop and must not block.
    """

    def __init__(
        self,
        url: str,
        device: str,
        token: str,
        *,
        on_event: EventCallback | None = None,
        on_welcome: Callable[[Welcome, HallState], None] | None = None,
        on_connection: Callable[[bool], None] | None = None,
        request_timeout_s: float = 10.0,
        backoff_s: tuple[float, float] = (0.1, 5.0),
        keep_events: bool = False,
        subscribe: bool | tuple[EventKind, ...] = True,
    ) -> None:
        self.url = url
        self.device = device
        self.session = ClientSession(device, token, subscribe=subscribe)
        self._on_event = on_event
        self._on_welcome = on_welcome
        self._on_connection = on_connection
        self._timeout = request_timeout_s
        self._backoff = backoff_s
        #: Every applied event, when ``keep_events`` (tests read it).
        self.events: asyncio.Queue[Event] = asyncio.Queue()
        self._keep_events = keep_events
        #: Anything but True means a partial event stream: no replica is kept then.
        self._seq_waiters: list[tuple[int, asyncio.Future[None]]] = []
        self.reconnects = 0
        self._pending: dict[int | str, asyncio.Future[Result]] = {}
        self._ws: ClientConnection | None = None
        self._task: asyncio.Task[None] | None = None
        self._ready = asyncio.Event()
        self._first: asyncio.Future[Welcome] | None = None
        self._closing = False
        self.fatal: HubRefused | None = None

    # -- lifecycle ----------------------------------------------------------------------

    async def connect(self, timeout_s: float | None = None) -> Welcome:
        """Connect and wait for the first welcome.

        Raises:
            HubRefused: bad credentials or protocol version (no retry helps).
            TimeoutError: no welcome within ``timeout_s`` (default: request timeout);
                the client keeps trying in the background until closed.
        """
        if self._task is None:
            self._first = asyncio.get_running_loop().create_future()
            self._task = asyncio.create_task(self._run(), name=f"hub-client-{self.device}")
        assert self._first is not None
        return await asyncio.wait_for(asyncio.shield(self._first), timeout_s or self._timeout)

    async def close(self) -> None:
        """Close the connection and stop reconnecting."""
        self._closing = True
        if self._ws is not None:
            await self._ws.close()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        self._fail_pending(ConnectionLost("client closed"))

    async def __aenter__(self) -> HubClient:
        await self.connect()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    @property
    def connected(self) -> bool:
        return self._ready.is_set()

    @property
    def state(self) -> HallState | None:
        """The replica (None before the first welcome, and for a partial stream the
        welcome's state only)."""
        return self.session.state

    @property
    def hall(self) -> dict[str, Any]:
        return self.session.hall

    @property
    def welcome(self) -> Welcome | None:
        return self.session.welcome

    @property
    def seq(self) -> int:
        return self.session.seq

    async def wait_connected(self, timeout_s: float | None = None) -> None:
        await asyncio.wait_for(self._ready.wait(), timeout_s or self._timeout)

    async def wait_for_seq(self, seq: int, timeout_s: float | None = None) -> None:
        """Wait until the replica has applied event ``seq``. Raises TimeoutError."""
        if self.seq >= seq:
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._seq_waiters.append((seq, future))
        try:
            await asyncio.wait_for(future, timeout_s or self._timeout)
        finally:
            self._seq_waiters = [(s, f) for s, f in self._seq_waiters if f is not future]

    # -- requests -----------------------------------------------------------------------

    async def request(self, message: Request | str, **fields: Any) -> dict[str, Any]:
        """Send a request and return its result data.

        ``message`` is a Request object, or a request type with its fields as keywords:
        ``await client.request("take_ticket", service="A")``.

        Raises:
            RequestFailed: the hub refused it (``.code`` is the stable error code).
            ConnectionLost: the connection dropped before the answer.
            TimeoutError: no answer within the request timeout.
        """
        await self.wait_connected()
        ws = self._ws
        if ws is None or not self.session.ready:
            raise ConnectionLost("not connected")
        request_id, frame = self.session.request(message, **fields)
        future: asyncio.Future[Result] = asyncio.get_running_loop().create_future()
        self._pending[request_id] = future
        try:
            try:
                await ws.send(frame.text)
            except ConnectionClosed as exc:
                raise ConnectionLost(str(exc)) from exc
            result = await asyncio.wait_for(future, self._timeout)
        finally:
            self._pending.pop(request_id, None)
            self.session.forget(request_id)
        if not result.ok:
            raise RequestFailed(result.error_code, result.error_message)
        return result.data or {}

    # -- the connection loop ------------------------------------------------------------

    async def _run(self) -> None:
        delay = self._backoff[0]
        while not self._closing:
            try:
                async with connect(self.url, max_size=None, open_timeout=self._timeout,
                                   ping_interval=10, ping_timeout=20) as ws:
                    self._ws = ws
                    await self._session(ws)
                    delay = self._backoff[0]
            except HubRefused as refused:
                self.fatal = refused
                log.error("%s: %s", self.device, refused)
                if self._first is not None and not self._first.done():
                    self._first.set_exception(refused)
                self._fail_pending(ConnectionLost(str(refused)))
                return
            except InvalidStatus as exc:  # the hub turned the connection away (e.g. 503)
                log.warning("%s: the hub at %s refused the connection: HTTP %s; retrying",
                            self.device, self.url, exc.response.status_code)
            except ConnectionClosed as exc:
                # a close the hub chose (1013 try again later, 4008 flood…) is news to
                # the operator; a dropped line is not (it reconnects)
                received = exc.rcvd
                if received is not None and received.code not in (1000, 1001, 1006):
                    log.warning("%s: the hub closed the connection: %s %s; retrying",
                                self.device, received.code, received.reason)
                else:
                    log.info("%s: connection to %s lost: %s", self.device, self.url, exc)
            except (OSError, InvalidHandshake, TimeoutError) as exc:
                log.info("%s: connection to %s lost: %s", self.device, self.url, exc)
            except InvalidURI as exc:
                bad_url = HubRefused(0, f"invalid hub URL {self.url!r}: {exc}")
                self.fatal = bad_url
                if self._first is not None and not self._first.done():
                    self._first.set_exception(bad_url)
                return
            except Exception:  # nothing the hub sends may end the loop for good
                log.exception("%s: the connection to %s failed unexpectedly; reconnecting",
                              self.device, self.url)
            finally:
                self._ws = None
                self.session.closed()  # whatever ended it, the session knows
                if self._ready.is_set():
                    self._ready.clear()
                    if self._on_connection:
                        self._on_connection(False)
                self._fail_pending(ConnectionLost("connection to the hub dropped"))
            if self._closing:
                return
            self.reconnects += 1
            await asyncio.sleep(delay)
            delay = min(delay * 2, self._backoff[1])

    async def _session(self, ws: ClientConnection) -> None:
        """One connection: feed the session, carry out what it says."""
        for output in self.session.connected():
            await self._carry_out(ws, output)
        code: int | None = None
        reason = ""
        try:
            async for frame in ws:
                for output in self.session.receive(frame):
                    if not await self._carry_out(ws, output):
                        return  # reconnect (a gap: the hub resends what is missing)
        except ConnectionClosed as closed:
            if closed.rcvd is not None:
                code, reason = closed.rcvd.code, closed.rcvd.reason
            self._closed(code, reason)
            raise
        code, reason = ws.close_code, ws.close_reason or ""
        self._closed(code, reason)

    def _closed(self, code: int | None, reason: str) -> None:
        for output in self.session.closed(code, reason):
            if isinstance(output, Lost):
                self._fail_pending(ConnectionLost("connection to the hub dropped"))
            elif isinstance(output, Refused):
                raise HubRefused(output.code, output.reason)

    async def _carry_out(self, ws: ClientConnection, output: Output) -> bool:
        """Do what the session asks; False when this connection must end."""
        if isinstance(output, Send):
            await ws.send(output.text)
        elif isinstance(output, Welcomed):
            self._welcomed(output.welcome, output.state)
        elif isinstance(output, Applied):
            self._applied(output.event, output.state)
        elif isinstance(output, Answered):
            future = self._pending.get(output.request_id)
            if future is not None and not future.done():
                future.set_result(output.result)
        elif isinstance(output, Reconnect):
            return False
        return True

    def _welcomed(self, welcome: Welcome, state: HallState) -> None:
        self._wake_seq_waiters()
        self._ready.set()
        if self._first is not None and not self._first.done():
            self._first.set_result(welcome)
        if self._on_connection:
            self._on_connection(True)
        if self._on_welcome:
            self._on_welcome(welcome, state)

    def _applied(self, event: Event, state: HallState) -> None:
        if self._keep_events:
            self.events.put_nowait(event)
        self._wake_seq_waiters()
        if self._on_event:
            self._on_event(event, state)

    def _wake_seq_waiters(self) -> None:
        if not self._seq_waiters:
            return
        reached = self.seq
        for seq, future in self._seq_waiters:
            if seq <= reached and not future.done():
                future.set_result(None)

    def _fail_pending(self, error: Exception) -> None:
        for future in self._pending.values():
            if not future.done():
                future.set_exception(error)
