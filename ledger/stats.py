"""Hall statistics from the stored events: never from counters that could drift.

One pass over the events of a range of hall days, in order, gives every figure per
day, hour, zone, service, window and clerk. Definitions (docs/supervision.md):

- **issued**: tickets issued (a transfer is not a new ticket). **called**: first calls
  of a leg (a ticket called again after a transfer or a reinstatement counts again);
  **recalled**: repeated calls (重呼). **finished**, **skipped** (过号), **transferred**:
  ends of a leg. **closed_unfinished**: tickets the day's close found still open.
  (a no-show still open at the close was counted as skipped, not again here).
  **bookings_kept**: tickets issued against a booking code.
  **help** / **proxy**: 帮办 / 代办 recorded (a 代办 item without a ticket included).
  **extended** / **off_hours**: tickets issued in a service's extended hours (延时) /
  its appointment-only or rest-day hours (错时), bookings checked in included.
- **wait** = the ticket's first call − its issue: once per citizen, whatever transfers
  or recalls followed; filed under the service the ticket was issued for and the
  window and clerk who called it first. **service time** = the end of a leg (finish or
  transfer) − the call that began it; filed under that leg's service, window and clerk.
- **ratings** 1–5; **satisfaction** = share of ratings of 3 (基本满意) or better;
  **rated_share** = ratings ÷ finished.
- **by hour**: a count falls in the hour (hall-local) its event happened; waits fall
  in the hour the ticket was issued (how long those who came then waited).
- **attendance** (per clerk): sign-in sessions and their time; a session still open
  at the day's close (or at the end of the data) ends there.

Figures are recomputed from the same events after any restart, so they cannot differ.

Over 600 lines: the one pass that yields every figure and the closed-day cache
beside it; the definitions above are its specification.
"""

from __future__ import annotations

import json
import math
import statistics
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlite_utils import Database

from hall.config import HallConfig
from hall.protocol import (
    Event,
)
from ledger.store import read_only

#: Count fields of every row, in the order reports show them.
COUNTS = ("issued", "called", "recalled", "finished", "skipped", "transferred",
          "closed_unfinished", "bookings_kept", "help", "proxy", "extended", "off_hours")
#: The dimensions, in the order reports show them.
DIMENSIONS = ("by_day", "by_hour", "by_zone", "by_service", "by_window", "by_clerk")


@dataclass
class Figures:
    """The figures of one row (the whole range, a day, an hour, a service …)."""

    counts: Counter[str] = field(default_factory=Counter)
    waits: list[float] = field(default_factory=list)
    services: list[float] = field(default_factory=list)
    scores: Counter[int] = field(default_factory=Counter)
    #: Waits promised at issue against the real ones (hall/forecast.py): tickets with a
    #: promise, sum of absolute errors (minutes), inside the range, waited > 1 min more.
    promised: list[float] = field(default_factory=lambda: [0, 0.0, 0, 0])

    def dump(self) -> list[Any]:
        """A compact, JSON-ready form that :meth:`absorb` adds back (the day cache)."""
        return [dict(self.counts), self.waits, self.services,
                {str(k): n for k, n in self.scores.items()}, self.promised]

    def absorb(self, dumped: list[Any]) -> None:
        counts, waits, services, scores, promised = dumped
        self.counts.update(counts)
        self.waits.extend(waits)
        self.services.extend(services)
        self.scores.update({int(k): n for k, n in scores.items()})
        self.promised = [a + b for a, b in zip(self.promised, promised, strict=True)]

    def promise(self, waited_s: float, minutes: int, low: int, high: int) -> None:
        """Count a wait promised at issue (``minutes`` in ``[low, high]``) that came true
        as ``waited_s``: the range counts as kept when the wait, in whole minutes as
        shown, is inside it."""
        waited = waited_s / 60.0
        p = self.promised
        p[0] += 1
        p[1] += abs(waited - minutes)
        p[2] += int(low <= round(waited) <= high)
        p[3] += int(waited > minutes + 1)

    def to_json(self) -> dict[str, Any]:
        rated = sum(self.scores.values())
        finished = self.counts["finished"]
        out: dict[str, Any] = {name: self.counts[name] for name in COUNTS}
        out["wait_s"] = _spread(self.waits)
        out["service_s"] = _spread(self.services)
        out["ratings"] = {str(score): self.scores[score] for score in range(1, 6)}
        out["satisfaction"] = (
            round(sum(n for s, n in self.scores.items() if s >= 3) / rated, 4) if rated else None)
        out["rated_share"] = round(rated / finished, 4) if finished else None
        n, error, inside, under = self.promised
        out["forecast"] = {
            "tickets": int(n),
            "mae_min": round(error / n, 1) if n else None,
            "in_range": round(inside / n, 4) if n else None,
            "under": round(under / n, 4) if n else None,
        }
        return out


def _spread(values: list[float]) -> dict[str, float | None]:
    if not values:
        return {"mean": None, "median": None, "p90": None, "max": None}
    ordered = sorted(values)
    # The 90th percentile by the nearest rank: a value that occurred, never interpolated.
    p90 = ordered[max(0, math.ceil(0.9 * len(ordered)) - 1)]
    return {"mean": round(statistics.fmean(ordered), 1),
            "median": round(statistics.median(ordered), 1),
            "p90": round(p90, 1), "max": round(ordered[-1], 1)}


@dataclass
class _Ticket:
    issued_at: datetime
    day: str
    service: str  # as issued
    hour: str
    waited: bool = False
    skipped: bool = False  # its last leg ended as a no-show (not reinstated since)
    #: The current leg: (service, window, clerk, called at), None while waiting.
    leg: tuple[str, int, str | None, datetime] | None = None
    current_service: str = ""
    #: the wait promised at issue: (minutes, low, high), None when none was given
    promise: tuple[int, int, int] | None = None


@dataclass
class _Clerk:
    name: str | None = None
    sessions: int = 0
    signed_in_s: float = 0.0
    first_in: datetime | None = None
    last_out: datetime | None = None
    since: datetime | None = None  # the open session's start


class Tally:
    """Statistics of a hall, fed its events in sequence order."""

    def __init__(self, config: HallConfig) -> None:
        self.config = config
        self._tz = ZoneInfo(config.hall.timezone)
        self.total = Figures()
        self.rows: dict[str, dict[str, Figures]] = {d: {} for d in DIMENSIONS}
        self._tickets: dict[int, _Ticket] = {}
        self._clerks: dict[str, _Clerk] = {}
        self._at_window: dict[int, str] = {}  # window → clerk signed in
        self._last: datetime | None = None
        self._day: str | None = None  # the hall day being read

    # -- feeding ------------------------------------------------------------------------

    def feed(self, events: Iterable[Event]) -> Tally:
        for event in events:
            self.add(event)
        return self

    def add(self, event: Event) -> None:
        self.add_raw(str(event.kind), event.at, event.payload.to_json())

    def feed_raw(self, rows: Iterable[tuple[str, str, dict[str, Any]]]) -> Tally:
        """Feed (kind, at, wire data) triples, as the store holds them: the fast path
        (no typed payloads are built)."""
        add = self.add_raw
        for kind, at, data in rows:
            add(kind, at, data)
        return self

    def add_raw(self, kind: str, at_text: str, d: dict[str, Any]) -> None:
        handler = self._handlers.get(kind)
        if handler is None:
            return
        at = datetime.fromisoformat(at_text)
        self._last = at
        handler(d, at)

    @property
    def _handlers(self) -> dict[str, Any]:
        handlers = self.__dict__.get("_handler_table")
        if handlers is None:
            handlers = self.__dict__["_handler_table"] = {
                "ticket_issued": self._issued,
                "ticket_called": self._called,
                "ticket_finished": lambda d, at: self._leg_ends(d["ticket_id"], "finished", at),
                "ticket_skipped": self._skipped,
                "ticket_reinstated": self._reinstated,
                "ticket_transferred": self._transferred,
                "rating_recorded": self._rated,
                "assist_recorded": self._assisted,
                "clerk_signed_in": lambda d, at: self._sign_in(
                    d["window"], d["staff"], d.get("name"), at),
                "clerk_signed_out": lambda d, at: self._sign_out(d["window"], at),
                "day_closed": self._day_closed,
            }
        return handlers

    def _issued(self, d: dict[str, Any], at: datetime) -> None:
        t = d["ticket"]
        issued_at = datetime.fromisoformat(t["issued_at"])
        self._day = day = d["day"]
        ticket = _Ticket(issued_at, day, t["service"], self._hour(issued_at),
                         current_service=t["service"])
        span = d.get("wait_range_min")
        if d.get("estimated_wait_min") is not None and span:
            ticket.promise = (int(d["estimated_wait_min"]), int(span[0]), int(span[1]))
        self._tickets[t["id"]] = ticket
        booked = bool(t.get("booking"))
        period = d.get("period")  # 延时 (extended) or 错时 (off_hours), else regular
        for figures in self._rows(day, self._hour(at), t["service"]):
            figures.counts["issued"] += 1
            if booked:
                figures.counts["bookings_kept"] += 1
            if period in ("extended", "off_hours"):
                figures.counts[period] += 1

    def _called(self, d: dict[str, Any], at: datetime) -> None:
        ticket = self._tickets.get(d["ticket"]["id"])
        if ticket is None:
            return  # issued before the range: its call is not this range's figure
        window = d["window"]
        clerk = d.get("staff") or self._at_window.get(window)
        rows = self._rows(ticket.day, self._hour(at), ticket.current_service, window, clerk)
        if d.get("recall"):
            for figures in rows:
                figures.counts["recalled"] += 1
            return
        ticket.leg = (ticket.current_service, window, clerk, at)
        for figures in rows:
            figures.counts["called"] += 1
        if not ticket.waited:
            ticket.waited = True
            wait = (at - ticket.issued_at).total_seconds()
            for figures in self._rows(ticket.day, ticket.hour, ticket.service, window, clerk):
                figures.waits.append(wait)
                if ticket.promise is not None:
                    figures.promise(wait, *ticket.promise)

    def _leg_ends(self, ticket_id: int, outcome: str, at: datetime) -> _Ticket | None:
        ticket = self._tickets.get(ticket_id)
        if ticket is None or ticket.leg is None:
            return ticket
        service, window, clerk, called_at = ticket.leg
        ticket.leg = None
        served = (at - called_at).total_seconds()
        for figures in self._rows(ticket.day, self._hour(at), service, window, clerk):
            figures.counts[outcome] += 1
            if outcome != "skipped":
                figures.services.append(served)
        return ticket

    def _skipped(self, d: dict[str, Any], at: datetime) -> None:
        ticket = self._leg_ends(d["ticket_id"], "skipped", at)
        if ticket is not None:
            ticket.skipped = True

    def _reinstated(self, d: dict[str, Any], at: datetime) -> None:
        ticket = self._tickets.get(d["ticket_id"])
        if ticket is not None:
            ticket.skipped = False

    def _transferred(self, d: dict[str, Any], at: datetime) -> None:
        ticket = self._leg_ends(d["ticket_id"], "transferred", at)
        if ticket is not None:
            ticket.current_service = d["service"]

    def _rated(self, d: dict[str, Any], at: datetime) -> None:
        ticket = self._tickets.get(d["ticket_id"])
        day = ticket.day if ticket is not None else self._day
        for figures in self._rows(day, self._hour(at), d.get("service"), d["window"],
                                  d.get("staff"), zone=d.get("zone")):
            figures.scores[d["score"]] += 1

    def _assisted(self, d: dict[str, Any], at: datetime) -> None:
        """帮办 (``help``) and 代办 (``proxy``), a ticket's or one without a ticket."""
        ticket = self._tickets.get(d["ticket_id"]) if d.get("ticket_id") else None
        day = ticket.day if ticket is not None else self._day
        for figures in self._rows(day, self._hour(at), d["service"], d["window"],
                                  d.get("staff"), zone=d.get("zone")):
            figures.counts[d["assist"]] += 1

    def _day_closed(self, d: dict[str, Any], at: datetime) -> None:
        for ticket_id in d.get("closed", ()):
            ticket = self._tickets.get(ticket_id)
            if ticket is None or ticket.skipped:
                continue  # a no-show was counted when it was skipped
            for figures in self._rows(ticket.day, self._hour(at), ticket.current_service):
                figures.counts["closed_unfinished"] += 1
        for window in list(self._at_window):
            self._sign_out(window, at)
        self._tickets.clear()  # ids are not reused, but nothing of the day is open now
        self._day = d["next_day"]

    # -- attendance ---------------------------------------------------------------------

    def _sign_in(self, window: int, staff: str, name: str | None, at: datetime) -> None:
        if window in self._at_window:
            self._sign_out(window, at)  # a new sign-in ends the one before
        clerk = self._clerks.setdefault(staff, _Clerk())
        clerk.name = name or clerk.name
        clerk.sessions += 1
        clerk.since = at
        clerk.first_in = clerk.first_in or at
        self._at_window[window] = staff
        self._row("by_clerk", staff)  # a clerk who served nobody still has a row

    def _sign_out(self, window: int, at: datetime) -> None:
        staff = self._at_window.pop(window, None)
        clerk = self._clerks.get(staff) if staff is not None else None
        if clerk is None or clerk.since is None:
            return
        clerk.signed_in_s += (at - clerk.since).total_seconds()
        clerk.since = None
        clerk.last_out = at

    # -- rows ---------------------------------------------------------------------------

    def _hour(self, at: datetime) -> str:
        return _HOURS[at.astimezone(self._tz).hour]

    def _row(self, dimension: str, key: str) -> Figures:
        rows = self.rows[dimension]
        figures = rows.get(key)
        if figures is None:
            figures = rows[key] = Figures()
        return figures

    def _rows(self, day: str | None, hour: str, service: str | None,
              window: int | None = None, clerk: str | None = None, *,
              zone: str | None = None) -> list[Figures]:
        out = [self.total, self._row("by_hour", hour)]
        if day:
            out.append(self._row("by_day", day.split("#", 1)[0]))
        if service:
            out.append(self._row("by_service", service))
            if zone is None:
                known = self.config.service(service)
                zone = known.zone if known is not None else None
        if zone:
            out.append(self._row("by_zone", zone))
        if window is not None:
            out.append(self._row("by_window", str(window)))
        if clerk:
            out.append(self._row("by_clerk", clerk))
        return out

    # -- partials: one day's figures kept and added up ----------------------------------

    def partial(self) -> dict[str, Any]:
        """Everything this tally counted, JSON-ready; a session still open ends at the
        last event read. :meth:`merge` of the partials of several days gives the same
        figures as one tally fed all their events."""
        clerks = {}
        for staff, clerk in self._clerks.items():
            seconds = clerk.signed_in_s
            if clerk.since is not None and self._last is not None:
                seconds += (self._last - clerk.since).total_seconds()
            clerks[staff] = [clerk.name, clerk.sessions, seconds,
                             clerk.first_in.isoformat() if clerk.first_in else None,
                             clerk.last_out.isoformat() if clerk.last_out else None]
        rows = {d: {k: f.dump() for k, f in keyed.items()} for d, keyed in self.rows.items()}
        return {"total": self.total.dump(), "rows": rows, "clerks": clerks}

    def merge(self, partial: dict[str, Any]) -> Tally:
        self.total.absorb(partial["total"])
        for dimension, rows in partial["rows"].items():
            for key, dumped in rows.items():
                self._row(dimension, key).absorb(dumped)
        for staff, (name, sessions, seconds, first_in, last_out) in partial["clerks"].items():
            clerk = self._clerks.setdefault(staff, _Clerk())
            clerk.name = name or clerk.name
            clerk.sessions += sessions
            clerk.signed_in_s += seconds
            first = datetime.fromisoformat(first_in) if first_in else None
            last = datetime.fromisoformat(last_out) if last_out else None
            if first is not None and (clerk.first_in is None or first < clerk.first_in):
                clerk.first_in = first
            if last is not None and (clerk.last_out is None or last > clerk.last_out):
                clerk.last_out = last
        return self

    # -- the answer -----------------------------------------------------------------------

    def to_json(self, start: str, end: str) -> dict[str, Any]:
        """The figures in the protocol's ``stats`` shape (docs/protocol.md)."""
        out: dict[str, Any] = {"start": start, "end": end, "total": self.total.to_json()}
        names = self._names()
        for dimension in DIMENSIONS:
            rows = []
            for key in sorted(self.rows[dimension], key=_sort_key):
                row = {"key": key, "name": names[dimension](key),
                       **self.rows[dimension][key].to_json()}
                if dimension == "by_clerk":
                    row["attendance"] = self._attendance(key)
                rows.append(row)
            out[dimension] = rows
        return out

    def _names(self) -> dict[str, Any]:
        services = {s.id: s.name for s in self.config.services}
        zones = {z.id: z.name for z in self.config.zones}
        windows = {str(w.number): w.name for w in self.config.windows}
        return {
            "by_day": lambda k: k,
            "by_hour": lambda k: f"{k}:00",
            "by_zone": lambda k: zones.get(k, k),
            "by_service": lambda k: services.get(k, k),
            "by_window": lambda k: windows.get(k, f"{k}号窗口"),
            "by_clerk": lambda k: (self._clerks[k].name if k in self._clerks
                                   and self._clerks[k].name else k),
        }

    def _attendance(self, staff: str) -> dict[str, Any]:
        clerk = self._clerks.get(staff, _Clerk())
        seconds = clerk.signed_in_s
        if clerk.since is not None and self._last is not None:
            seconds += (self._last - clerk.since).total_seconds()  # still signed in
        return {"sessions": clerk.sessions, "signed_in_s": round(seconds, 1),
                "first_in": clerk.first_in.isoformat() if clerk.first_in else None,
                "last_out": clerk.last_out.isoformat() if clerk.last_out else None}


_HOURS = tuple(f"{h:02d}" for h in range(24))


def _sort_key(key: str) -> tuple[int, str]:
    return (int(key), "") if key.isdigit() else (0, key)


# -- reading the store --------------------------------------------------------------------


def day_range(start: date, end: date) -> tuple[str, str]:
    """The ``events.day`` bounds of calendar dates ``start``..``end`` inclusive: every
    numbering session of those dates (``2026-11-20``, ``2026-11-20#2``) lies in
    ``[low, high)``."""
    return start.isoformat(), (end + timedelta(days=1)).isoformat()


def stored_events(db: Database, start: date, end: date) -> Iterator[tuple[str, str, Any]]:
    """(kind, at, data) of the stored events of hall days ``start``..``end``, in order
    (an indexed range; only the kinds statistics read)."""
    low, high = day_range(start, end)
    marks = ",".join("?" * len(_KINDS))
    cursor = db.execute(
        f"SELECT kind, at, data FROM events WHERE day >= ? AND day < ? AND kind IN ({marks})"
        " ORDER BY seq", [low, high, *_KINDS])
    loads = json.loads
    for kind, at, data in cursor:
        yield kind, at, loads(data)


#: The event kinds statistics read.
_KINDS = ("ticket_issued", "ticket_called", "ticket_finished", "ticket_skipped",
          "ticket_reinstated", "ticket_transferred", "rating_recorded", "clerk_signed_in",
          "clerk_signed_out", "day_closed", "assist_recorded")


def day_partial(db: Database, config: HallConfig, label: str) -> dict[str, Any]:
    """The partial figures of one hall day (one numbering session) from its events."""
    marks = ",".join("?" * len(_KINDS))
    cursor = db.execute(
        f"SELECT kind, at, data FROM events WHERE day = ? AND kind IN ({marks}) ORDER BY seq",
        [label, *_KINDS])
    loads = json.loads
    return Tally(config).feed_raw((k, a, loads(d)) for k, a, d in cursor).partial()


class DayCache:
    """Partial figures of closed hall days, which can no longer change, kept in a small
    SQLite file beside the hub's database (``queue.db-stats``; delete it at will, or
    run ``jiaohao report --rebuild-cache``: it is rebuilt from the events). Reports over
    months then add up days instead of reading every event again. A cache that cannot
    be opened or written is skipped.

    Each entry carries the last event number of its day (``through``), and is used only
    while the day still ends there: an entry computed from fewer events than the day
    now has (a close that committed during the computation, an event written into a
    closed day by hand) is never used, whatever the interleaving."""

    #: Bumped when a definition changes: older entries are recomputed.
    VERSION = 4  # 2: the forecast's accuracy; 3: 帮办代办; 4: 延时错时 counts

    def __init__(self, path: str) -> None:
        import sqlite3

        self._db: Database | None = None
        try:
            conn = sqlite3.connect(path, check_same_thread=False, timeout=2)
            conn.execute("CREATE TABLE IF NOT EXISTS day_figures (day TEXT PRIMARY KEY,"
                         " version INTEGER NOT NULL, through INTEGER NOT NULL,"
                         " data TEXT NOT NULL)")
            self._db = Database(conn)
        except sqlite3.Error:
            self._db = None

    def get(self, label: str, through: int) -> dict[str, Any] | None:
        """The cached figures of hall day ``label`` if they were computed from its events
        up to ``through`` exactly (its last event number now)."""
        if self._db is None:
            return None
        row = self._db.execute(
            "SELECT data FROM day_figures WHERE day = ? AND version = ? AND through = ?",
            [label, self.VERSION, through]).fetchone()
        return None if row is None else dict(json.loads(row[0]))

    def put(self, label: str, through: int, partial: dict[str, Any]) -> None:
        """Keep the figures of closed hall day ``label`` computed from its events up to
        ``through`` (read in one snapshot with them: :func:`closed_day_partial`)."""
        import sqlite3

        if self._db is None:
            return
        try:
            with self._db.conn:
                self._db.execute("INSERT OR REPLACE INTO day_figures (day, version, through,"
                                 " data) VALUES (?, ?, ?, ?)",
                                 [label, self.VERSION, through,
                                  json.dumps(partial, separators=(",", ":"))])
        except sqlite3.Error:
            pass  # read-only or busy: computed again next time

    def forget(self, low: str = "", high: str = "\uffff") -> int:
        """Drop the entries of hall days in ``[low, high)`` (all by default); how many.
        Raises sqlite3.Error when the cache cannot be written."""
        if self._db is None:
            return 0
        with self._db.conn:
            cursor = self._db.execute("DELETE FROM day_figures WHERE day >= ? AND day < ?",
                                      [low, high])
        return int(cursor.rowcount)

    def close(self) -> None:
        if self._db is not None:
            self._db.conn.close()
            self._db = None


def closed(db: Database, label: str) -> bool:
    """Whether hall day ``label`` has ended (its ``day_closed`` is stored)."""
    return db.execute("SELECT 1 FROM events WHERE day = ? AND kind = 'day_closed' LIMIT 1",
                      [label]).fetchone() is not None


def last_seq(db: Database, label: str) -> int:
    """The number of the last stored event of hall day ``label`` (0: none)."""
    row = db.execute("SELECT max(seq) FROM events WHERE day = ?", [label]).fetchone()
    return int(row[0] or 0)


@contextmanager
def snapshot(db: Database) -> Iterator[None]:
    """Read ``db`` as of one moment: every query inside sees the same committed events
    (WAL keeps that snapshot while the hub goes on writing). Nested use, or use on a
    connection already in a transaction, reads in that transaction."""
    conn = db.conn
    if conn.in_transaction:
        yield
        return
    conn.execute("BEGIN")
    try:
        yield
    finally:
        conn.execute("ROLLBACK")  # nothing was written: only the snapshot ends


def day_figures(db: Database, config: HallConfig, label: str,
                cache: DayCache | None = None) -> dict[str, Any]:
    """The partial figures of hall day ``label``: from ``cache`` when it holds them for
    the day's events as they are now, else computed (and kept when the day is closed).
    Call it inside :func:`snapshot`, so the figures, the day's last event number and
    whether it is closed are read from the same events."""
    through = last_seq(db, label)
    partial = cache.get(label, through) if cache is not None else None
    if partial is None:
        partial = day_partial(db, config, label)
        if cache is not None and closed(db, label):
            cache.put(label, through, partial)
    return partial


def hall_stats(db: Database, config: HallConfig, start: date, end: date,
               cache: DayCache | None = None) -> dict[str, Any]:
    """The ``stats`` answer for calendar dates ``start``..``end`` inclusive: the
    partials of each hall day added up (closed days from ``cache`` when it has them),
    all read from one snapshot of the events."""
    low, high = day_range(start, end)
    total = Tally(config)
    with snapshot(db):
        labels = [row[0] for row in db.execute(
            "SELECT DISTINCT day FROM events WHERE day >= ? AND day < ?", [low, high])]
        for label in labels:
            total.merge(day_figures(db, config, label, cache))
    return total.to_json(start.isoformat(), end.isoformat())


def stats_of_file(path: str | Path, config: HallConfig, start: date,
                  end: date, *, rebuild: bool = False) -> dict[str, Any]:
    """:func:`hall_stats` of the database file at ``path``, opened read-only (safe while
    the hub runs), with the closed-day cache the hub keeps beside it. What
    ``jiaohao report`` and the demo's report show. ``rebuild`` forgets the cached days
    of the period first, so they are computed from the events again and kept anew.
    The cache file is created only beside a file that is a hub database.
    Raises sqlite3.Error (:data:`~ledger.store.DatabaseError`): not a hub database."""
    db = read_only(path)
    try:
        db.execute("SELECT seq, day, kind FROM events LIMIT 1").fetchall()
        cache = DayCache(f"{path}-stats")  # shared with the hub; skipped if read-only
        try:
            if rebuild:
                cache.forget(*day_range(start, end))
            return hall_stats(db, config, start, end, cache)
        finally:
            cache.close()
    finally:
        db.close()
