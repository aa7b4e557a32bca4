"""The event log read from outside the hub's own thread: for the county shipper.

A connection of its own (WAL: readers never block the hub's writer, nor it them),
opened in the thread that uses it; batches bounded by a row count, so a backlog of
days is read a batch at a time, never held in memory.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

#: (seq, at, kind, day, data as stored JSON text)
Row = tuple[int, str, str, str, str]


class EventOutbox:
    """Read-only access to the events of the hub database at ``path``.

    Raises sqlite3.Error (the database is missing, unreadable, not a hub's)."""

    def __init__(self, path: str | Path) -> None:
        if not Path(path).exists():
            raise sqlite3.OperationalError(f"no hub database at {path}")
        self._conn = sqlite3.connect(str(path), timeout=10, check_same_thread=True)
        self._conn.execute("PRAGMA query_only=ON")

    def last_seq(self) -> int:
        row = self._conn.execute("SELECT max(seq) FROM events").fetchone()
        return int(row[0] or 0)

    def after(self, seq: int, limit: int) -> list[Row]:
        """Up to ``limit`` events above ``seq``, in order. Raises sqlite3.Error."""
        rows = self._conn.execute(
            "SELECT seq, at, kind, day, data FROM events WHERE seq > ? ORDER BY seq LIMIT ?",
            (seq, limit)).fetchall()
        return [(int(s), str(a), str(k), str(d), str(x)) for s, a, k, d, x in rows]

    def at(self, seq: int) -> Row | None:
        """The event ``seq``, None when the log has none. Raises sqlite3.Error."""
        rows = self.after(seq - 1, 1)
        return rows[0] if rows and rows[0][0] == seq else None

    def close(self) -> None:
        self._conn.close()
