"""The hall devices' connections as the hub writes to them: each frame in order, a
batch in one write per connection, and clients that stop reading cut off.

Which connections are live (welcomed: they receive events) and which subscribed to
only some event kinds is kept here, for the writer's deliveries (hub/writer.py).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable

from websockets.asyncio.server import ServerConnection

from hall.protocol import Hello, Result
from hub.connections import Conn
from hub.fanout import buffered, text_frame, write_frames
from hub.writer import Delivery, encode_result

log = logging.getLogger(__name__)

#: A write buffer above this many bytes is "behind" (a reading client drains it in
#: milliseconds); one that stays behind for ``stall_timeout_s`` is dropped.
STALL_MARK_BYTES = 64 * 1024


class Peers:
    """Every hall-device connection, and the tasks that close them."""

    def __init__(self, max_write_buffer: int) -> None:
        self.max_write_buffer = max_write_buffer
        self.conns: set[Conn] = set()
        self.live: set[ServerConnection] = set()  # welcomed: they receive events
        #: Welcomed connections that subscribed to only some event kinds (or none).
        self.partial: dict[ServerConnection, Hello] = {}
        self._tasks: set[asyncio.Future[None]] = set()
        #: Who waits for the answer to a request of the hub's own, by request id (a
        #: rating from a ticket's phone page: hub/public.py).
        self.waiting: dict[str | int, Callable[[Result], None]] = {}

    def __len__(self) -> int:
        return len(self.conns)

    def add(self, conn: Conn) -> None:
        self.conns.add(conn)

    def remove(self, conn: Conn) -> None:
        self.conns.discard(conn)
        self.live.discard(conn.ws)
        self.partial.pop(conn.ws, None)

    def connected(self, device_id: str) -> bool:
        """Whether some connection speaks for ``device_id``."""
        return any(c.device is not None and c.device.id == device_id for c in self.conns)

    def make_live(self, ws: ServerConnection, hello: Hello) -> None:
        """``ws`` has its welcome: from now on it receives the events it asked for."""
        self.live.add(ws)
        if hello.subscribe is not True:
            self.partial[ws] = hello

    def send(self, conn: Conn | None, result: Result) -> None:
        if conn is not None:
            self.write(conn.ws, [encode_result(result)])
        elif result.id is not None and result.id in self.waiting:
            self.waiting.pop(result.id)(result)
        # else: the hub's own request (a device gone silent), answered to nobody

    def write(self, ws: ServerConnection, texts: list[str], *, welcome: bool = False) -> None:
        self.write_frames(ws, b"".join(text_frame(t) for t in texts), texts, welcome=welcome)

    def write_frames(self, ws: ServerConnection, frames: bytes, texts: Iterable[str], *,
                     welcome: bool = False) -> None:
        write_frames(ws, frames, texts)
        self.check_buffer(ws, allowance=len(frames) if welcome else 0)

    def deliver(self, plan: Iterable[Delivery]) -> None:
        for delivery in plan:
            ws: ServerConnection = delivery.to  # type: ignore[assignment]
            write_frames(ws, delivery.frames, delivery.texts)
            self.check_buffer(ws)

    def check_buffer(self, ws: ServerConnection, *, allowance: int = 0) -> None:
        """Drop ``ws`` past its buffer limit; ``allowance`` bytes just written (a
        welcome, which may be larger than the limit in a very full hall) don't count."""
        if buffered(ws) > self.max_write_buffer + allowance:
            self.drop(ws, f"more than {self.max_write_buffer} bytes wait for it")

    def drop(self, ws: ServerConnection, why: str) -> None:
        """Cut off a client that stays behind. A close frame would only queue behind
        what it does not read (and the close would wait on it): the connection is
        aborted, its buffer freed at once; the client reconnects with ``since``."""
        log.warning("dropping %s: it does not read its messages (%s)", ws.remote_address, why)
        self._forget(ws)
        if ws.transport is not None:
            ws.transport.abort()

    def sweep(self, now: float, stall_timeout_s: float) -> None:
        """Drop connections whose write buffer has not drained for ``stall_timeout_s``
        (``now``: monotonic seconds): websockets' keepalive cannot (its ping waits for
        the buffer to drain first)."""
        for conn in list(self.conns):
            if buffered(conn.ws) < STALL_MARK_BYTES:
                conn.behind_since = None
            elif conn.behind_since is None:
                conn.behind_since = now
            elif now - conn.behind_since >= stall_timeout_s and not conn.closing:
                self.drop(conn.ws, f"its messages have not drained for {stall_timeout_s:g} s")

    def close(self, ws: ServerConnection, code: int, reason: str) -> None:
        self._forget(ws)
        self.spawn(ws.close(code, reason))

    def abort_all(self) -> None:
        for conn in list(self.conns):
            if conn.ws.transport is not None:
                conn.ws.transport.abort()

    def spawn(self, step: Awaitable[None]) -> None:
        """Run ``step`` beside the writer, kept until done (stop waits for nothing)."""
        task = asyncio.ensure_future(step)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _forget(self, ws: ServerConnection) -> None:
        for conn in self.conns:
            if conn.ws is ws:
                conn.closing = True
        self.live.discard(ws)
        self.partial.pop(ws, None)
