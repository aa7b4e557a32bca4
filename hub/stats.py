"""Hall statistics from the stored events: never from counters that could drift.

One pass over the events of a range of hall days, in order, gives every figure per
day, hour, zone, service, window and clerk. Definitions (docs/supervision.md):

- **issued**: tickets issued (a transfer is not a new ticket). **called**: first calls
  of a leg (a ticket called again after a transfer or a reinstatement counts again);
  **recalled**: repeated calls (重呼). **finished**, **skipped** (过号), **transferred**:
  ends of a leg. **closed_unfinished**: tickets the day's close found still open.
  (a no-show still open at the close was counted as skipped, not again here).
  **bookings_kept**: tickets issued against a booking code.
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
"""

from __future__ import annotations

import json
import math
import statistics
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlite_utils import Database

from hall.config import HallConfig
from hall.protocol import (
    ClerkSignedIn,
    ClerkSignedOut,
    DayClosed,
    Event,
    RatingRecorded,
    TicketCalled,
    TicketFinished,
    TicketIssued,
    TicketReinstated,
    TicketSkipped,
    TicketTransferred,
)

#: Count fields of every row, in the order reports show them.
COUNTS = ("issued", "called", "recalled", "finished", "skipped", "transferred",
          "closed_unfinished", "bookings_kept")
#: The dimensions, in the order reports show them.
DIMENSIONS = ("by_day", "by_hour", "by_zone", "by_service", "by_window", "by_clerk")


@dataclass
class Figures:
    """The figures of one row (the whole range, a day, an hour, a service …)."""

    counts: Counter[str] = field(default_factory=Counter)
    waits: list[float] = field(default_factory=list)
    services: list[float] = field(default_factory=list)
    scores: Counter[int] = field(default_factory=Counter)

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
        at = datetime.fromisoformat(event.at)
        self._last = at
        p = event.payload
        if isinstance(p, TicketIssued):
            self._issued(p, at)
        elif isinstance(p, TicketCalled):
            self._called(p, at)
        elif isinstance(p, TicketFinished):
            self._leg_ends(p.ticket_id, "finished", at)
        elif isinstance(p, TicketSkipped):
            ticket = self._leg_ends(p.ticket_id, "skipped", at)
            if ticket is not None:
                ticket.skipped = True
        elif isinstance(p, TicketReinstated):
            if p.ticket_id in self._tickets:
                self._tickets[p.ticket_id].skipped = False
        elif isinstance(p, TicketTransferred):
            ticket = self._leg_ends(p.ticket_id, "transferred", at)
            if ticket is not None:
                ticket.current_service = p.service
        elif isinstance(p, RatingRecorded):
            self._rated(p, at)
        elif isinstance(p, ClerkSignedIn):
            self._sign_in(p.window, p.staff, p.name, at)
        elif isinstance(p, ClerkSignedOut):
            self._sign_out(p.window, at)
        elif isinstance(p, DayClosed):
            self._day_closed(p, at)

    def _issued(self, p: TicketIssued, at: datetime) -> None:
        issued_at = datetime.fromisoformat(p.ticket.issued_at)
        self._day = p.day
        ticket = _Ticket(issued_at, p.day, p.ticket.service, self._hour(issued_at),
                         current_service=p.ticket.service)
        self._tickets[p.ticket.id] = ticket
        rows = self._rows(ticket.day, self._hour(at), p.ticket.service)
        for figures in rows:
            figures.counts["issued"] += 1
            if p.ticket.booking:
                figures.counts["bookings_kept"] += 1

    def _called(self, p: TicketCalled, at: datetime) -> None:
        ticket = self._tickets.get(p.ticket.id)
        if ticket is None:
            return  # issued before the range: its call is not this range's figure
        clerk = p.staff or self._at_window.get(p.window)
        rows = self._rows(ticket.day, self._hour(at), ticket.current_service, p.window, clerk)
        if p.recall:
            for figures in rows:
                figures.counts["recalled"] += 1
            return
        ticket.leg = (ticket.current_service, p.window, clerk, at)
        for figures in rows:
            figures.counts["called"] += 1
        if not ticket.waited:
            ticket.waited = True
            wait = (at - ticket.issued_at).total_seconds()
            for figures in self._rows(ticket.day, ticket.hour, ticket.service, p.window, clerk):
                figures.waits.append(wait)

    def _leg_ends(self, ticket_id: int, outcome: str, at: datetime) -> _Ticket | None:
        ticket = self._tickets.get(ticket_id)
        if ticket is None or ticket.leg is None:
            return ticket
        service, window, clerk, called_at = ticket.leg
        ticket.leg = None
        for figures in self._rows(ticket.day, self._hour(at), service, window, clerk):
            figures.counts[outcome] += 1
            if outcome != "skipped":
                figures.services.append((at - called_at).total_seconds())
        return ticket

    def _rated(self, p: RatingRecorded, at: datetime) -> None:
        ticket = self._tickets.get(p.ticket_id)
        day = ticket.day if ticket is not None else self._day
        for figures in self._rows(day, self._hour(at), p.service, p.window, p.staff,
                                  zone=p.zone):
            figures.scores[p.score] += 1

    def _day_closed(self, p: DayClosed, at: datetime) -> None:
        for ticket_id in p.closed:
            ticket = self._tickets.get(ticket_id)
            if ticket is None or ticket.skipped:
                continue  # a no-show was counted when it was skipped
            for figures in self._rows(ticket.day, self._hour(at), ticket.current_service):
                figures.counts["closed_unfinished"] += 1
        for window in list(self._at_window):
            self._sign_out(window, at)
        self._tickets.clear()  # ids are not reused, but nothing of the day is open now
        self._day = p.next_day

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
        return f"{at.astimezone(self._tz).hour:02d}"

    def _row(self, dimension: str, key: str) -> Figures:
        return self.rows[dimension].setdefault(key, Figures())

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


def _sort_key(key: str) -> tuple[int, str]:
    return (int(key), "") if key.isdigit() else (0, key)


# -- reading the store --------------------------------------------------------------------


def day_range(start: date, end: date) -> tuple[str, str]:
    """The ``events.day`` bounds of calendar dates ``start``..``end`` inclusive: every
    numbering session of those dates (``2026-11-20``, ``2026-11-20#2``) lies in
    ``[low, high)``."""
    return start.isoformat(), (end + timedelta(days=1)).isoformat()


def stored_events(db: Database, start: date, end: date) -> Iterator[Event]:
    """The stored events of hall days ``start``..``end``, in order (an indexed range)."""
    low, high = day_range(start, end)
    cursor = db.execute(
        "SELECT seq, at, kind, data FROM events WHERE day >= ? AND day < ? ORDER BY seq",
        [low, high])
    for seq, at, kind, data in cursor:
        yield Event.of(int(seq), str(at), kind, json.loads(data))


def hall_stats(db: Database, config: HallConfig, start: date, end: date) -> dict[str, Any]:
    """The ``stats`` answer for calendar dates ``start``..``end`` inclusive."""
    return Tally(config).feed(stored_events(db, start, end)).to_json(
        start.isoformat(), end.isoformat())
