"""The hub's durable store: every event in SQLite, plus projections for reports.

A thin class over an injected :class:`sqlite_utils.Database` (the hub opens it in its
one database thread; nothing connects at import time). The schema comes from
ledger/migrations.py. The journal is WAL with ``synchronous=FULL``: a batch is
durable once :meth:`Store.write` returns (see docs/durability.md).

Tables:
  ``events``      every event ever, personal data included (``seq`` is the primary key)
  ``tickets``     one row per ticket, kept up to date from the events (history lookups;
                  ``called_at`` is the latest call, recalls included: waits and every
                  other figure come from the events, in ledger/stats.py)
  ``ratings``     one row per rating; ``pushed`` those sent upward (ledger/ratings.py)
  ``attendance``  clerk sign-in and sign-out
  ``windows``     each window's pause and clerk now (carried over a day close)
  ``cases``       差评 follow-up cases as they stand; ``meta`` the hub's own secrets
  ``push_outbox`` ratings and case outcomes to push to the province (ledger/push.py)

The live path never scans history: start-up finds the last ``day_closed`` through the
``events(kind, seq)`` index and replays only the current hall day; used booking codes
come from a partial index over recent days.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from pathlib import Path
from sqlite3 import Connection
from typing import Any, NamedTuple

from sqlite_utils import Database

from hall.protocol import (
    Announcement,
    CaseOpened,
    CaseUpdated,
    ClerkSignedIn,
    ClerkSignedOut,
    DayClosed,
    Event,
    EventKind,
    EventPayload,
    RatingRecorded,
    TicketCalled,
    TicketFinished,
    TicketIssued,
    TicketReinstated,
    TicketSkipped,
    TicketTransferred,
    WindowPaused,
    WindowResumed,
)
from hall.state import HallState, Ticket, TicketStatus, apply, day_date, event_days, hall_day
from ledger import push
from ledger.migrations import MIGRATIONS

log = logging.getLogger(__name__)

#: Largest number of events one resume may replay; older ``since`` gets a full welcome.
RESUME_LIMIT = 10_000


class Store:
    """Events and projections in one SQLite database.

    Use it from one thread only (the one that opened ``db``).
    """

    def __init__(self, db: Database, *, booking_memory_days: int = 30,
                 day_starts: time | None = None) -> None:
        self.db = db
        self.booking_memory_days = booking_memory_days
        #: When the hall day starts: events before a fresh database's first ticket (a
        #: clerk signing in at 8:00) are filed under the hall day of their time.
        self.day_starts = day_starts
        self._day = ""  # the hall day events are filed under

    # -- setup ----------------------------------------------------------------------

    def migrate(self) -> None:
        """WAL, synchronous=FULL, and the schema. Raises sqlite3.Error."""
        self.db.enable_wal()
        self.db.execute("PRAGMA synchronous=FULL")
        self.db.execute("PRAGMA foreign_keys=ON")
        MIGRATIONS.apply(self.db)

    @classmethod
    def open(cls, path: str, *, booking_memory_days: int = 30,
             day_starts: time | None = None) -> Store:
        """Open (or create) the database at ``path`` (``":memory:"`` for tests) and
        migrate it. A new database file, and its WAL and shared-memory files, are
        readable by their owner only (0600): they hold the ticket-link secret and ID
        hashes. Call from the thread that will use it. Raises sqlite3.Error."""
        private_files(path)
        db = Database(path)
        store = cls(db, booking_memory_days=booking_memory_days, day_starts=day_starts)
        store.migrate()
        return store

    def close(self) -> None:
        self.db.close()

    def secret(self, name: str) -> bytes:
        """The hub's secret called ``name``: 32 random bytes made on first use and kept
        in the database, so that what it signs stays valid across restarts.
        Raises sqlite3.Error."""
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (name,)).fetchone()
        if row is not None:
            return bytes(row[0])
        value = secrets.token_bytes(32)
        with self.db.atomic():
            self.db.execute("INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)", (name, value))
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (name,)).fetchone()
        return bytes(row[0])

    # -- writing ----------------------------------------------------------------------

    def write(self, events: Sequence[Event]) -> None:
        """Write one batch of events, and their projections, in ONE transaction.

        Raises sqlite3.Error (the transaction is rolled back: nothing is written).
        """
        if not events:
            return
        day = self._day
        conn = self.db.conn
        with self.db.atomic():
            rows: list[Any] = []  # every event's values, flat (EVENT_ROWS)
            tickets: list[Any] = []  # the new tickets' values not yet written, flat
            for event in events:
                payload = event.payload
                filed, after = event_days(day, payload)
                if not filed and self.day_starts is not None:
                    filed = hall_day(datetime.fromisoformat(event.at), self.day_starts)
                rows += (event.seq, event.at, str(event.kind), filed,
                         _store_json(event.to_store()))
                place = Filed(event.seq, event.at, filed)
                if type(payload) is TicketIssued:  # gathered: a run of them is one INSERT
                    tickets += _ticket_row(place, payload)
                else:
                    project = _PROJECTIONS.get(type(payload))
                    if project is not None:  # device reports and print marks: events only
                        if tickets:  # it may change a ticket issued just before it
                            TICKET_ROWS.write(conn, tickets)
                            tickets = []
                        project(conn, place, payload)
                day = after
            TICKET_ROWS.write(conn, tickets)
            EVENT_ROWS.write(conn, rows)
        self._day = day

    # -- reading ----------------------------------------------------------------------

    def last_seq(self) -> int:
        return last_seq(self.db)

    def events_after(self, seq: int, limit: int = RESUME_LIMIT) -> list[Event]:
        """Up to ``limit`` events with a sequence number above ``seq``, in order,
        personal data included (strip with ``Event.to_json`` before sending)."""
        return [logged.event for logged in events_after(self.db, seq, limit)]

    def load_state(self) -> HallState:
        """The hall state now: the current hall day's events replayed through
        ``hall.state.apply`` from the last ``day_closed``, window pauses and clerks,
        the next ticket id and the booking codes used in the last
        ``booking_memory_days`` days. Reads only indexed ranges. Raises sqlite3.Error."""
        state = HallState()
        row = self.db.execute(
            "SELECT max(seq) FROM events WHERE kind = ?", (str(EventKind.DAY_CLOSED),)
        ).fetchone()
        start = int(row[0]) if row and row[0] is not None else 0
        cursor = self.db.execute(
            "SELECT seq, at, kind, data FROM events WHERE seq >= ? ORDER BY seq", (start,)
        )
        for raw in cursor:
            apply(state, _event(raw))
        for number, paused, staff, staff_name in self.db.execute(
            "SELECT number, paused, staff, staff_name FROM windows"
        ):
            window = state.window(int(number))
            window.paused = bool(paused)
            window.staff = staff
            window.staff_name = staff_name
        max_id = self.db.execute("SELECT max(id) FROM tickets").fetchone()[0]
        if max_id is not None:
            state.next_id = max(state.next_id, int(max_id) + 1)
        if state.day:
            cutoff = (day_date(state.day)
                      - timedelta(days=self.booking_memory_days)).isoformat()
            for booking, day in self.db.execute(
                "SELECT booking, day FROM tickets WHERE booking IS NOT NULL AND day >= ?",
                (cutoff,),
            ):
                state.used_bookings.setdefault(str(booking), str(day))
        self._day = state.day
        return state

    def load_earlier(self, since: datetime) -> dict[int, Ticket]:
        """The tickets of earlier hall days finished at or after ``since`` (aware), as
        the engine keeps them for rating from the phone page (hub/engine.py), each
        visit marked rated when it was, however late. Replays the days that closed
        after ``since``, found through the ``events(kind, seq)`` index. Raises
        sqlite3.Error."""
        closings = self.db.execute(
            "SELECT seq, at FROM events WHERE kind = ? ORDER BY seq",
            (str(EventKind.DAY_CLOSED),)).fetchall()
        before = [int(seq) for seq, at in closings if datetime.fromisoformat(at) < since]
        if len(before) == len(closings):
            return {}
        start = before[-1] if before else 0
        state = HallState()
        kept: dict[int, Ticket] = {}
        cursor = self.db.execute(
            "SELECT seq, at, kind, data FROM events WHERE seq >= ? ORDER BY seq", (start,))
        for raw in cursor:
            event = _event(raw)
            payload = event.payload
            if isinstance(payload, DayClosed):
                kept.update((t.id, t) for t in state.tickets.values()
                            if t.status is TicketStatus.FINISHED and t.finished_at
                            and datetime.fromisoformat(t.finished_at) >= since)
            elif isinstance(payload, RatingRecorded) and payload.ticket_id in kept:
                for visit in reversed(kept[payload.ticket_id].visits):
                    if visit.window == payload.window:
                        visit.rated = True
                        break
            apply(state, event)
        return kept

    def load_cases(self) -> dict[int, dict[str, Any]]:
        """Every 差评 follow-up case as it stands (hub/cases.py). Raises sqlite3.Error."""
        return {int(i): json.loads(d) for i, d in self.db.execute("SELECT id, data FROM cases")}

    # -- history for reports and the benchmark -----------------------------------------

    def counts(self) -> dict[str, int]:
        """Rows per table (full counts: for tests and tools, not the live path)."""
        return {
            name: int(self.db.execute(f"SELECT count(*) FROM {name}").fetchone()[0])
            for name in ("events", "tickets", "ratings", "attendance")
        }


# -- the event log, for readers beside the hub (shipping, audits) -------------------------


@dataclass(frozen=True, slots=True)
class Logged:
    """One event as the log keeps it, and the hall day it is filed under (a
    numbering session: ``2026-11-20``, or ``2026-11-20#2`` after a manual close)."""

    event: Event
    day: str


def events_after(db: Database, seq: int, limit: int) -> list[Logged]:
    """The event log from sequence number ``seq`` (exclusive), oldest first, at most
    ``limit`` events: read it in bounded batches by passing the last ``seq`` seen.
    Personal data is included (``Event.to_json`` strips it). An indexed range read,
    safe on a :func:`read_only` connection while the hub writes. Raises sqlite3.Error."""
    if limit < 1:
        raise ValueError(f"limit must be at least 1, not {limit}")
    rows = db.execute(
        "SELECT seq, at, kind, data, day FROM events WHERE seq > ? ORDER BY seq LIMIT ?",
        (seq, limit),
    ).fetchall()
    return [Logged(Event.of(int(n), str(at), kind, json.loads(data)), str(day))
            for n, at, kind, data, day in rows]


def last_seq(db: Database) -> int:
    """The sequence number of the newest event stored (0 when there is none)."""
    row = db.execute("SELECT max(seq) FROM events").fetchone()
    return int(row[0] or 0)


#: What the ledger raises when the database cannot be read or written (callers catch
#: this rather than importing sqlite3 themselves).
DatabaseError = sqlite3.Error


def private_files(path: str | Path) -> None:
    """Create the database file at ``path`` with mode 0600 if it does not exist yet
    (an empty file is a new SQLite database); SQLite gives its ``-wal`` and ``-shm``
    files the main file's mode. An existing file keeps its mode."""
    if str(path) == ":memory:" or os.name == "nt" or Path(path).exists():
        return
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def read_only(path: str | Path, *, timeout: float = 5.0) -> Database:
    """The database at ``path`` opened for reading only (a report, an export, a
    shipper beside a running hub: WAL lets it read while the hub commits). Raises
    :data:`DatabaseError` when there is no database there."""
    return open_existing(path, write=False, timeout=timeout)


def open_existing(path: str | Path, *, write: bool, timeout: float = 5.0) -> Database:
    """The database at ``path``, never created, for reading (``write=False``) or for a
    short write beside the hub's (WAL and a busy timeout of ``timeout`` seconds).
    Raises :data:`DatabaseError` when there is no database there."""
    mode = "rw" if write else "ro"
    return Database(sqlite3.connect(f"file:{path}?mode={mode}", uri=True, timeout=timeout))


def _event(row: Sequence[Any]) -> Event:
    seq, at, kind, data = row
    return Event.of(int(seq), str(at), kind, json.loads(data))


class Rows:
    """Rows of one table written with as few statements as can be: one INSERT with a
    VALUES list per row, for 64, 32, ... 1 rows (a batch of 24 is two statements, not 24).

    Each statement is a bind, a step and, in the hub's database thread, a release and a
    retake of the GIL that the event loop also holds: per row, that was a third of the
    thread's work for ``take_ticket``. Sizes are powers of two so that few statement
    texts exist (sqlite3 caches the prepared ones)."""

    MOST = 64

    def __init__(self, table: str, columns: Sequence[str]) -> None:
        self.width = len(columns)
        self._head = f"INSERT INTO {table} ({', '.join(columns)}) VALUES "
        self._one = "(" + ", ".join("?" * self.width) + ")"
        self._texts: dict[int, str] = {}

    def text(self, count: int) -> str:
        """The statement inserting ``count`` rows."""
        text = self._texts.get(count)
        if text is None:
            text = self._texts[count] = self._head + ", ".join([self._one] * count)
        return text

    def write(self, conn: Connection, values: Sequence[Any]) -> None:
        """Insert the rows whose values lie in ``values`` one row after another."""
        left, start, size = len(values) // self.width, 0, self.MOST
        while left:
            while size > left:
                size //= 2
            end = start + size * self.width
            conn.execute(self.text(size), values[start:end])
            start, left = end, left - size


#: How an event is filed (values: seq, at, kind, day, data).
EVENT_ROWS = Rows("events", ("seq", "at", "kind", "day", "data"))
#: A new ticket's row (values: :func:`_ticket_row`).
TICKET_ROWS = Rows("tickets", ("id", "day", "number", "service", "priority", "status",
                               "issued_at", "booking", "issued_seq"))


# -- projections: one function per event kind, named SQL parameters ---------------------


class Filed(NamedTuple):
    """Where an event stands: its sequence number, time and hall day (a tuple: one is
    made for every event written)."""

    seq: int
    at: str
    day: str


def _json_writer() -> Callable[[Any], str]:
    """What ``json.dumps(obj, ensure_ascii=False)`` writes, the text of the log's ``data``
    column (county digests hash it), without building an encoder for every event: the
    standard library's C encoder, made once (its maker is not public: where it is
    missing, or writes anything else, the public encoder does it)."""
    encoder = json.JSONEncoder(ensure_ascii=False)
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:
        return encoder.encode
    try:
        chunks = make(None, encoder.default, json.encoder.encode_basestring, None,
                      encoder.key_separator, encoder.item_separator, False, False, True)
    except TypeError:  # another signature
        return encoder.encode

    def write(obj: Any) -> str:
        return "".join(chunks(obj, 0))

    sample = {"a": [1, 2.5, None, True, "叫号\n\"x\""], "b": {"c": -1e300, "d": ""}}
    return write if write(sample) == encoder.encode(sample) else encoder.encode


_store_json = _json_writer()


def _ticket_row(e: Filed, p: TicketIssued) -> tuple[Any, ...]:
    t = p.ticket
    return (t.id, p.day or e.day, t.number, t.service, int(t.priority), "waiting",
            t.issued_at, t.booking, e.seq)


def _called(conn: Connection, e: Filed, p: TicketCalled) -> None:
    conn.execute(
        "UPDATE tickets SET status='called', window=:window, called_at=:at, recalls=:recall,"
        " visits=visits+:visit WHERE id=:id",
        {"window": p.window, "at": e.at, "recall": p.recall, "visit": int(p.recall == 0),
         "id": p.ticket.id},
    )


def _finished(conn: Connection, e: Filed, p: TicketFinished) -> None:
    conn.execute("UPDATE tickets SET status='finished', finished_at=:at WHERE id=:id",
                 {"at": e.at, "id": p.ticket_id})


def _skipped(conn: Connection, e: Filed, p: TicketSkipped) -> None:
    conn.execute("UPDATE tickets SET status='skipped' WHERE id=:id", {"id": p.ticket_id})


def _reinstated(conn: Connection, e: Filed, p: TicketReinstated) -> None:
    conn.execute("UPDATE tickets SET status='waiting', window=NULL, recalls=0 WHERE id=:id",
                 {"id": p.ticket_id})


def _transferred(conn: Connection, e: Filed, p: TicketTransferred) -> None:
    conn.execute(
        "UPDATE tickets SET status='waiting', window=NULL, recalls=0, service=:service"
        " WHERE id=:id", {"service": p.service, "id": p.ticket_id},
    )


def _rated(conn: Connection, e: Filed, p: RatingRecorded) -> None:
    conn.execute(
        "INSERT INTO ratings (seq, at, day, ticket_id, number, window, service, zone, staff,"
        " score, points, channel) VALUES (:seq, :at, :day, :ticket_id, :number, :window,"
        " :service, :zone, :staff, :score, :points, :channel)",
        {"seq": e.seq, "at": e.at, "day": e.day, "ticket_id": p.ticket_id, "number": p.number,
         "window": p.window, "service": p.service, "zone": p.zone, "staff": p.staff,
         "score": p.score, "points": p.points, "channel": p.channel},
    )
    push.add(conn, f"rating-{e.seq}", e.seq, "rating",
             push.rating_body(e.at, e.day, p.to_json()), e.at)


def _attendance(
    conn: Connection, e: Filed, window: int, staff: str, name: str | None, signed_in: bool
) -> None:
    conn.execute(
        "INSERT INTO attendance (seq, at, day, window, staff, name, action)"
        " VALUES (:seq, :at, :day, :window, :staff, :name, :action)",
        {"seq": e.seq, "at": e.at, "day": e.day, "window": window, "staff": staff,
         "name": name, "action": "in" if signed_in else "out"},
    )
    conn.execute(
        "INSERT INTO windows (number, staff, staff_name) VALUES (:window, :staff, :name)"
        " ON CONFLICT(number) DO UPDATE SET staff=excluded.staff,"
        " staff_name=excluded.staff_name",
        {"window": window, "staff": staff if signed_in else None,
         "name": name if signed_in else None},
    )


def _signed_in(conn: Connection, e: Filed, p: ClerkSignedIn) -> None:
    _attendance(conn, e, p.window, p.staff, p.name, signed_in=True)


def _signed_out(conn: Connection, e: Filed, p: ClerkSignedOut) -> None:
    _attendance(conn, e, p.window, p.staff, None, signed_in=False)


def _window_paused(conn: Connection, window: int, paused: bool) -> None:
    conn.execute(
        "INSERT INTO windows (number, paused) VALUES (:window, :paused)"
        " ON CONFLICT(number) DO UPDATE SET paused=excluded.paused",
        {"window": window, "paused": int(paused)},
    )


def _paused(conn: Connection, e: Filed, p: WindowPaused) -> None:
    _window_paused(conn, p.window, paused=True)


def _resumed(conn: Connection, e: Filed, p: WindowResumed) -> None:
    _window_paused(conn, p.window, paused=False)


def _case(conn: Connection, e: Filed, p: CaseOpened | CaseUpdated) -> None:
    case = dict(p.case)
    if isinstance(p, CaseUpdated) and "notes" not in case:  # the change only
        row = conn.execute("SELECT data FROM cases WHERE id = ?", (case["id"],)).fetchone()
        stored = json.loads(row[0]) if row else {}
        case = {**stored, **case, "notes": list(stored.get("notes", [])),
                "callbacks": list(stored.get("callbacks", []))}
        if p.note is not None:
            case["notes"].append(dict(p.note))
        if p.callback is not None:
            case["callbacks"].append(dict(p.callback))
    conn.execute(
        "INSERT INTO cases (id, state, deadline, data) VALUES (:id, :state, :deadline, :data)"
        " ON CONFLICT(id) DO UPDATE SET state=excluded.state, deadline=excluded.deadline,"
        " data=excluded.data",
        {"id": case["id"], "state": case["state"], "deadline": case["deadline"],
         "data": json.dumps(case, ensure_ascii=False)},
    )
    if isinstance(p, CaseUpdated) and p.action in ("fix", "cannot_fix"):  # its outcome
        push.add(conn, f"case-{case['id']}-{e.seq}", e.seq, "case", push.case_body(e.at, case),
                 e.at)


def _day_closed(conn: Connection, e: Filed, p: DayClosed) -> None:
    conn.executemany("UPDATE tickets SET status='closed', finished_at=:at WHERE id=:id",
                     [{"at": e.at, "id": i} for i in p.closed])


_PROJECTIONS: dict[type[EventPayload], Callable[[Connection, Filed, Any], None]] = {
    # TicketIssued: Store.write gathers their rows (_ticket_row, TICKET_ROWS)
    TicketCalled: _called,
    TicketFinished: _finished,
    TicketSkipped: _skipped,
    TicketReinstated: _reinstated,
    TicketTransferred: _transferred,
    WindowPaused: _paused,
    WindowResumed: _resumed,
    ClerkSignedIn: _signed_in,
    ClerkSignedOut: _signed_out,
    RatingRecorded: _rated,
    DayClosed: _day_closed,
    Announcement: lambda conn, e, p: None,  # kept in the event log only
    CaseOpened: _case,
    CaseUpdated: _case,
}

