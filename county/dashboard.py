"""What the county dashboard shows, read from the county database in one go: every
hall's link, today's figures per hall (the report's, county/figures.py), and the 差评
cases still open across halls."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import psycopg

from county.figures import county_stats


def snapshot(conn: psycopg.Connection[Any], today: date, now: datetime) -> dict[str, Any]:
    """``links`` (hall, name, state, shipped and hall seq, error, seconds since the
    shipper last reported), ``today`` (county_stats of ``today``: ``total``,
    ``by_hall``, ``cases_by_hall``) and ``cases`` (open ones, earliest deadline first).
    Raises psycopg.Error."""
    links = [
        {"hall_id": h, "name": n or h, "state": s or "starting", "shipped_seq": int(sh or 0),
         "hall_seq": int(hs or 0), "last_error": e, "age_s": None if a is None else float(a)}
        for h, n, s, sh, hs, e, a in conn.execute(
            "SELECT h.hall_id, h.name, l.state, l.shipped_seq, l.hall_seq, l.last_error,"
            " extract(epoch FROM %s::timestamptz - l.updated_at)"
            " FROM county_halls h LEFT JOIN county_links l USING (hall_id)"
            " ORDER BY h.hall_id", (now,)).fetchall()]
    figures = county_stats(conn, today, today, today)["county"]
    cases = [
        {"hall_id": h, "case": int(c), "state": s, "deadline": d.isoformat(), "day": day,
         "window": w, "staff": staff, "score": score, "number": number}
        for h, c, s, d, day, w, staff, score, number in conn.execute(
            "SELECT hall_id, case_id, state, deadline, day, window_number, staff, score,"
            " \"case\"->>'number' FROM county_cases WHERE state IN ('open', 'in_progress')"
            " ORDER BY deadline, hall_id, case_id").fetchall()]
    return {"links": links, "today": figures, "cases": cases}
