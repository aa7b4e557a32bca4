"""The writer's decisions, with no I/O: a batch of requests through the engine, and who
gets which frames once it is committed.

The hub's writer task (hub/server.py, the asyncio shell) drains the job queue into a
:class:`Backlog`, which says what to take up next (requests before welcomes), and
for each batch: :func:`execute` runs ``engine.tick`` and ``engine.execute`` and says
what to commit; the shell persists ``Run.batch`` in one transaction; then
:func:`deliveries` encodes and frames each event once and says what each connection
gets in its one write (its subscribed events, then its own results). Like websockets'
sans-I/O protocol objects, nothing here awaits, reads the clock (``now`` is passed in)
or touches a socket, so it is tested without a loop.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TypeVar

from hall import errors
from hall.protocol import Event, Hello, Result, encode, encode_bytes
from hub.connections import Conn, HelloJob, Job, RequestJob, Stop, Tick
from hub.engine import Engine
from hub.fanout import text_frame, utf8_frame

log = logging.getLogger(__name__)

W = TypeVar("W", bound=Hashable)


@dataclass
class Batch:
    """What one transaction commits (``events``) and the answers sent after it."""

    events: list[Event] = field(default_factory=list)
    results: list[tuple[Conn | None, Result]] = field(default_factory=list)


@dataclass
class Run:
    """What executing a batch decided.

    ``batch`` is to be committed, then delivered. When a request raised an unexpected
    error (``failed``), the engine may be half-way through a change: the state must be
    rebuilt from the store, ``failed`` answered ``internal_error`` and ``rest`` (the
    requests after it) executed on the rebuilt engine. ``tick_failed``: closing the
    hall day raised; the state must be rebuilt before any request runs.
    """

    batch: Batch
    failed: RequestJob | None = None
    rest: list[RequestJob] = field(default_factory=list)
    tick_failed: bool = False


class Backlog:
    """The writer's jobs in the order it takes them up: the requests waiting, as one
    batch, then one welcome, and again. A reconnect storm (a hundred displays saying
    hello at once, each welcome megabytes) then holds a request up by one welcome at
    most, not by every welcome asked before it; and a steady flow of requests still
    lets each hello through. A request of a connection whose hello still waits follows
    that welcome (a client may send its first request before its welcome arrives)."""

    def __init__(self) -> None:
        self._requests: list[RequestJob] = []
        self._hellos: deque[HelloJob] = deque()
        #: Connections whose hello waits, and their requests held until its welcome.
        self._held: dict[Conn, list[RequestJob]] = {}
        #: A tick asked for a batch even without requests (engine.tick closes the day).
        self._tick = False
        #: The hub is stopping: what came before is taken up, nothing after.
        self.stopping = False

    def __bool__(self) -> bool:
        """Whether something waits to be taken up."""
        return bool(self._requests or self._hellos or self._tick)

    @property
    def hellos(self) -> int:
        """Hellos waiting for their welcome."""
        return len(self._hellos)

    def add(self, job: Job) -> None:
        if self.stopping:
            return
        if isinstance(job, RequestJob):
            held = self._held.get(job.conn) if job.conn is not None else None
            (self._requests if held is None else held).append(job)
        elif isinstance(job, HelloJob):
            self._hellos.append(job)
            self._held.setdefault(job.conn, [])
        elif isinstance(job, Tick):
            self._tick = True
        elif isinstance(job, Stop):
            self.stopping = True

    def batch(self, most: int) -> list[RequestJob]:
        """The next batch: up to ``most`` requests, in the order they came (run even
        when empty: ``engine.tick`` comes first)."""
        batch, self._requests = self._requests[:most], self._requests[most:]
        self._tick = False
        return batch

    def hello(self) -> HelloJob | None:
        """The next hello to welcome (None: none waits); the requests its connection
        sent meanwhile go to the next batch, after its welcome."""
        if not self._hellos:
            return None
        job = self._hellos.popleft()
        self._requests.extend(self._held.pop(job.conn, ()))
        return job


def execute(engine: Engine, jobs: list[RequestJob], now: datetime, *, tick: bool = True) -> Run:
    """Run ``engine.tick`` (unless ``tick`` is False) and then each job at ``now``."""
    batch = Batch()
    if tick:
        try:
            batch.events.extend(engine.tick(now))
        except Exception:
            log.exception("closing the hall day failed")
            return Run(Batch(), tick_failed=True, rest=list(jobs))
    for index, job in enumerate(jobs):
        request = job.request
        try:
            outcome = engine.execute(request, now)
        except errors.QueueError as exc:
            batch.results.append((job.conn, Result.failure(request.id, exc)))
            continue
        except Exception:
            log.exception("request %r from %s failed", request,
                          job.conn.device.id if job.conn and job.conn.device else "hub")
            return Run(batch, failed=job, rest=jobs[index + 1:])
        batch.events.extend(outcome.events)
        batch.results.append((job.conn, Result.success(request.id, outcome.data)))
    return Run(batch)


def encode_result(result: Result) -> str:
    """``result`` as one frame's text; never raises (see :func:`result_bytes`)."""
    return result_bytes(result).decode()


def result_bytes(result: Result) -> bytes:
    """``result`` as one frame's UTF-8; never raises, so one odd answer cannot cost the
    rest of a committed batch theirs (the request itself is refused at parse time)."""
    try:
        return encode_bytes(result.to_json())  # raises for a lone surrogate
    except Exception:
        log.exception("cannot encode the result for request %r", result.id)
        return encode_bytes(Result.failure(None, errors.InternalError()).to_json())


class Encoded:
    """A committed batch's events, each encoded and framed once, when first asked for:
    a batch that no connection subscribed to (fifty kiosks taking tickets) is encoded
    only if a welcome later carries it (hub/welcome.py keeps this)."""

    def __init__(self, events: list[Event]) -> None:
        self.events = events
        self._texts: list[str | None] = [None] * len(events)
        self._framed: list[bytes | None] = [None] * len(events)
        self._frames: bytes | None = None
        self._all_texts: list[str] | None = None

    def _encode(self, i: int) -> bytes:
        data = encode_bytes(self.events[i].to_json())
        self._texts[i] = data.decode()
        framed = self._framed[i] = utf8_frame(data)
        return framed

    def frame(self, i: int) -> bytes:
        """Event ``i`` as one server text frame."""
        framed = self._framed[i]
        return self._encode(i) if framed is None else framed

    def text(self, i: int) -> str:
        """Event ``i`` as the text its frame carries."""
        text = self._texts[i]
        if text is None:
            self._encode(i)
            text = self._texts[i]
            assert text is not None
        return text

    @property
    def texts(self) -> list[str]:
        """Every event's text (one list, shared by every connection that gets them all)."""
        if self._all_texts is None:
            self._all_texts = [self.text(i) for i in range(len(self.events))]
        return self._all_texts

    @property
    def frames(self) -> bytes:
        """Every event's frame, joined."""
        if self._frames is None:
            self._frames = b"".join([self.frame(i) for i in range(len(self.events))])
        return self._frames


@dataclass
class Delivery:
    """One connection's share of a batch, written in one go: ``frames`` carries the same
    messages as ``texts``. ``live``: it receives events (else: results only)."""

    to: object
    frames: bytes
    texts: list[str]
    live: bool = True


def deliveries(
    batch: Batch,
    live: Iterable[W],
    partial: Mapping[W, Hello],
) -> tuple[Encoded, list[Delivery]]:
    """Who gets what from a committed ``batch``: every ``live`` connection its events
    (only the kinds subscribed to, for those in ``partial``), then its own results; a
    connection not yet live its results only. Connections are keyed by their socket."""
    encoded = Encoded(batch.events)
    own: dict[W, list[bytes]] = {}
    for conn, result in batch.results:
        if conn is not None:
            own.setdefault(conn.ws, []).append(result_bytes(result))  # type: ignore[arg-type]
    out: list[Delivery] = []
    # The events of each distinct subscription, picked once per batch (50 kiosks that
    # subscribe to nothing cost one lookup each, not a pass over the events each).
    chosen: dict[object, tuple[bytes, list[str]]] = {}
    for ws in live:
        mine = own.pop(ws, [])
        hello = partial.get(ws)
        if hello is None:  # every event
            ev_frames, ev_texts = encoded.frames, encoded.texts
        else:  # only the kinds this connection subscribed to
            asked = hello.subscribe
            key = (asked if isinstance(asked, bool) else tuple(asked), hello.withheld)
            picked = chosen.get(key)
            if picked is None:
                pick_texts: list[str] = []
                pick_frames: list[bytes] = []
                for i, e in enumerate(batch.events):
                    if hello.wants(e.kind):
                        pick_texts.append(encoded.text(i))
                        pick_frames.append(encoded.frame(i))
                    elif hello.withholds(e.kind):  # its seq, so no gap: nothing else
                        pick_texts.append(encode(e.withheld().to_json()))
                        pick_frames.append(text_frame(pick_texts[-1]))
                picked = chosen[key] = (b"".join(pick_frames), pick_texts)
            ev_frames, ev_texts = picked
        if ev_frames or mine:
            extra = b"".join([utf8_frame(d) for d in mine])
            out.append(Delivery(ws, ev_frames + extra if extra else ev_frames,
                                [*ev_texts, *(d.decode() for d in mine)]))
    for ws, mine in own.items():  # not live (yet): results only
        out.append(Delivery(ws, b"".join([utf8_frame(d) for d in mine]),
                            [d.decode() for d in mine], live=False))
    return encoded, out
