"""The push outbox: every rating (好差评) and every 差评 case outcome, waiting to be sent
to the provincial platform (report/province.py sends them; docs/province.md).

The hub writes a record in the same transaction as the event it comes from (the
store's projections), so nothing rated is ever missing from the outbox. Each record
has an idempotency key (``rating-<seq>``, ``case-<id>-<seq>``) the platform sees with
every attempt, its facts (``body``, JSON), and its push status: ``pending`` (with the
attempts so far, the last error and when to try next) or ``sent``. Pure SQL over an
injected connection; the clock comes in as text.
"""

from __future__ import annotations

import json
from sqlite3 import Connection
from typing import Any

from sqlite_utils import Database

#: The outbox table (created by migration 0005).
SCHEMA = (
    "CREATE TABLE push_outbox (key TEXT PRIMARY KEY, seq INTEGER NOT NULL,"
    " kind TEXT NOT NULL, body TEXT NOT NULL, state TEXT NOT NULL DEFAULT 'pending',"
    " tries INTEGER NOT NULL DEFAULT 0, next_at TEXT NOT NULL DEFAULT '',"
    " last_error TEXT, sent_at TEXT, created_at TEXT NOT NULL)"
)
INDEX = "CREATE INDEX push_outbox_due ON push_outbox (state, next_at)"

#: Columns of the export of what failed (``jiaohao ratings failures``).
FAILURE_COLUMNS = ("key", "kind", "tries", "next_at", "last_error", "created_at", "body")


def rating_body(at: str, day: str, data: dict[str, Any]) -> dict[str, Any]:
    """The facts of a rating (a ``rating_recorded`` event's data, filed at ``at``)."""
    return {"rated_at": at, "day": day, "ticket_id": data.get("ticket_id"),
            "number": data.get("number"), "service": data.get("service"),
            "zone": data.get("zone"), "window": data.get("window"),
            "staff": data.get("staff"), "score": data.get("score"),
            "points": data.get("points"), "channel": data.get("channel"),
            "reason": data.get("reason"), "comment": data.get("comment")}


def case_body(at: str, case: dict[str, Any]) -> dict[str, Any]:
    """The facts of a case's outcome (整改完成 or 无法整改) as it stands at ``at``."""
    callbacks = case.get("callbacks") or []
    last = callbacks[-1] if callbacks else {}
    return {"handled_at": at, "case_id": case.get("id"), "ticket_id": case.get("ticket"),
            "number": case.get("number"), "day": case.get("day"),
            "window": case.get("window"), "staff": case.get("staff"),
            "score": case.get("score"), "reason": case.get("reason"),
            "outcome": case.get("state"), "callback_reached": last.get("reached"),
            "callback_satisfied": last.get("satisfied")}


def add(conn: Connection, key: str, seq: int, kind: str, body: dict[str, Any],
        at: str) -> None:
    """Put one record in the outbox (a key already there is left as it is)."""
    conn.execute(
        "INSERT OR IGNORE INTO push_outbox (key, seq, kind, body, created_at)"
        " VALUES (?, ?, ?, ?, ?)",
        (key, seq, kind, json.dumps(body, ensure_ascii=False), at))


def due(db: Database, now: str, limit: int) -> list[dict[str, Any]]:
    """Pending records whose next attempt is due at ``now``, oldest first."""
    rows = db.execute(
        "SELECT key, seq, kind, body, tries FROM push_outbox"
        " WHERE state = 'pending' AND next_at <= ? ORDER BY seq, key LIMIT ?",
        (now, limit)).fetchall()
    return [{"key": k, "seq": s, "kind": kind, "body": json.loads(b), "tries": t}
            for k, s, kind, b, t in rows]


def sent(db: Database, key: str, at: str) -> None:
    """Record ``key`` as accepted by the platform at ``at``."""
    with db.conn:
        db.conn.execute("UPDATE push_outbox SET state = 'sent', sent_at = ?, tries = tries + 1,"
                        " last_error = NULL WHERE key = ? AND state = 'pending'", (at, key))


def failed(db: Database, key: str, error: str, next_at: str) -> None:
    """Record a failed attempt of ``key``: tried again at ``next_at``."""
    with db.conn:
        db.conn.execute("UPDATE push_outbox SET tries = tries + 1, last_error = ?,"
                        " next_at = ? WHERE key = ? AND state = 'pending'",
                        (error[:500], next_at, key))


def status(db: Database) -> dict[str, Any]:
    """The outbox at a glance: records sent, pending, pending after a failure, the
    oldest pending record's time and the last error."""
    sent_n, pending, failing = db.execute(
        "SELECT count(*) FILTER (WHERE state = 'sent'),"
        " count(*) FILTER (WHERE state = 'pending'),"
        " count(*) FILTER (WHERE state = 'pending' AND tries > 0) FROM push_outbox").fetchone()
    oldest = db.execute("SELECT min(created_at) FROM push_outbox WHERE state = 'pending'"
                        ).fetchone()[0]
    last = db.execute("SELECT last_error FROM push_outbox WHERE state = 'pending'"
                      " AND last_error IS NOT NULL ORDER BY next_at DESC LIMIT 1").fetchone()
    return {"sent": sent_n or 0, "pending": pending or 0, "failing": failing or 0,
            "oldest_pending": oldest, "last_error": last[0] if last else None}


def failures(db: Database) -> list[dict[str, Any]]:
    """Every pending record that has failed at least once (the export of failures)."""
    rows = db.execute(
        "SELECT key, kind, tries, next_at, last_error, created_at, body FROM push_outbox"
        " WHERE state = 'pending' AND tries > 0 ORDER BY seq, key").fetchall()
    return [dict(zip(FAILURE_COLUMNS, r, strict=True)) for r in rows]
