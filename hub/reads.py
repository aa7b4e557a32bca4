"""Managers' reads (``stats``, ``ticket_history``, ``plan``) waiting for the reader: sans-I/O.

Reads run one at a time, in the reader's own process (ledger/queries.py), never in the
writer's way. Here is who may wait for it: one read per connection (a second, while the
first waits or runs, is refused ``busy``), at most ``limit`` in all, and a read whose
connection has gone is dropped before it runs, so a client that sends 150 reports and
leaves costs the hub nothing more.
"""

from __future__ import annotations

from collections import deque
from typing import Generic, TypeVar

from hall import errors
from hall.protocol import StoreQuery

C = TypeVar("C")

#: Reads that may wait for the reader at once (hall-wide).
READ_QUEUE_LIMIT = 8


class ReadQueue(Generic[C]):
    """The reads waiting, oldest first, and the connection whose read is running."""

    def __init__(self, limit: int = READ_QUEUE_LIMIT) -> None:
        self.limit = limit
        self._waiting: deque[tuple[C, StoreQuery]] = deque()
        self._running: C | None = None
        self.dropped = 0  # reads whose connection left before they ran

    def __len__(self) -> int:
        return len(self._waiting)

    def offer(self, conn: C, request: StoreQuery) -> errors.QueueError | None:
        """Queue ``request`` from ``conn``; the refusal when it may not wait."""
        if conn is self._running or any(c is conn for c, _ in self._waiting):
            return errors.Busy(f"{request.type}: one read at a time on a connection; "
                               "retry when the first is answered")
        if len(self._waiting) >= self.limit:
            return errors.Busy(f"{request.type}: {len(self._waiting)} reads are waiting; "
                               "retry in a moment")
        self._waiting.append((conn, request))
        return None

    def next(self) -> tuple[C, StoreQuery] | None:
        """The next read to run (it is running until :meth:`done`)."""
        if not self._waiting:
            return None
        conn, request = self._waiting.popleft()
        self._running = conn
        return conn, request

    def done(self) -> None:
        self._running = None

    def left(self, conn: C) -> None:
        """``conn`` closed: its waiting read will not run."""
        kept = deque((c, r) for c, r in self._waiting if c is not conn)
        self.dropped += len(self._waiting) - len(kept)
        self._waiting = kept
