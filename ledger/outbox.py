"""The event log read from outside the hub's own thread: for the county shipper.

A read-only connection of its own (:func:`ledger.store.read_only`: WAL lets it read
while the hub commits), opened in the thread that uses it; batches bounded by a row
count, so a backlog of days is read a batch at a time, never held in memory. Rows come
as stored (the JSON text, personal data included), not as typed events: the shipper
strips and re-encodes them once (:func:`ledger.store.events_after` gives typed events).
"""

from __future__ import annotations

from pathlib import Path

from ledger.store import read_only

#: (seq, at, kind, day, data as stored JSON text)
Row = tuple[int, str, str, str, str]


class EventOutbox:
    """Read-only access to the events of the hub database at ``path``.

    Raises :data:`ledger.store.DatabaseError` (the database is missing, unreadable,
    not a hub's)."""

    def __init__(self, path: str | Path) -> None:
        self._conn = read_only(path, timeout=10).conn

    def last_seq(self) -> int:
        row = self._conn.execute("SELECT max(seq) FROM events").fetchone()
        return int(row[0] or 0)

    def after(self, seq: int, limit: int) -> list[Row]:
        """Up to ``limit`` events above ``seq``, in order. Raises DatabaseError."""
        rows = self._conn.execute(
            "SELECT seq, at, kind, day, data FROM events WHERE seq > ? ORDER BY seq LIMIT ?",
            (seq, limit)).fetchall()
        return [(int(s), str(a), str(k), str(d), str(x)) for s, a, k, d, x in rows]

    def at(self, seq: int) -> Row | None:
        """The event ``seq``, None when the log has none. Raises DatabaseError."""
        rows = self.after(seq - 1, 1)
        return rows[0] if rows and rows[0][0] == seq else None

    def close(self) -> None:
        self._conn.close()
