"""The county's statistics: each hall day's figures computed from the shipped events with
the halls' own definitions (:class:`ledger.stats.Tally`, docs/supervision.md), kept in
``county_day_figures`` and added up per hall and for the county.

A hall day's figures are recomputed when more of its events arrived since (its
largest ``seq`` grew) or the definitions changed (``Tally``'s cache version); a closed
day is computed once. The SQL views (``county_day_summary`` …) give the headline
figures straight from the events for other tools; a test checks both against the halls'
own reports.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import psycopg

from hall.config import HallConfig, HallInfo
from ledger.stats import _KINDS as STAT_KINDS  # the event kinds statistics read
from ledger.stats import DayCache, Figures, Tally


@dataclass(frozen=True)
class Hall:
    hall_id: str
    name: str
    config: HallConfig


def halls(conn: psycopg.Connection[Any]) -> dict[str, Hall]:
    """Every registered hall with its config as its shipper last sent it (names of
    zones, services, windows; a bare config before it first shipped)."""
    out = {}
    rows = conn.execute("SELECT h.hall_id, h.name, l.hall_config FROM county_halls h"
                        " LEFT JOIN county_links l USING (hall_id) ORDER BY h.hall_id")
    for hall_id, name, public in rows.fetchall():
        config = None
        if public:
            try:
                config = HallConfig.from_public(public)
            except ValueError:
                config = None
        if config is None:
            config = HallConfig(HallInfo(name=name or hall_id), (), (), ())
        out[hall_id] = Hall(hall_id, name or config.hall.name or hall_id, config)
    return out


def _labels(start: date, end: date) -> tuple[str, str]:
    return start.isoformat(), (end + timedelta(days=1)).isoformat()


def refresh(conn: psycopg.Connection[Any], start: date, end: date,
            known: dict[str, Hall] | None = None) -> int:
    """Bring ``county_day_figures`` of calendar days ``start``..``end`` up to date; the
    number of hall days computed. Raises psycopg.Error."""
    known = known if known is not None else halls(conn)
    low, high = _labels(start, end)
    stale = conn.execute(
        "SELECT e.hall_id, e.day, e.upto, e.n FROM (SELECT hall_id, day, max(seq) AS upto,"
        " count(*) AS n FROM county_event_log WHERE day >= %s AND day < %s"
        " GROUP BY hall_id, day) e LEFT JOIN county_day_figures f"
        " ON f.hall_id = e.hall_id AND f.day = e.day"
        " WHERE f.hall_id IS NULL OR f.upto_seq <> e.upto OR f.version <> %s",
        (low, high, DayCache.VERSION)).fetchall()
    for hall_id, label, upto, count in stale:
        hall = known.get(hall_id)
        if hall is None:
            continue
        partial = day_partial(conn, hall, label)
        conn.execute(
            "INSERT INTO county_day_figures (hall_id, day, upto_seq, events, version, partial)"
            " VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (hall_id, day) DO UPDATE SET"
            " upto_seq = excluded.upto_seq, events = excluded.events,"
            " version = excluded.version, partial = excluded.partial, refreshed_at = now()",
            (hall_id, label, upto, count, DayCache.VERSION,
             json.dumps(partial, separators=(",", ":"))))
    conn.commit()
    return len(stale)


def day_partial(conn: psycopg.Connection[Any], hall: Hall, label: str) -> dict[str, Any]:
    """One hall day's partial figures from its shipped events, in order."""
    rows = conn.execute(
        "SELECT kind, at, data FROM county_event_log WHERE hall_id = %s AND day = %s"
        " AND kind = ANY(%s) ORDER BY seq", (hall.hall_id, label, list(STAT_KINDS)))
    tally = Tally(hall.config)
    add = tally.add_raw
    for kind, at, data in rows:
        add(kind, at, _as_stored(kind, data))
    return tally.partial()


def _as_stored(kind: str, data: dict[str, Any]) -> dict[str, Any]:
    # The county holds `booked: true` where the hall holds the booking code itself.
    if kind == "ticket_issued" and data["ticket"].get("booked"):
        return {**data, "ticket": {**data["ticket"], "booking": "booked"}}
    return data


def partials(conn: psycopg.Connection[Any], start: date,
             end: date) -> dict[str, list[dict[str, Any]]]:
    """Each hall's day partials of calendar days ``start``..``end`` (after
    :func:`refresh`)."""
    low, high = _labels(start, end)
    out: dict[str, list[dict[str, Any]]] = {}
    for hall_id, partial in conn.execute(
        "SELECT hall_id, partial FROM county_day_figures WHERE day >= %s AND day < %s"
        " ORDER BY hall_id, day", (low, high)).fetchall():
        out.setdefault(hall_id, []).append(partial)
    return out


def county_stats(conn: psycopg.Connection[Any], start: date, end: date,
                 as_of: date) -> dict[str, Any]:
    """The county's figures of calendar days ``start``..``end``: ``halls`` (each hall's
    own ``stats`` answer, as its `jiaohao report` gives it) and ``county`` (the
    report's shape: the county's total, by day, hour, zone and service — zones and
    services by name, see :func:`by_name` — one row per hall in ``by_hall``, and 差评
    cases per hall in ``cases_by_hall``, overdue as of ``as_of``). Refreshes the
    figures first. Raises psycopg.Error."""
    known = halls(conn)
    refresh(conn, start, end, known)
    found = partials(conn, start, end)
    first, last = start.isoformat(), end.isoformat()
    per_hall: dict[str, dict[str, Any]] = {}
    everything = Tally(HallConfig(HallInfo(name="county"), (), (), ()))
    for hall_id, hall in known.items():
        tally = Tally(hall.config)
        for partial in found.get(hall_id, []):
            tally.merge(partial)
            everything.merge(by_name(partial, hall.config))
        per_hall[hall_id] = tally.to_json(first, last)
    county = everything.to_json(first, last)
    for dimension in ("by_window", "by_clerk"):
        county.pop(dimension)  # window 3 of one hall is not window 3 of another
    county["by_hall"] = [{"key": hall_id, "name": known[hall_id].name, **stats["total"]}
                         for hall_id, stats in per_hall.items()]
    county["cases_by_hall"] = cases_by_hall(conn, start, end, as_of, known)
    return {"halls": per_hall, "county": county}


def by_name(partial: dict[str, Any], config: HallConfig) -> dict[str, Any]:
    """A hall day's partial with its zones and services keyed by their names: ids are
    each hall's own (service ``A`` of a village room is not service ``A`` of the
    county centre), so the county adds zones and services up by what they are called."""
    names = {"by_zone": {z.id: z.name for z in config.zones},
             "by_service": {s.id: s.name for s in config.services}}
    rows = dict(partial["rows"])
    for dimension, named in names.items():
        keyed: dict[str, Figures] = {}
        for key, dumped in partial["rows"].get(dimension, {}).items():
            keyed.setdefault(named.get(key) or key, Figures()).absorb(dumped)
        rows[dimension] = {name: figures.dump() for name, figures in keyed.items()}
    return {**partial, "rows": rows}


def cases_by_hall(conn: psycopg.Connection[Any], start: date, end: date, as_of: date,
                  known: dict[str, Hall]) -> list[dict[str, Any]]:
    """Per hall: 差评 cases opened in the period, cases open now (any day), and of
    those overdue as of ``as_of`` (past their deadline day, docs/supervision.md)."""
    rows = {r[0]: r[1:] for r in conn.execute(
        "SELECT hall_id,"
        " count(*) FILTER (WHERE split_part(day, '#', 1) BETWEEN %s AND %s),"
        " count(*) FILTER (WHERE state = 'open'),"
        " count(*) FILTER (WHERE state = 'in_progress'),"
        " count(*) FILTER (WHERE state IN ('open', 'in_progress') AND deadline < %s)"
        " FROM county_cases GROUP BY hall_id",
        (start.isoformat(), end.isoformat(), as_of)).fetchall()}
    out = []
    for hall_id, hall in known.items():
        opened, waiting, working, overdue = rows.get(hall_id, (0, 0, 0, 0))
        out.append({"key": hall_id, "name": hall.name, "opened": int(opened),
                    "open": int(waiting), "in_progress": int(working),
                    "overdue": int(overdue)})
    return out
