"""The hall hub: protocol v1 over websockets, one writer, a durable store.

Every connection's messages are checked where they arrive (JSON, type, fields, role,
window, rate); accepted requests and hellos go into ONE queue. One asyncio task, the
writer, drains it in batches: it runs ``engine.tick`` and ``engine.execute`` for the
batch, writes the batch's events to SQLite in one transaction (in the hub's one
database thread), and only after the commit sends the results and broadcasts the
events. A hello is answered between batches, so a ``welcome`` never shows an
uncommitted change and no event is missed or sent twice between the welcome and the
live stream. Every frame to a client is written synchronously by the writer or the
connection's reader (hub/fanout.py: each event framed once, one write per connection
per batch), so each client sees its frames in the order they were produced.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from enum import Enum
from functools import partial
from http import HTTPStatus
from typing import TYPE_CHECKING, Any, TypeVar, cast

from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request as HttpRequest
from websockets.http11 import Response as HttpResponse
from websockets.protocol import State

from hall import errors
from hall.clock import Clock
from hall.config import Device, HallConfig, Role
from hall.protocol import (
    MAX_FRAME_BYTES,
    CloseCode,
    DayClosed,
    DeviceStatus,
    Event,
    Hello,
    Result,
    StoreQuery,
    Welcome,
    encode,
)
from hall.state import day_date
from hub.admission import Answer, Close, Gate, Limits, Opening
from hub.connections import (
    CLOSE_STORE_FAILED,
    Conn,
    HelloJob,
    Job,
    RequestJob,
    Stop,
    Tick,
)
from hub.engine import Engine
from hub.fanout import buffered, text_frame, write_frames
from hub.fdlimit import AcceptFailures, socket_budget, soft_limit
from hub.links import TicketLinks
from hub.public import PUBLIC_WS_PATH, PublicLimits, PublicSide
from hub.ratelimit import QuietLog
from hub.welcome import WelcomeCache
from ledger.dblock import DatabaseLock
from ledger.queries import Reader
from ledger.store import RESUME_LIMIT, Store

if TYPE_CHECKING:
    from county.ship import Shipper

log = logging.getLogger(__name__)

T = TypeVar("T")

#: A write buffer above this many bytes is "behind" (a reading client drains it in
#: milliseconds); one that stays behind for ``stall_timeout_s`` is dropped.
STALL_MARK_BYTES = 64 * 1024

class FromConfig(Enum):
    """A :class:`Hub` keyword left to the hall config."""

    KEY = "from the hall config"


@dataclass
class _Batch:
    events: list[Event] = field(default_factory=list)
    results: list[tuple[Conn | None, Result]] = field(default_factory=list)


class Hub:
    """One hall's hub: websocket server, queue engine and SQLite store.

    ``db_path`` is a file (or ``":memory:"``); ``port=0`` picks a free port (read
    ``hub.port`` after :meth:`start`). ``clock`` returns timezone-aware "now" (the
    CLI passes the wall clock, tests a fake one). The admission limits come from the
    hall config's ``[connections]`` (docs/config.md); a keyword given here overrides its
    key: ``rate``/``burst`` the per-connection token bucket (``rate=None`` turns the
    limit off), ``max_connections``, ``per_device``, ``opening_per_address``,
    ``handshake_timeout_s`` and ``hello_timeout_s``. ``flood_close_after`` refusals
    close the connection with 4008. A hello with ``since`` more than ``resume_limit``
    events behind gets a full welcome.
    """

    def __init__(
        self,
        config: HallConfig,
        db_path: str,
        host: str = "127.0.0.1",
        port: int = 8765,
        *,
        clock: Clock,
        rate: float | FromConfig | None = FromConfig.KEY,
        burst: float | None = None,
        flood_close_after: int = 1000,
        tick_interval_s: float = 30.0,
        ping_interval_s: float | None = 20.0,
        ping_timeout_s: float | None = 20.0,
        max_batch: int = 1000,
        max_write_buffer: int = 4 * 1024 * 1024,
        stall_timeout_s: float = 30.0,
        resume_limit: int = RESUME_LIMIT,
        hello_timeout_s: float | None = None,
        handshake_timeout_s: float | None = None,
        close_grace_s: float = 2.0,
        max_connections: int | None = None,
        per_device: int | None = None,
        opening_per_address: int | None = None,
        bad_hello_rate: float = 1.0,
        bad_hello_burst: float = 10.0,
        public_limits: PublicLimits | None = None,
        max_sockets: int | None = None,
        offline_after_s: float | None = 120.0,
    ) -> None:
        self.config = config
        self.db_path = db_path
        self.host = host
        self.port = port
        self.clock = clock
        #: Connection caps, rate limits and the hello checks (hub/admission.py).
        own = config.connections
        limits = Limits.from_config(own)
        self.gate = Gate(config, replace(
            limits,
            rate=limits.rate if isinstance(rate, FromConfig) else rate,
            burst=limits.burst if burst is None else burst,
            flood_close_after=flood_close_after,
            max_connections=max_connections or limits.max_connections,
            per_device=per_device or limits.per_device,
            opening_per_address=opening_per_address or limits.opening_per_address,
            bad_hello_rate=bad_hello_rate, bad_hello_burst=bad_hello_burst,
        ))
        self.tick_interval_s = tick_interval_s
        self.ping_interval_s = ping_interval_s
        self.ping_timeout_s = ping_timeout_s
        self.max_batch = max_batch
        self.max_write_buffer = max_write_buffer
        self.stall_timeout_s = stall_timeout_s
        self._sweeper_task: asyncio.Task[None] | None = None
        self.resume_limit = resume_limit
        self.hello_timeout_s = hello_timeout_s or own.hello_timeout_s
        #: The opening handshake (the HTTP request) must be complete within this.
        self.handshake_timeout_s = handshake_timeout_s or own.handshake_timeout_s
        self.close_grace_s = close_grace_s
        #: TCP connections held open at once, in any state (handshaking, hall devices,
        #: public pages); past it a new one is closed as soon as it is accepted. None:
        #: the open-files limit less a reserve (hub/fdlimit.py), or no cap without one.
        self.max_sockets = max_sockets
        #: A kiosk, terminal or display whose connection stays closed this long is
        #: reported offline by the hub itself (None: never).
        self.offline_after_s = offline_after_s
        self._gone: dict[str, asyncio.TimerHandle] = {}
        self._reported_offline: set[str] = set()
        self._sockets = 0
        self._quiet = QuietLog(log)
        self._reader: Reader | None = None  # answers stats and ticket_history
        self._loop_handler: Any = None
        self._lock: DatabaseLock | None = None
        self._store_failing = False  # the last write failed: /healthz says degraded
        self._engine: Engine | None = None
        self._store: Store | None = None
        self._executor: ThreadPoolExecutor | None = None
        self._server: Server | None = None
        self._queue: asyncio.Queue[Job] = asyncio.Queue()
        self._writer_task: asyncio.Task[None] | None = None
        self._ticker_task: asyncio.Task[None] | None = None
        self._conns: set[Conn] = set()
        self._live: set[ServerConnection] = set()  # welcomed: they receive events
        #: Welcomed connections that subscribed to only some event kinds (or none).
        self._partial: dict[ServerConnection, Hello] = {}
        self._closing: set[asyncio.Task[None]] = set()
        self._needs_reload = False
        self._stopping = False
        self._started_at = 0.0
        self._hall_public = config.public()
        #: The public state encoded a moment ago and the events since (hub/welcome.py).
        self._welcomes = WelcomeCache()
        #: Limits of the public pages (their sockets are not counted in the caps above).
        self.public_limits = public_limits
        self.links: TicketLinks | None = None
        self._public: PublicSide | None = None
        #: The county shipper (``[county]`` in the hall config), None when not shipping.
        self.county: Shipper | None = None

    # -- lifecycle ------------------------------------------------------------------------

    @property
    def engine(self) -> Engine:
        """The live engine (read its ``state`` only between batches, e.g. from tests)."""
        if self._engine is None:
            raise RuntimeError("the hub is not started")
        return self._engine

    @property
    def url(self) -> str:
        return f"ws://{self.host}:{self.port}"

    @property
    def connections(self) -> int:
        return len(self._conns)

    async def start(self) -> None:
        """Open the store, rebuild the state, and listen.

        Raises:
            sqlite3.Error: the database cannot be opened, migrated or read.
            OSError: the address cannot be bound.
        """
        self._queue = asyncio.Queue()
        if self.db_path != ":memory:":
            self._lock = DatabaseLock(self.db_path)
            self._lock.acquire()  # DatabaseInUse: another hub runs on this database
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="jiaohao-db")
        try:
            self._store = await self._db(
                partial(Store.open, self.db_path,
                        booking_memory_days=self.config.policy.booking_memory_days)
            )
            state = await self._db(self._store.load_state)
            secret = await self._db(self._store.secret, "ticket_links")
            self.links = TicketLinks(secret, self.config.hall.public_url)
            cases = await self._db(self._store.load_cases)
            self._engine = Engine(self.config, state, links=self.links, cases=cases)
            self._public = PublicSide(self.config, self.links, lambda: self.engine.state,
                                      limits=self.public_limits)
            self._server = await serve(
                self._handler,
                self.host,
                self.port,
                max_size=MAX_FRAME_BYTES,
                compression=None,
                ping_interval=self.ping_interval_s,
                ping_timeout=self.ping_timeout_s,
                close_timeout=self.close_grace_s,
                open_timeout=self.handshake_timeout_s,
                process_request=self._process_request,
                create_connection=_counted_connections(self),
            )
        except BaseException:
            await self._close_store()
            raise
        self.port = int(self._server.sockets[0].getsockname()[1])
        self._watch_descriptors()
        self._started_at = time.monotonic()
        self._start_county()
        self._writer_task = asyncio.create_task(self._writer(), name="jiaohao-writer")
        self._ticker_task = asyncio.create_task(self._ticker(), name="jiaohao-ticker")
        self._sweeper_task = asyncio.create_task(self._sweeper(), name="jiaohao-sweeper")
        assert self._public is not None
        self._public.start()
        self._queue.put_nowait(Tick())  # a hub started on a later day closes the old one now
        log.info("hub listening on %s (seq %d, day %s)", self.url, state.seq, state.day)

    async def stop(self) -> None:
        """Stop accepting, finish the batch in hand, close every connection with 1001
        and close the database."""
        if self._stopping or self._server is None:
            return
        self._stopping = True
        for timer in self._gone.values():
            timer.cancel()
        self._gone.clear()
        self._server.server.close()  # no new connections
        for task in (self._ticker_task, self._sweeper_task):
            if task is not None:
                task.cancel()
        if self._public is not None:
            await self._public.stop()
        if self._writer_task is not None:
            self._queue.put_nowait(Stop())
            await self._writer_task
        # Clients get close_grace_s to answer the close; one that does not read (its
        # write buffer full) is cut off then, so SIGTERM never waits on a client.
        closing = asyncio.ensure_future(self._server.wait_closed())
        self._server.close(close_connections=True, reason="hub shutting down")
        try:
            await asyncio.wait_for(asyncio.shield(closing), self.close_grace_s)
        except TimeoutError:
            for conn in list(self._conns):
                if conn.ws.transport is not None:
                    conn.ws.transport.abort()
            await closing
        if self.county is not None:
            await asyncio.to_thread(self.county.stop)
        await self._close_store()
        if self._reader is not None:
            await asyncio.to_thread(self._reader.close)
            self._reader = None
        if self._loop_handler is not None:
            self._loop_handler.set_exception_handler(None)
            self._loop_handler = None
        log.info("hub stopped")

    def _start_county(self) -> None:
        """Ship the event log to the county on a thread of its own (docs/county.md);
        the queue never waits for it. Not for an in-memory database (no second
        connection sees it)."""
        link = self.config.county
        if not link.enabled:
            return
        if self.db_path == ":memory:":
            log.warning("[county] is set but the database is in memory: nothing is shipped")
            return
        from county.ship import Shipper  # psycopg only in halls that ship

        self.county = Shipper(link, self.db_path, self.config.public())
        self.county.start()

    def _watch_descriptors(self) -> None:
        """Size the socket budget to the open-files limit and fold asyncio's
        out-of-descriptors tracebacks into one warning now and then."""
        if self.max_sockets is None:
            self.max_sockets = socket_budget(soft_limit())
        caps = self.gate.limits.max_connections + (
            self.public_limits or PublicLimits()).sockets_total
        if self.max_sockets is not None and caps > self.max_sockets:
            log.warning("the connection caps (%d hall + public) exceed the %d sockets the "
                        "open-files limit allows; raise LimitNOFILE", caps, self.max_sockets)
        loop = asyncio.get_running_loop()
        if loop.get_exception_handler() is None:
            loop.set_exception_handler(AcceptFailures())
            self._loop_handler = loop

    def _socket_opened(self, transport: asyncio.Transport, host: str) -> Opening | None:
        """Count a TCP connection just accepted; close it at once past the socket budget
        or its address's connections before hello (hub/admission.py). Returns its
        place among the latter (None: it was closed)."""
        self._sockets += 1
        if self.max_sockets is not None and self._sockets > self.max_sockets:
            transport.abort()  # its descriptor is free again on the next loop turn
            self._quiet.warning("sockets", "turned a connection away: %d sockets open "
                                "(max_sockets)", self._sockets - 1)
            return None
        place = self.gate.accept(host)
        if place is None:
            transport.abort()
        return place

    def _socket_closed(self) -> None:
        self._sockets -= 1

    async def _close_store(self) -> None:
        if self._executor is None:
            self._release_lock()
            return
        if self._store is not None:
            try:
                await self._db(self._store.close)
            except Exception:
                log.exception("closing the database failed")
        self._executor.shutdown(wait=True)
        self._executor = None
        self._release_lock()

    def _release_lock(self) -> None:
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    async def _db(self, fn: Callable[..., T], *args: Any) -> T:
        """Run ``fn`` in the database thread."""
        assert self._executor is not None
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, fn, *args)

    async def _ticker(self) -> None:
        while True:
            await asyncio.sleep(self.tick_interval_s)
            self._queue.put_nowait(Tick())

    # -- HTTP beside the websocket ------------------------------------------------------

    def _process_request(
        self, connection: ServerConnection, request: HttpRequest
    ) -> HttpResponse | None:
        if request.method != "GET":  # everything beside the websocket is read-only
            refusal = connection.respond(HTTPStatus.METHOD_NOT_ALLOWED, "only GET\n")
            refusal.headers["Allow"] = "GET"
            return refusal
        path = request.path.split("?", 1)[0]
        if path != "/healthz":
            if self._public is not None and self._public.handles(path):
                return self._public.respond(connection, request)
            if "websocket" not in request.headers.get("Upgrade", "").lower():
                return connection.respond(HTTPStatus.NOT_FOUND, "not found\n")
            return self._admit(connection)
        engine = self._engine
        day = ""
        if engine is not None:
            day = engine.state.day or engine.hall_day(self.clock())
        body = {
            "status": "degraded" if self._needs_reload or self._store_failing else "ok",
            "seq": engine.state.seq if engine is not None else 0,
            "day": day,
            "connections": len(self._conns),
            "sockets": self._sockets,
            "uptime_s": round(time.monotonic() - self._started_at, 3),
            "county": self.county.status().to_json() if self.county is not None else None,
        }
        response = connection.respond(HTTPStatus.OK, json.dumps(body) + "\n")
        del response.headers["Content-Type"]
        response.headers["Content-Type"] = "application/json"
        return response

    def _admit(self, connection: ServerConnection) -> HttpResponse | None:
        """Refuse the handshake (503) past the hall's connection cap."""
        refusal = self.gate.handshake(_host(connection))
        if refusal is None:
            return None
        return connection.respond(HTTPStatus.SERVICE_UNAVAILABLE, refusal + "\n")

    # -- connections ----------------------------------------------------------------------

    async def _handler(self, ws: ServerConnection) -> None:
        if self._public is not None and ws.request is not None and (
            ws.request.path.split("?", 1)[0] == PUBLIC_WS_PATH
        ):
            self.gate.release(getattr(ws, "opening", None))  # the public side counts it
            await self._public.serve(ws)
            return
        place = getattr(ws, "opening", None)
        conn = self.gate.opened(ws, _host(ws), time.monotonic(), place)
        self._conns.add(conn)
        deadline = asyncio.get_running_loop().call_later(
            self.hello_timeout_s, self._hello_expired, conn)
        try:
            async for message in ws:
                if conn.closing or self._stopping:
                    continue
                try:
                    self._on_message(conn, message)
                except Exception:  # never let one bad frame take the hub down
                    log.exception("unexpected error on a frame from %s", ws.remote_address)
                    self._send(conn, Result.failure(None, errors.InternalError()))
        except ConnectionClosed:
            pass
        finally:
            deadline.cancel()
            if conn.device is not None and not self._stopping:
                self._device_left(conn)
            self.gate.closed(conn)
            self._conns.discard(conn)
            self._live.discard(ws)
            self._partial.pop(ws, None)

    def _hello_expired(self, conn: Conn) -> None:
        if conn.device is None and not conn.closing:
            log.info("closing %s: no hello within %g s", conn.ws.remote_address,
                     self.hello_timeout_s)
            self._close(conn.ws, CloseCode.HELLO_TIMEOUT,
                        f"hello_timeout: say hello within {self.hello_timeout_s:g} s")

    def _send(self, conn: Conn | None, result: Result) -> None:
        if conn is not None:  # None: the hub's own request, answered to nobody
            self._write(conn.ws, [encode_result(result)])

    def _write(self, ws: ServerConnection, texts: list[str], *, welcome: bool = False) -> None:
        frames = b"".join(text_frame(t) for t in texts)
        write_frames(ws, frames, texts)
        self._check_buffer(ws, allowance=len(frames) if welcome else 0)

    def _check_buffer(self, ws: ServerConnection, *, allowance: int = 0) -> None:
        """Drop ``ws`` past its buffer limit; ``allowance`` bytes just written (a
        welcome, which may be larger than the limit in a very full hall) don't count."""
        if buffered(ws) > self.max_write_buffer + allowance:
            self._drop(ws, f"more than {self.max_write_buffer} bytes wait for it")

    def _drop(self, ws: ServerConnection, why: str) -> None:
        """Cut off a client that stays behind. A close frame would only queue behind
        what it does not read (and the close would wait on it): the connection is
        aborted, its buffer freed at once; the client reconnects with ``since``."""
        log.warning("dropping %s: it does not read its messages (%s)", ws.remote_address, why)
        for conn in self._conns:
            if conn.ws is ws:
                conn.closing = True
        self._live.discard(ws)
        self._partial.pop(ws, None)
        if ws.transport is not None:
            ws.transport.abort()

    async def _sweeper(self) -> None:
        """Drop connections whose write buffer has not drained for ``stall_timeout_s``:
        websockets' keepalive cannot (its ping waits for the buffer to drain first)."""
        interval = max(0.05, min(5.0, self.stall_timeout_s / 4))
        while True:
            await asyncio.sleep(interval)
            now = time.monotonic()
            for conn in list(self._conns):
                if buffered(conn.ws) < STALL_MARK_BYTES:
                    conn.behind_since = None
                elif conn.behind_since is None:
                    conn.behind_since = now
                elif now - conn.behind_since >= self.stall_timeout_s and not conn.closing:
                    self._drop(conn.ws, f"its messages have not drained for "
                                        f"{self.stall_timeout_s:g} s")

    def _close(self, ws: ServerConnection, code: int, reason: str) -> None:
        for conn in self._conns:
            if conn.ws is ws:
                conn.closing = True
        self._live.discard(ws)
        self._partial.pop(ws, None)
        task = asyncio.get_running_loop().create_task(ws.close(code, reason))
        self._closing.add(task)
        task.add_done_callback(self._closing.discard)

    def _on_message(self, conn: Conn, message: str | bytes) -> None:
        """Check one frame (hub/admission.py); queue it for the writer, answer it at
        once, or close the connection. Synchronous."""
        verdict = self.gate.frame(conn, message, time.monotonic())
        if isinstance(verdict, Answer):
            self._send(conn, verdict.result)
        elif isinstance(verdict, Close):
            self._close(conn.ws, verdict.code, verdict.reason)
        elif isinstance(verdict, HelloJob):
            assert conn.device is not None
            self._device_back(conn.device)
            self._queue.put_nowait(verdict)
        elif isinstance(verdict, RequestJob) and isinstance(verdict.request, StoreQuery):
            self._spawn(self._answer_query(conn, verdict.request))
        else:
            self._queue.put_nowait(verdict)

    # -- devices that go silent ------------------------------------------------------------

    def _device_left(self, conn: Conn) -> None:
        """A device's connection closed: if it is not back within ``offline_after_s``,
        the hub reports it offline itself (an alert, like any device fault)."""
        device = conn.device
        if device is None or device.role is Role.ADMIN or self.offline_after_s is None:
            return
        if any(c is not conn and c.device is not None and c.device.id == device.id
               for c in self._conns):
            return  # still connected another way
        timer = self._gone.pop(device.id, None)
        if timer is not None:
            timer.cancel()
        self._gone[device.id] = asyncio.get_running_loop().call_later(
            self.offline_after_s, self._report_offline, device)

    def _report_offline(self, device: Device) -> None:
        self._gone.pop(device.id, None)
        if self._stopping:
            return
        self._reported_offline.add(device.id)
        self._queue.put_nowait(RequestJob(None, DeviceStatus(
            id="hub", device_kind=str(device.role), status="offline",
            detail=f"连接中断超过 {self.offline_after_s:g} 秒", device=device.id)))

    def _device_back(self, device: Device) -> None:
        timer = self._gone.pop(device.id, None)
        if timer is not None:
            timer.cancel()
        if device.id in self._reported_offline:
            self._reported_offline.discard(device.id)
            self._queue.put_nowait(RequestJob(None, DeviceStatus(
                id="hub", device_kind=str(device.role), status="ok", detail="已重新连接",
                device=device.id)))

    def _reader_for(self) -> Reader:
        if self._reader is None:
            self._reader = Reader(self.config, self.db_path)
        return self._reader

    def _spawn(self, step: Awaitable[None]) -> None:
        """Run ``step`` beside the writer, kept until done (stop waits for nothing)."""
        task = asyncio.ensure_future(step)
        self._closing.add(task)
        task.add_done_callback(self._closing.discard)

    async def _answer_query(self, conn: Conn, request: StoreQuery) -> None:
        """A manager's read of history, beside the writer (ledger/queries.py)."""
        today = day_date(self.engine.state.day or self.engine.hall_day(self.clock()))
        try:
            if self.db_path == ":memory:":  # no second connection sees it: the writer's thread
                assert self._store is not None
                data = await self._db(Reader.answer_with, self._store.db, self.config,
                                      request, today)
            else:
                data = await self._reader_for().answer(request, today)
        except Exception:
            log.exception("answering %s failed", request.type)
            self._send(conn, Result.failure(request.id, errors.InternalError()))
            return
        self._send(conn, Result.success(request.id, data))

    # -- the writer ---------------------------------------------------------------------

    async def _writer(self) -> None:
        while True:
            jobs = [await self._queue.get()]
            while len(jobs) < self.max_batch and not self._queue.empty():
                jobs.append(self._queue.get_nowait())
            batch: list[RequestJob] = []
            for job in jobs:
                if isinstance(job, RequestJob):
                    batch.append(job)
                    continue
                await self._guarded(self._run_batch(batch))
                batch = []
                if isinstance(job, HelloJob):
                    await self._guarded(self._welcome(job))
                elif isinstance(job, Stop):
                    return
            await self._guarded(self._run_batch(batch))

    async def _guarded(self, step: Awaitable[None]) -> None:
        try:
            await step
        except Exception:
            log.exception("the writer hit an unexpected error; rebuilding state from the store")
            self._needs_reload = True

    async def _reload(self) -> bool:
        """Rebuild the engine's state from the store; False (and retried before the
        next batch) when the store cannot be read."""
        assert self._store is not None
        try:
            state = await self._db(self._store.load_state)
            cases = await self._db(self._store.load_cases)
        except Exception:
            log.exception("cannot rebuild the state from the store")
            self._needs_reload = True
            return False
        self._engine = Engine(self.config, state, links=self.links, cases=cases)
        self._welcomes.clear()
        self._needs_reload = False
        return True

    def _public_state_bytes(self) -> tuple[int, bytes]:
        """The recent public state a full welcome would carry (tests read it)."""
        return self._welcomes.state_bytes(self.engine.state)

    def _refuse(self, jobs: list[RequestJob], error: errors.QueueError) -> None:
        for job in jobs:
            self._send(job.conn, Result.failure(job.request.id, error))

    async def _run_batch(self, jobs: list[RequestJob]) -> None:
        if self._needs_reload and not await self._reload():
            self._refuse(jobs, errors.StoreFailed())
            return
        engine = self.engine
        now = self.clock()
        batch = _Batch()
        try:
            batch.events.extend(engine.tick(now))
        except Exception:
            log.exception("closing the hall day failed")
            if not await self._reload():
                self._refuse(jobs, errors.StoreFailed())
                return
            engine = self.engine
        for index, job in enumerate(jobs):
            try:
                outcome = engine.execute(job.request, now)
            except errors.QueueError as exc:
                batch.results.append((job.conn, Result.failure(job.request.id, exc)))
                continue
            except Exception:
                log.exception("request %r from %s failed", job.request,
                              job.conn.device.id if job.conn and job.conn.device else "hub")
                # The engine may be half-way through a change: keep what came before,
                # then rebuild the state from the store.
                await self._commit(batch)
                batch = _Batch()
                reloaded = await self._reload()
                self._send(job.conn, Result.failure(job.request.id, errors.InternalError()))
                if not reloaded:
                    self._refuse(jobs[index + 1:], errors.StoreFailed())
                    return
                engine = self.engine
                continue
            batch.events.extend(outcome.events)
            batch.results.append((job.conn, Result.success(job.request.id, outcome.data)))
        await self._commit(batch)

    async def _commit(self, batch: _Batch) -> None:
        """Persist the batch's events, then broadcast them and send the results."""
        if await self._persist(batch):
            self._broadcast(batch)
            for event in batch.events:
                if isinstance(event.payload, DayClosed) and self.db_path != ":memory:":
                    self._spawn(self._reader_for().warm(event.payload.day))

    async def _persist(self, batch: _Batch) -> bool:
        """Write the batch's events in one transaction; False when that fails: then
        every request has been answered store_failed, nothing is to be broadcast, and
        the state has been rebuilt from the store."""
        assert self._store is not None
        if not batch.events:
            return True
        try:
            await self._db(self._store.write, batch.events)
        except Exception:
            self._store_failing = True
            log.exception("writing %d events failed", len(batch.events))
            await self._reload()
            for conn, result in batch.results:
                self._send(conn, Result.failure(result.id, errors.StoreFailed()))
            return False
        self._store_failing = False
        if self.county is not None:
            self.county.nudge()
        return True

    def _broadcast(self, batch: _Batch) -> None:
        """Send a committed batch: each event encoded and framed once; every live
        connection gets the batch's events (those it subscribed to), then its own
        results, in one write. Synchronous, so each client's frames keep their order."""
        texts = [encode(event.to_json()) for event in batch.events]
        framed = [text_frame(t) for t in texts]
        self._welcomes.note(batch.events, texts, framed)
        frames = b"".join(framed)
        own: dict[ServerConnection, list[str]] = {}
        for conn, result in batch.results:
            if conn is not None:
                own.setdefault(conn.ws, []).append(encode_result(result))
        for ws in list(self._live):
            mine = own.pop(ws, [])
            ev_frames, ev_texts = frames, texts
            hello = self._partial.get(ws)
            if hello is not None:  # only the kinds this connection subscribed to
                picks = [i for i, e in enumerate(batch.events) if hello.wants(e.kind)]
                ev_frames = b"".join(framed[i] for i in picks)
                ev_texts = [texts[i] for i in picks]
            if ev_frames or mine:
                extra = b"".join(text_frame(t) for t in mine)
                write_frames(ws, ev_frames + extra if extra else ev_frames, [*ev_texts, *mine])
                self._check_buffer(ws)
        for ws, mine in own.items():  # not live (yet): results only
            self._write(ws, mine)
        if self._public is not None and batch.events:
            self._public.after_commit(batch.events)

    async def _welcome(self, job: HelloJob) -> None:
        conn, hello, device = job.conn, job.hello, job.conn.device
        assert device is not None
        if conn.ws.state is not State.OPEN or conn.closing:
            return
        if self._needs_reload and not await self._reload():
            self._close(conn.ws, CLOSE_STORE_FAILED, "store_failed: the hub cannot read its store")
            return
        assert self._store is not None
        state = self.engine.state
        seq = state.seq
        replay: list[Event] | None = None
        since = hello.since
        if since is not None and since <= seq and seq - since <= self.resume_limit:
            replay = []
            if since < seq:
                try:
                    replay = await self._db(self._store.events_after, since, seq - since)
                except Exception:
                    log.exception("reading events after %d failed", since)
                    replay = None
                if replay is not None and (
                    len(replay) != seq - since or replay[0].seq != since + 1
                    or replay[-1].seq != seq
                ):
                    replay = None  # the store no longer has every event after `since`
        replayed = [encode(e.to_json()) for e in replay or () if hello.wants(e.kind)]
        now = self.engine.local(self.clock()).isoformat()
        if replay is None:
            full = self._welcomes.full(self.engine.state, device, hello, self._hall_public,
                                       now)
            write_frames(conn.ws, full.frames, full.texts)
            self._check_buffer(conn.ws, allowance=len(full.frames))
        else:
            welcome = Welcome(
                role=device.role, seq=seq, hall=self._hall_public, state=None,
                device=device.id, window=device.window, resumed=True, now=now,
            )
            self._write(conn.ws, [encode(welcome.to_json()), *replayed], welcome=True)
        if conn.ws.state is State.OPEN and not conn.closing:
            self._live.add(conn.ws)
            if hello.subscribe is not True:
                self._partial[conn.ws] = hello



def encode_result(result: Result) -> str:
    """``result`` as one frame; never raises, so one odd answer cannot cost the rest of
    a committed batch theirs (the request itself is refused at parse time)."""
    try:
        text = encode(result.to_json())
        text.encode("utf-8")
        return text
    except Exception:
        log.exception("cannot encode the result for request %r", result.id)
        return encode(Result.failure(None, errors.InternalError()).to_json())


def _counted_connections(hub: Hub) -> type[ServerConnection]:
    """websockets' connection class, counting TCP connections from accept to close."""

    class Counted(ServerConnection):
        opening: Opening | None = None

        def connection_made(self, transport: asyncio.BaseTransport) -> None:
            super().connection_made(transport)
            peer = transport.get_extra_info("peername")
            host = str(peer[0]) if peer else ""
            self.opening = hub._socket_opened(cast(asyncio.Transport, transport), host)

        def connection_lost(self, exc: Exception | None) -> None:
            hub._socket_closed()
            hub.gate.release(self.opening)
            super().connection_lost(exc)

    return Counted


def _host(ws: ServerConnection) -> str:
    address = ws.remote_address
    return str(address[0]) if address else ""
