"""The hall's ratings (好差评) for upward reporting, and which of them were pushed.

``jiaohao ratings export`` (report/ratings.py) reads them with :func:`ratings` and, with
``--mark-pushed``, records them with :func:`mark_pushed`: a short write into the hub's
database beside the hub's own (WAL and a busy timeout), into the ``pushed`` table.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlite_utils import Database

from ledger.stats import day_range

#: Fields of each rating, in the order exports show them.
COLUMNS = ("seq", "rated_at", "day", "number", "window", "service", "zone", "staff",
           "score", "points", "channel", "reason", "comment", "pushed", "pushed_at")


def ratings(db: Database, start: date, end: date,
            unpushed: bool = False) -> list[dict[str, Any]]:
    """The ratings of calendar dates ``start``..``end`` inclusive (every numbering
    session of them), oldest first; ``unpushed`` leaves out those marked pushed.
    Raises sqlite3.Error."""
    low, high = day_range(start, end)
    rows = db.execute(
        "SELECT r.seq, r.at, r.day, r.number, r.window, r.service, r.zone, r.staff, r.score,"
        " r.points, r.channel, json_extract(e.data, '$.reason'),"
        " json_extract(e.data, '$.comment'), p.at"
        " FROM ratings r JOIN events e ON e.seq = r.seq LEFT JOIN pushed p ON p.seq = r.seq"
        " WHERE r.day >= ? AND r.day < ? ORDER BY r.seq", (low, high)).fetchall()
    out = []
    for (seq, at, day, number, window, service, zone, staff, score, points, channel, reason,
         comment, pushed_at) in rows:
        if unpushed and pushed_at is not None:
            continue
        out.append(dict(zip(COLUMNS, (seq, at, day, number, window, service, zone, staff,
                                      score, points, channel, reason, comment,
                                      pushed_at is not None, pushed_at), strict=True)))
    return out


def mark_pushed(db: Database, seqs: Iterable[int], at: str) -> None:
    """Record the ratings ``seqs`` (their event sequence numbers) as pushed at ``at``,
    in one short transaction; a rating already marked keeps its first mark.
    Raises sqlite3.Error (nothing is marked)."""
    with db.conn:
        db.conn.executemany("INSERT OR IGNORE INTO pushed (seq, at) VALUES (?, ?)",
                            [(seq, at) for seq in seqs])
