"""The schema of the hub's database: every change to it, in order, as a named
migration (sqlite-utils records which ones a database has had, so each runs once).

Add a change as a new migration at the end; never edit one that has shipped. The
tables are described in ledger/store.py, which applies these when it opens a database.
"""

from __future__ import annotations

import json

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from ledger import push

MIGRATIONS = Migrations("jiaohao-hub")


@MIGRATIONS(name="0001_initial")
def _initial(db: Database) -> None:
    db.execute(
        "CREATE TABLE events (seq INTEGER PRIMARY KEY, at TEXT NOT NULL, kind TEXT NOT NULL,"
        " day TEXT NOT NULL, data TEXT NOT NULL)"
    )
    db.execute("CREATE INDEX events_kind_seq ON events (kind, seq)")
    db.execute(
        "CREATE TABLE tickets (id INTEGER PRIMARY KEY, day TEXT NOT NULL, number TEXT NOT NULL,"
        " service TEXT NOT NULL, priority INTEGER NOT NULL, status TEXT NOT NULL,"
        " issued_at TEXT NOT NULL, called_at TEXT, finished_at TEXT, window INTEGER,"
        " booking TEXT, visits INTEGER NOT NULL DEFAULT 0, recalls INTEGER NOT NULL DEFAULT 0,"
        " issued_seq INTEGER NOT NULL)"
    )
    db.execute("CREATE UNIQUE INDEX tickets_day_number ON tickets (day, number)")
    db.execute(
        "CREATE UNIQUE INDEX tickets_booking ON tickets (day, booking)"
        " WHERE booking IS NOT NULL"
    )
    db.execute(
        "CREATE TABLE ratings (seq INTEGER PRIMARY KEY, at TEXT NOT NULL, day TEXT NOT NULL,"
        " ticket_id INTEGER NOT NULL, number TEXT, window INTEGER NOT NULL, service TEXT,"
        " zone TEXT, staff TEXT, score INTEGER NOT NULL, points INTEGER, channel TEXT)"
    )
    db.execute("CREATE INDEX ratings_day ON ratings (day)")
    db.execute("CREATE INDEX ratings_ticket ON ratings (ticket_id)")
    db.execute(
        "CREATE TABLE attendance (seq INTEGER PRIMARY KEY, at TEXT NOT NULL, day TEXT NOT NULL,"
        " window INTEGER NOT NULL, staff TEXT NOT NULL, name TEXT, action TEXT NOT NULL)"
    )
    db.execute("CREATE INDEX attendance_day ON attendance (day)")
    db.execute(
        "CREATE TABLE windows (number INTEGER PRIMARY KEY, paused INTEGER NOT NULL DEFAULT 0,"
        " staff TEXT, staff_name TEXT)"
    )


@MIGRATIONS(name="0002_meta")
def _meta(db: Database) -> None:
    # The hub's own secrets (e.g. the key of ticket links), made on first start.
    db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value BLOB NOT NULL)")


@MIGRATIONS(name="0003_events_by_day")
def _events_by_day(db: Database) -> None:
    # Statistics and reports read the events of a range of days (ledger/stats.py).
    db.execute("CREATE INDEX events_day_seq ON events (day, seq)")


@MIGRATIONS(name="0004_cases")
def _cases(db: Database) -> None:
    # 差评 follow-up cases as they stand now (their history is the case_* events), and
    # which ratings were pushed to the provincial platform (jiaohao ratings export).
    db.execute("CREATE TABLE cases (id INTEGER PRIMARY KEY, state TEXT NOT NULL,"
               " deadline TEXT NOT NULL, data TEXT NOT NULL)")
    db.execute("CREATE TABLE pushed (seq INTEGER PRIMARY KEY, at TEXT NOT NULL)")


@MIGRATIONS(name="0005_push_outbox")
def _push_outbox(db: Database) -> None:
    # Ratings and 差评 case outcomes waiting to be pushed to the provincial platform
    # (ledger/push.py); the ratings recorded before it and not marked pushed join it.
    db.execute(push.SCHEMA)
    db.execute(push.INDEX)
    rows = db.execute(
        "SELECT r.seq, r.at, r.day, e.data FROM ratings r JOIN events e ON e.seq = r.seq"
        " WHERE r.seq NOT IN (SELECT seq FROM pushed) ORDER BY r.seq").fetchall()
    for seq, at, day, data in rows:
        push.add(db.conn, f"rating-{seq}", seq, "rating",
                 push.rating_body(at, day, json.loads(data)), at)
