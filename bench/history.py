"""Made-up history for the benchmark and tests: finished tickets over past hall days.

Not part of the hub: it writes rows straight into a store's tables (the shapes of
:mod:`ledger.store`'s events and tickets) so a million-ticket history takes seconds.
"""

from __future__ import annotations

import json
import logging
import random
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlite_utils import Database

from hall.config import HallConfig
from ledger.store import Store

log = logging.getLogger(__name__)


def seed_history(
    db: Database, config: HallConfig, n_tickets: int, days: int = 365, *, seed: int = 1,
    now: datetime | None = None,
) -> None:
    """Fill ``db`` with ``n_tickets`` finished tickets spread over the ``days`` hall days
    before the one ``now`` (default: the wall clock's) lies in: for each, its
    ticket_issued, ticket_called and ticket_finished events and its tickets row, and a
    day_closed event ending each day (so the hub starts on a fresh day). Migrates ``db``
    first. Fast (bulk inserts in large transactions); for the benchmark and tests.
    Raises sqlite3.Error.
    """
    store = Store(db)
    store.migrate()
    rng = random.Random(seed)
    tz = ZoneInfo(config.hall.timezone)
    seq = store.last_seq()
    next_id = int(db.execute("SELECT coalesce(max(id), 0) FROM tickets").fetchone()[0]) + 1
    servers: dict[str, list[int]] = {
        s.id: [w.number for w in config.windows if s.id in w.services] or [0]
        for s in config.services
    }
    services = [s.id for s in config.services]
    starts = config.hall.day_starts
    moment = (now or datetime.now(tz)).astimezone(tz)
    today = (moment - timedelta(hours=starts.hour, minutes=starts.minute)).date()
    per_day, extra = divmod(n_tickets, max(1, days))
    db.execute("PRAGMA synchronous=OFF")  # made-up history: speed over durability
    try:
        for day_index in range(days):
            day = today - timedelta(days=days - day_index)
            count = per_day + (1 if day_index < extra else 0)
            seq, next_id = _seed_day(
                db, day, count, seq, next_id, services, servers, rng, tz, config)
    finally:
        db.execute("PRAGMA synchronous=FULL")
    log.info("seeded %d tickets over %d days", n_tickets, days)


_ISSUED = ('{{"day":"{day}","ticket":{{"id":{id},"number":"{number}","service":"{service}",'
           '"priority":false,"status":"waiting","issued_at":"{issued}","window":null,'
           '"order":{id},"called_at":null,"recalls":0,"booking":null}},"slot":null}}')
_CALLED = ('{{"ticket":{{"id":{id},"number":"{number}","service":"{service}","priority":false,'
           '"status":"called","issued_at":"{issued}","window":{window},"order":{id},'
           '"called_at":"{called}","recalls":0}},"window":{window},"recall":0,"staff":null,'
           '"tier":null,"streak":null}}')
_FINISHED = ('{{"ticket_id":{id},"number":"{number}","window":{window},"service":"{service}",'
             '"duration_s":{duration}}}')


def _seed_day(
    db: Database, day: date, count: int, seq: int, next_id: int, services: list[str],
    servers: dict[str, list[int]], rng: random.Random, tz: ZoneInfo, config: HallConfig,
) -> tuple[int, int]:
    opening = datetime.combine(day, time(8, 30), tz)
    iso = day.isoformat()
    events: list[tuple[int, str, str, str, str]] = []
    tickets: list[tuple[Any, ...]] = []
    issued: dict[str, int] = {}
    step = 28800 / max(1, count)
    for i in range(count):
        service = services[i % len(services)]
        issued[service] = issued.get(service, 0) + 1
        number = f"{service}{issued[service]:03d}"
        window = rng.choice(servers[service])
        wait, duration = rng.randint(60, 1800), rng.randint(60, 900)
        at_issue = opening + timedelta(seconds=int(i * step))
        t_issue = at_issue.isoformat()
        t_call = (at_issue + timedelta(seconds=wait)).isoformat()
        t_done = (at_issue + timedelta(seconds=wait + duration)).isoformat()
        fields = {"day": iso, "id": next_id, "number": number, "service": service,
                  "issued": t_issue, "called": t_call, "window": window,
                  "duration": float(duration)}
        events.append((seq + 1, t_issue, "ticket_issued", iso, _ISSUED.format(**fields)))
        events.append((seq + 2, t_call, "ticket_called", iso, _CALLED.format(**fields)))
        events.append((seq + 3, t_done, "ticket_finished", iso, _FINISHED.format(**fields)))
        tickets.append((next_id, iso, number, service, 0, "finished", t_issue, t_call, t_done,
                        window, None, 1, 0, seq + 1))
        seq += 3
        next_id += 1
    seq += 1
    next_day = (day + timedelta(days=1)).isoformat()
    close_at = datetime.combine(day + timedelta(days=1), config.hall.day_starts, tz)
    events.append((seq, close_at.isoformat(), "day_closed", iso, json.dumps(
        {"day": iso, "next_day": next_day, "closed": [], "reason": "day_end",
         "next_id": next_id})))
    with db.atomic():
        db.conn.executemany(
            "INSERT INTO events (seq, at, kind, day, data) VALUES (?, ?, ?, ?, ?)", events
        )
        db.conn.executemany(
            "INSERT INTO tickets (id, day, number, service, priority, status, issued_at,"
            " called_at, finished_at, window, booking, visits, recalls, issued_seq)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", tickets
        )
    return seq, next_id
