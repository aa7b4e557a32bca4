"""The hall hub: protocol v1 over websockets, one writer, a durable store. This module
is the asyncio shell (sockets, tasks, timers, the database thread); the decisions are
made without I/O in hub/admission.py, hub/writer.py, hub/presence.py, hub/resume.py and
hub/welcome.py, and the knobs are in hub/settings.py.

Over 600 lines: the shell holds every socket, task, timer and thread of the hub and
each feature needs a line of wiring here; what it does is decided in the sans-I/O
modules named above, so what grows here is wiring, not rules.

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
from datetime import datetime, timedelta
from functools import partial
from http import HTTPStatus
from typing import TYPE_CHECKING, Any, TypeVar

from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request as HttpRequest
from websockets.http11 import Response as HttpResponse
from websockets.protocol import State

from hall import errors
from hall.clock import Clock
from hall.config import Device, HallConfig
from hall.protocol import (
    MAX_FRAME_BYTES,
    CloseCode,
    DayClosed,
    DeviceStatus,
    Event,
    Request,
    Result,
    StoreQuery,
)
from hall.state import day_date
from hub import resume
from hub.admission import Answer, Close, Gate, Opening
from hub.connections import (
    CLOSE_STORE_FAILED,
    Conn,
    HelloJob,
    Job,
    RequestJob,
    Stop,
    Tick,
)
from hub.dbthread import StoreThread
from hub.engine import Engine
from hub.fanout import DirectFrames, direct_frames
from hub.fdlimit import SocketBudget
from hub.links import TicketLinks
from hub.peers import Peers
from hub.presence import Presence
from hub.public import PUBLIC_WS_PATH, PublicSide
from hub.reads import ReadQueue
from hub.resume import events_to_replay
from hub.settings import HubSettings
from hub.welcome import WelcomeCache
from hub.writer import Backlog, Batch, deliveries, execute
from ledger.queries import Reader
from ledger.servicetimes import service_time_prior
from ledger.store import Store

if TYPE_CHECKING:
    from county.ship import Shipper

log = logging.getLogger(__name__)

T = TypeVar("T")





class Hub:
    """One hall's hub: websocket server, queue engine and SQLite store.

    ``db_path`` is a file (or ``":memory:"``); ``port=0`` picks a free port (read
    ``hub.port`` after :meth:`start`). ``clock`` returns timezone-aware "now" (the
    CLI passes the wall clock, tests a fake one). Every other knob is in ``settings``
    (hub/settings.py).

    This class is the asyncio shell: sockets, tasks, timers and the database thread.
    What it does with them is decided without I/O elsewhere: admission in
    hub/admission.py, the batch writer in hub/writer.py, presence in hub/presence.py,
    resume or full welcome in hub/resume.py and hub/welcome.py.
    """

    def __init__(
        self,
        config: HallConfig,
        db_path: str,
        host: str = "127.0.0.1",
        port: int = 8765,
        *,
        clock: Clock,
        settings: HubSettings | None = None,
    ) -> None:
        self.config = config
        self.db_path = db_path
        self.host = host
        self.port = port
        self.clock = clock
        self.settings = settings = settings or HubSettings()
        #: Connection caps, rate limits and the hello checks (hub/admission.py).
        self.gate = Gate(config, settings.limits)
        #: A connection that has not said hello by then is closed; the opening
        #: handshake must be done within ``handshake_timeout_s``.
        self.hello_timeout_s = settings.hello_timeout_s or config.connections.hello_timeout_s
        self.handshake_timeout_s = (settings.handshake_timeout_s
                                    or config.connections.handshake_timeout_s)
        #: Open TCP connections, and their budget (hub/fdlimit.py).
        self.sockets = SocketBudget(settings.max_sockets)
        #: The store in the hub's one database thread (hub/dbthread.py).
        self._thread = StoreThread(db_path, config.policy.booking_memory_days,
                                   config.hall.day_starts)
        self.presence = Presence(settings.offline_after_s, self._schedule, self._hub_request)
        self._sweeper_task: asyncio.Task[None] | None = None
        #: Managers' reads waiting for the reader (hub/reads.py), and their task.
        self.reads: ReadQueue[Conn] = ReadQueue()
        self._reads_wake = asyncio.Event()
        self._reads_task: asyncio.Task[None] | None = None
        self._reader: Reader | None = None  # answers stats, ticket_history, plan
        self._store_failing = False  # the last write failed: /healthz says degraded
        self._engine: Engine | None = None
        self._store: Store | None = None
        self._server: Server | None = None
        self._queue: asyncio.Queue[Job] = asyncio.Queue()
        self._writer_task: asyncio.Task[None] | None = None
        self._ticker_task: asyncio.Task[None] | None = None
        #: The hall devices' connections, and writing to them (hub/peers.py).
        self.peers = Peers(settings.max_write_buffer)
        self._needs_reload = False
        self._stopping = False
        self._started_at = 0.0
        self._hall_public = config.public()
        #: The public state encoded a moment ago and the events since (hub/welcome.py).
        self._welcomes = WelcomeCache()
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
        return len(self.peers)

    async def start(self) -> None:
        """Open the store, rebuild the state, and listen.

        Raises:
            sqlite3.Error: the database cannot be opened, migrated or read.
            OSError: the address cannot be bound.
        """
        self._queue = asyncio.Queue()
        self._store = await self._thread.open()  # DatabaseInUse: another hub has it
        try:
            state = await self._db(self._store.load_state)
            secret = await self._db(self._store.secret, "ticket_links")
            self.links = TicketLinks(secret, self.config.hall.public_url)
            cases = await self._db(self._store.load_cases)
            earlier = await self._db(self._store.load_earlier, self._rating_since())
            self._engine = Engine(self.config, state, links=self.links, cases=cases,
                                  earlier=earlier)
            await self._load_prior()
            self._public = PublicSide(self.config, self.links, lambda: self.engine.state,
                                      limits=self.settings.public_limits, clock=self.clock,
                                      rating=self._phone_rating, submit=self._submit_own)
            self._server = await serve(
                self._handler,
                self.host,
                self.port,
                max_size=MAX_FRAME_BYTES,
                compression=None,
                ping_interval=self.settings.ping_interval_s,
                ping_timeout=self.settings.ping_timeout_s,
                close_timeout=self.settings.close_grace_s,
                open_timeout=self.handshake_timeout_s,
                process_request=self._process_request,
                create_connection=direct_frames(self.sockets.connection_class(self.gate)),
            )
        except BaseException:
            await self._thread.close()
            raise
        self.port = int(self._server.sockets[0].getsockname()[1])
        self.sockets.watch(self.gate.limits.max_connections
                           + self.settings.public_limits.sockets_total)
        self._started_at = time.monotonic()
        self._start_county()
        self._writer_task = asyncio.create_task(self._writer(), name="jiaohao-writer")
        self._ticker_task = asyncio.create_task(self._ticker(), name="jiaohao-ticker")
        self._sweeper_task = asyncio.create_task(self._sweeper(), name="jiaohao-sweeper")
        self._reads_wake = asyncio.Event()
        self._reads_task = asyncio.create_task(self._read_loop(), name="jiaohao-reads")
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
        self.presence.stop()
        self._server.server.close()  # no new connections
        for task in (self._ticker_task, self._sweeper_task, self._reads_task):
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
            await asyncio.wait_for(asyncio.shield(closing), self.settings.close_grace_s)
        except TimeoutError:
            self.peers.abort_all()
            await closing
        if self.county is not None:
            await asyncio.to_thread(self.county.stop, 2.0)  # a daemon: never hold SIGTERM
        await self._thread.close()
        if self._reader is not None:
            await asyncio.to_thread(self._reader.close)
            self._reader = None
        self.sockets.unwatch()
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

    async def _db(self, fn: Callable[..., T], *args: Any) -> T:
        """Run ``fn`` in the database thread."""
        return await self._thread.run(fn, *args)

    async def _ticker(self) -> None:
        while True:
            await asyncio.sleep(self.settings.tick_interval_s)
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
            "connections": len(self.peers),
            "welcomed": len(self.peers.live),
            "sockets": self.sockets.open,
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
            if isinstance(ws, DirectFrames):
                ws.queue_frames()  # it reads with recv
            await self._public.serve(ws)
            return
        place: Opening | None = getattr(ws, "opening", None)
        conn = self.gate.opened(ws, _host(ws), time.monotonic(), place)
        self.peers.add(conn)
        deadline = asyncio.get_running_loop().call_later(
            self.hello_timeout_s, self._hello_expired, conn)
        on_frame = partial(self._on_frame, conn)
        try:
            # Text frames come to _on_frame straight from the socket (hub/fanout.py),
            # without waking this task; recv gets only what is not plain text (a
            # fragmented or binary message, or bad UTF-8: recv fails the connection),
            # and everything after it, in order. Either way this returns at the close.
            if isinstance(ws, DirectFrames):
                ws.deliver_to(on_frame)
            async for message in ws:
                on_frame(message)
        except ConnectionClosed:
            pass
        finally:
            deadline.cancel()
            self.reads.left(conn)
            self.gate.closed(conn)
            self.peers.remove(conn)
            if conn.device is not None:
                self.presence.left(conn.device, self.peers.connected(conn.device.id))

    def _on_frame(self, conn: Conn, message: str | bytes) -> None:
        """One frame from ``conn``, as it arrives; never raises."""
        if conn.closing or self._stopping:
            return
        try:
            self._on_message(conn, message)
        except Exception:  # never let one bad frame take the hub down
            log.exception("unexpected error on a frame from %s", conn.ws.remote_address)
            self.peers.send(conn, Result.failure(None, errors.InternalError()))

    def _hello_expired(self, conn: Conn) -> None:
        if conn.device is None and not conn.closing:
            timeout = self.hello_timeout_s
            log.info("closing %s: no hello within %g s", conn.ws.remote_address, timeout)
            self.peers.close(conn.ws, CloseCode.HELLO_TIMEOUT,
                        f"hello_timeout: say hello within {timeout:g} s")

    async def _sweeper(self) -> None:
        stall_timeout_s = self.settings.stall_timeout_s
        interval = max(0.05, min(5.0, stall_timeout_s / 4))
        while True:
            await asyncio.sleep(interval)
            self.peers.sweep(time.monotonic(), stall_timeout_s)

    def _on_message(self, conn: Conn, message: str | bytes) -> None:
        """Check one frame (hub/admission.py); queue it for the writer, answer it at
        once, or close the connection. Synchronous."""
        verdict = self.gate.frame(conn, message, time.monotonic())
        if isinstance(verdict, Answer):
            self.peers.send(conn, verdict.result)
        elif isinstance(verdict, Close):
            self.peers.close(conn.ws, verdict.code, verdict.reason)
        elif isinstance(verdict, HelloJob):
            assert conn.device is not None
            self.presence.back(conn.device)
            self._queue.put_nowait(verdict)
        elif isinstance(verdict, RequestJob) and isinstance(verdict.request, StoreQuery):
            refusal = self.reads.offer(conn, verdict.request)
            if refusal is not None:
                self.peers.send(conn, Result.failure(verdict.request.id, refusal))
            else:
                self._reads_wake.set()
        else:
            self._queue.put_nowait(verdict)

    # -- devices that go silent (hub/presence.py decides) ----------------------------------

    def _schedule(self, delay: float, callback: Callable[[Device], None],
                  device: Device) -> asyncio.TimerHandle:
        return asyncio.get_running_loop().call_later(delay, callback, device)

    def _rating_since(self) -> datetime:
        """The oldest finish a ticket's phone page may still rate."""
        return self.clock() - timedelta(hours=self.config.phone.rating_hours)

    def _phone_rating(self, ticket_id: int) -> dict[str, Any]:
        return self.engine.phone_rating(ticket_id, self.clock())

    async def _submit_own(self, request: Request, timeout_s: float) -> Result:
        """Run a request of the hub's own (a phone page's rating) through the writer
        and wait for its answer; ``internal_error`` when none comes within ``timeout_s``."""
        answer: asyncio.Future[Result] = asyncio.get_running_loop().create_future()
        self.peers.waiting[request.id] = answer.set_result
        self._queue.put_nowait(RequestJob(None, request))
        try:
            return await asyncio.wait_for(answer, timeout_s)
        except TimeoutError:
            return Result.failure(request.id, errors.InternalError())
        finally:
            self.peers.waiting.pop(request.id, None)

    def _hub_request(self, status: DeviceStatus) -> None:
        """A request of the hub's own (a device's status), answered to nobody."""
        self._queue.put_nowait(RequestJob(None, status))

    # -- managers' reads -------------------------------------------------------------------

    def _reader_for(self) -> Reader:
        if self._reader is None:
            self._reader = Reader(self.config, self.db_path)
        return self._reader

    async def _read_loop(self) -> None:
        """Run the waiting reads one after the other (hub/reads.py)."""
        while True:
            await self._reads_wake.wait()
            self._reads_wake.clear()
            while (job := self.reads.next()) is not None:
                conn, request = job
                try:
                    if not conn.closing and conn.ws.state is State.OPEN:
                        await self._answer_query(conn, request)
                finally:
                    self.reads.done()

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
            self.peers.send(conn, Result.failure(request.id, errors.InternalError()))
            return
        self.peers.send(conn, Result.success(request.id, data))

    # -- the writer ---------------------------------------------------------------------

    async def _writer(self) -> None:
        """Take up the queue (hub/writer.py's Backlog decides the order): the waiting
        requests as one batch, then one welcome; the sockets are read between two
        welcomes, so a request asked meanwhile goes before the next one."""
        backlog = Backlog()
        while True:
            if not backlog:
                if backlog.stopping:
                    return
                backlog.add(await self._queue.get())
            while not self._queue.empty():
                backlog.add(self._queue.get_nowait())
            await self._guarded(self._run_batch(backlog.batch(self.settings.max_batch)))
            hello = backlog.hello()
            if hello is not None:
                await self._guarded(self._welcome(hello))
                if backlog.hellos:
                    await asyncio.sleep(0)

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
            earlier = await self._db(self._store.load_earlier, self._rating_since())
        except Exception:
            log.exception("cannot rebuild the state from the store")
            self._needs_reload = True
            return False
        self._engine = Engine(self.config, state, links=self.links, cases=cases,
                              earlier=earlier)
        self._welcomes.clear()
        self._needs_reload = False
        await self._load_prior()
        return True

    async def _load_prior(self) -> None:
        """Give the wait forecast the service times of this weekday in recent weeks
        (ledger/servicetimes.py); the forecast does without them if the store fails.
        Today by the clock: a state rebuilt after a night off still names the day after
        the last close until its first batch closes it."""
        assert self._store is not None
        try:  # a clock fault too: the state is rebuilt all the same
            today = day_date(self.engine.hall_day(self.clock()))
            prior = await self._db(service_time_prior, self._store.db, today)
        except Exception:
            log.exception("reading recent service times failed (waits use today's only)")
            return
        self.engine.state.forecast_prior = prior

    def _public_state_bytes(self) -> tuple[int, bytes]:
        """The recent public state a full welcome would carry (tests read it)."""
        return self._welcomes.state_bytes(self.engine.state)

    def _refuse(self, jobs: list[RequestJob], error: errors.QueueError) -> None:
        for job in jobs:
            self.peers.send(job.conn, Result.failure(job.request.id, error))

    async def _run_batch(self, jobs: list[RequestJob]) -> None:
        """Execute a batch (hub/writer.py decides), commit it, deliver it; rebuild the
        state from the store where the engine failed half-way."""
        if self._needs_reload and not await self._reload():
            self._refuse(jobs, errors.StoreFailed())
            return
        now = self.clock()
        run = execute(self.engine, jobs, now)
        if run.tick_failed:
            if not await self._reload():
                self._refuse(jobs, errors.StoreFailed())
                return
            run = execute(self.engine, jobs, now, tick=False)
        while True:
            await self._commit(run.batch)
            if run.failed is None:
                return
            # The engine may be half-way through a change: keep what came before
            # (committed above), then rebuild the state from the store.
            reloaded = await self._reload()
            self.peers.send(run.failed.conn, Result.failure(run.failed.request.id,
                                                        errors.InternalError()))
            if not reloaded:
                self._refuse(run.rest, errors.StoreFailed())
                return
            run = execute(self.engine, run.rest, now, tick=False)

    async def _commit(self, batch: Batch) -> None:
        """Persist the batch's events, then deliver them and the results."""
        if await self._persist(batch):
            self._deliver(batch)
            for event in batch.events:
                if isinstance(event.payload, DayClosed):
                    self.peers.spawn(self._load_prior())  # a new weekday
                    if self.db_path != ":memory:":
                        self.peers.spawn(self._reader_for().warm(event.payload.day))

    async def _persist(self, batch: Batch) -> bool:
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
                self.peers.send(conn, Result.failure(result.id, errors.StoreFailed()))
            return False
        self._store_failing = False
        if self.county is not None:
            self.county.nudge()
        return True

    def _deliver(self, batch: Batch) -> None:
        """Send a committed batch: each connection its share (hub/writer.py) in one
        write. Synchronous, so each client's frames keep their order."""
        encoded, plan = deliveries(batch, self.peers.live, self.peers.partial)
        self._welcomes.note(batch.events, encoded)
        self.peers.deliver(plan)
        for conn, result in batch.results:
            if conn is None:  # a request of the hub's own: its waiter, if any
                self.peers.send(None, result)
        if self._public is not None and batch.events:
            self._public.after_commit(batch.events)

    async def _welcome(self, job: HelloJob) -> None:
        """Answer a hello between batches: resumed (the events it missed) when it can
        be (hub/resume.py), else a full welcome (hub/welcome.py); then it is live."""
        conn, hello, device = job.conn, job.hello, job.conn.device
        assert device is not None
        if conn.ws.state is not State.OPEN or conn.closing:
            return
        if self._needs_reload and not await self._reload():
            self.peers.close(conn.ws, CLOSE_STORE_FAILED,
                             "store_failed: the hub cannot read its store")
            return
        assert self._store is not None
        seq, since = self.engine.state.seq, hello.since
        count = events_to_replay(since, seq, self.settings.resume_limit)
        replay: list[Event] | None = None
        if since is not None and count is not None:
            try:
                replay = await self._db(self._store.events_after, since, count) if count else []
            except Exception:
                log.exception("reading events after %d failed", since)
            if replay is not None and not resume.complete(replay, since, seq):
                replay = None  # the store no longer has every event after `since`
        now = self.engine.local(self.clock()).isoformat()
        if replay is None:
            full = self._welcomes.full(self.engine.state, device, hello, self._hall_public,
                                       now)
            self.peers.write_frames(conn.ws, full.frames, full.texts, welcome=True)
        else:
            self.peers.write(conn.ws, resume.resumed_texts(device, hello, seq, self._hall_public,
                                                      replay, now), welcome=True)
        if conn.ws.state is State.OPEN and not conn.closing:
            self.peers.make_live(conn.ws, hello)


def _host(ws: ServerConnection) -> str:
    address = ws.remote_address
    return str(address[0]) if address else ""
