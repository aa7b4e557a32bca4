"""The county database: its schema, migrated idempotently, and one role per hall.

Public contract (docs/county.md): the view ``county_events(hall_id, seq, at, kind,
data)`` — ``at`` the hall's ISO-8601 time as text, ``data`` jsonb without personal
data — stays as it is for other tools. Behind it:

  ``county_halls``      one row per hall: its id, name and the login role that ships it
  ``county_event_log``  every shipped event, keyed ``(hall_id, seq)``
  ``county_links``      each hall's shipper: shipped and hall sequence numbers, state
  ``county_incidents``  what a shipper found wrong (a hall restored from a backup …)
  ``county_day_figures`` per hall day, the statistics (county/figures.py)
  ``county_event_log_set_aside``  events a technician moved out of the log (set_aside)

Row-level security: a hall's role (a member of ``jiaohao_hall``) reads and adds only
rows of its own hall; ``jiaohao_county_reader`` reads everything (reports, dashboard).
Migrations are numbered; ``init`` applies the missing ones under an advisory lock, so
running it again, or from two places at once, is harmless.
"""

from __future__ import annotations

import re
import secrets
from typing import Any

import psycopg
from psycopg import sql

from hall.config.county import HALL_ID

#: The group role every hall's login role belongs to.
HALL_GROUP = "jiaohao_hall"
#: The group role of readers (county report, county dashboard).
READER_GROUP = "jiaohao_county_reader"
_LOCK = 0x6A69616F  # pg_advisory_xact_lock key of `init`

MIGRATIONS: tuple[str, ...] = (
    # 1: halls, the event log, links, incidents, figures
    """
    CREATE TABLE county_halls (
        hall_id text PRIMARY KEY,
        role name UNIQUE NOT NULL,
        name text NOT NULL DEFAULT '',
        added_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE TABLE county_event_log (
        hall_id text NOT NULL REFERENCES county_halls,
        seq bigint NOT NULL,
        at text NOT NULL,
        at_ts timestamptz NOT NULL,
        day text NOT NULL,
        kind text NOT NULL,
        data jsonb NOT NULL,
        digest text NOT NULL,
        shipped_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        PRIMARY KEY (hall_id, seq)
    );
    CREATE INDEX county_event_log_day ON county_event_log (day, hall_id, kind);
    CREATE TABLE county_links (
        hall_id text PRIMARY KEY REFERENCES county_halls,
        shipped_seq bigint NOT NULL DEFAULT 0,
        hall_seq bigint NOT NULL DEFAULT 0,
        state text NOT NULL DEFAULT 'registered',
        last_error text,
        hall_config jsonb,
        updated_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE TABLE county_incidents (
        id bigserial PRIMARY KEY,
        hall_id text NOT NULL REFERENCES county_halls,
        detected_at timestamptz NOT NULL DEFAULT now(),
        county_seq bigint NOT NULL,
        hall_seq bigint NOT NULL,
        detail text NOT NULL,
        UNIQUE (hall_id, county_seq)  -- one row per divergence, however long it lasts
    );
    CREATE TABLE county_day_figures (
        hall_id text NOT NULL REFERENCES county_halls,
        day text NOT NULL,
        upto_seq bigint NOT NULL,
        events bigint NOT NULL,
        version int NOT NULL,
        partial jsonb NOT NULL,
        refreshed_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (hall_id, day)
    );
    """,
    # 2: events a technician set aside (a hall restored from a backup), kept
    """
    CREATE TABLE county_event_log_set_aside (
        LIKE county_event_log,
        set_aside_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX county_event_log_set_aside_hall ON county_event_log_set_aside (hall_id, seq);
    """,
)

#: Recreated by every `init` (views and functions may change without a migration).
DEFINITIONS = """
CREATE OR REPLACE FUNCTION county_my_hall() RETURNS text
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
    AS $$ SELECT hall_id FROM public.county_halls WHERE role = session_user $$;

CREATE OR REPLACE VIEW county_events AS
    SELECT hall_id, seq, at, kind, data FROM county_event_log;

-- Tickets of each hall day: issued (service as issued), first call, booked.
CREATE OR REPLACE VIEW county_tickets AS
    SELECT i.hall_id, split_part(i.day, '#', 1) AS day,
           (i.data->'ticket'->>'id')::bigint AS ticket_id,
           i.data->'ticket'->>'service' AS service,
           (i.data->'ticket'->>'issued_at')::timestamptz AS issued_at,
           coalesce((i.data->'ticket'->>'booked')::boolean, false) AS booked,
           c.at_ts AS first_called_at,
           (c.data->>'window')::int AS first_window,
           extract(epoch FROM c.at_ts - (i.data->'ticket'->>'issued_at')::timestamptz)
               AS wait_s
    FROM county_event_log i
    LEFT JOIN LATERAL (
        SELECT e.at_ts, e.data FROM county_event_log e
        WHERE e.hall_id = i.hall_id AND e.seq > i.seq AND e.day = i.day
          AND e.kind = 'ticket_called'
          AND (e.data->'ticket'->>'id')::bigint = (i.data->'ticket'->>'id')::bigint
          AND coalesce((e.data->>'recall')::int, 0) = 0
        ORDER BY e.seq LIMIT 1) c ON true
    WHERE i.kind = 'ticket_issued';

-- Per hall and calendar day: the figures every hall's own report gives (docs/county.md).
CREATE OR REPLACE VIEW county_day_summary AS
    WITH ev AS (
        SELECT hall_id, split_part(day, '#', 1) AS day, kind, data FROM county_event_log
        WHERE kind IN ('ticket_issued', 'ticket_called', 'ticket_finished',
                       'ticket_skipped', 'ticket_transferred', 'rating_recorded',
                       'case_opened')),
    counts AS (
        SELECT hall_id, day,
            count(*) FILTER (WHERE kind = 'ticket_issued') AS issued,
            count(*) FILTER (WHERE kind = 'ticket_issued'
                             AND (data->'ticket'->>'booked')::boolean) AS bookings_kept,
            count(*) FILTER (WHERE kind = 'ticket_called'
                             AND coalesce((data->>'recall')::int, 0) = 0) AS called,
            count(*) FILTER (WHERE kind = 'ticket_called'
                             AND coalesce((data->>'recall')::int, 0) > 0) AS recalled,
            count(*) FILTER (WHERE kind = 'ticket_finished') AS finished,
            count(*) FILTER (WHERE kind = 'ticket_skipped') AS skipped,
            count(*) FILTER (WHERE kind = 'ticket_transferred') AS transferred,
            count(*) FILTER (WHERE kind = 'rating_recorded') AS ratings,
            count(*) FILTER (WHERE kind = 'rating_recorded'
                             AND (data->>'score')::int >= 3) AS satisfied,
            count(*) FILTER (WHERE kind = 'rating_recorded'
                             AND (data->>'score')::int <= 2) AS bad_ratings,
            count(*) FILTER (WHERE kind = 'case_opened') AS cases_opened
        FROM ev GROUP BY hall_id, day),
    waits AS (
        SELECT hall_id, day, avg(wait_s) AS wait_mean,
               percentile_cont(0.5) WITHIN GROUP (ORDER BY wait_s) AS wait_median,
               percentile_disc(0.9) WITHIN GROUP (ORDER BY wait_s) AS wait_p90,
               max(wait_s) AS wait_max
        FROM county_tickets WHERE wait_s IS NOT NULL GROUP BY hall_id, day)
    SELECT c.*, w.wait_mean, w.wait_median, w.wait_p90, w.wait_max,
           CASE WHEN c.ratings > 0 THEN c.satisfied::float8 / c.ratings END
               AS satisfaction
    FROM counts c LEFT JOIN waits w USING (hall_id, day);

-- The refreshed figures (county/figures.py) row by row: per hall, hall day, dimension
-- (by_day, by_hour, by_zone, by_service, by_window, by_clerk) and key; a day numbered
-- twice (2026-11-20#2) has a row per numbering session: sum them.
CREATE OR REPLACE VIEW county_figures AS
    SELECT f.hall_id, split_part(f.day, '#', 1) AS day, f.day AS session,
           d.key AS dimension, r.key AS key,
           coalesce((r.value->0->>'issued')::int, 0) AS issued,
           coalesce((r.value->0->>'called')::int, 0) AS called,
           coalesce((r.value->0->>'recalled')::int, 0) AS recalled,
           coalesce((r.value->0->>'finished')::int, 0) AS finished,
           coalesce((r.value->0->>'skipped')::int, 0) AS skipped,
           coalesce((r.value->0->>'transferred')::int, 0) AS transferred,
           coalesce((r.value->0->>'closed_unfinished')::int, 0) AS closed_unfinished,
           coalesce((r.value->0->>'bookings_kept')::int, 0) AS bookings_kept,
           jsonb_array_length(r.value->1) AS waited,
           (SELECT avg(w::float8) FROM jsonb_array_elements_text(r.value->1) w) AS wait_mean,
           (SELECT percentile_disc(0.9) WITHIN GROUP (ORDER BY w::float8)
              FROM jsonb_array_elements_text(r.value->1) w) AS wait_p90,
           (SELECT max(w::float8) FROM jsonb_array_elements_text(r.value->1) w) AS wait_max,
           (SELECT avg(s::float8) FROM jsonb_array_elements_text(r.value->2) s)
               AS service_mean,
           coalesce((r.value->3->>'1')::int, 0) AS rated_1,
           coalesce((r.value->3->>'2')::int, 0) AS rated_2,
           coalesce((r.value->3->>'3')::int, 0) AS rated_3,
           coalesce((r.value->3->>'4')::int, 0) AS rated_4,
           coalesce((r.value->3->>'5')::int, 0) AS rated_5
    FROM county_day_figures f,
         LATERAL jsonb_each(f.partial->'rows') d,
         LATERAL jsonb_each(d.value) r;

-- Every 差评 case as it stands now (its latest event), with the hall it belongs to.
CREATE OR REPLACE VIEW county_cases AS
    SELECT DISTINCT ON (hall_id, (data->'case'->>'id')::bigint)
           hall_id, (data->'case'->>'id')::bigint AS case_id,
           data->'case'->>'state' AS state,
           (data->'case'->>'deadline')::date AS deadline,
           data->'case'->>'day' AS day,
           (data->'case'->>'window')::int AS window_number,
           data->'case'->>'staff' AS staff,
           (data->'case'->>'score')::int AS score,
           data->'case' AS "case", seq
    FROM county_event_log WHERE kind IN ('case_opened', 'case_updated')
    ORDER BY hall_id, (data->'case'->>'id')::bigint, seq DESC;

ALTER TABLE county_event_log ENABLE ROW LEVEL SECURITY;
ALTER TABLE county_links ENABLE ROW LEVEL SECURITY;
ALTER TABLE county_incidents ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS own_hall ON county_event_log;
CREATE POLICY own_hall ON county_event_log TO jiaohao_hall
    USING (hall_id = county_my_hall()) WITH CHECK (hall_id = county_my_hall());
DROP POLICY IF EXISTS own_hall ON county_links;
CREATE POLICY own_hall ON county_links TO jiaohao_hall
    USING (hall_id = county_my_hall()) WITH CHECK (hall_id = county_my_hall());
DROP POLICY IF EXISTS own_hall ON county_incidents;
CREATE POLICY own_hall ON county_incidents TO jiaohao_hall
    USING (hall_id = county_my_hall()) WITH CHECK (hall_id = county_my_hall());
DROP POLICY IF EXISTS read_all ON county_event_log;
CREATE POLICY read_all ON county_event_log FOR SELECT TO jiaohao_county_reader USING (true);
DROP POLICY IF EXISTS read_all ON county_links;
CREATE POLICY read_all ON county_links FOR SELECT TO jiaohao_county_reader USING (true);
DROP POLICY IF EXISTS read_all ON county_incidents;
CREATE POLICY read_all ON county_incidents FOR SELECT TO jiaohao_county_reader USING (true);

REVOKE ALL ON county_halls, county_event_log, county_links, county_incidents,
    county_day_figures, county_event_log_set_aside FROM PUBLIC;
GRANT SELECT, INSERT ON county_event_log TO jiaohao_hall;
GRANT SELECT, INSERT, UPDATE ON county_links TO jiaohao_hall;
GRANT SELECT, INSERT ON county_incidents TO jiaohao_hall;
GRANT USAGE ON SEQUENCE county_incidents_id_seq TO jiaohao_hall;
GRANT EXECUTE ON FUNCTION county_my_hall() TO jiaohao_hall;
-- Explicitly, in case PUBLIC's defaults were revoked: halls stage each batch in a
-- temporary table.
DO $$ BEGIN
    EXECUTE format('GRANT CONNECT, TEMPORARY ON DATABASE %I TO jiaohao_hall',
                   current_database());
    EXECUTE format('GRANT CONNECT ON DATABASE %I TO jiaohao_county_reader',
                   current_database());
END $$;
-- Readers refresh the figures they read (a cache of what the events say).
GRANT INSERT, UPDATE ON county_day_figures TO jiaohao_county_reader;
GRANT SELECT ON county_halls, county_event_log, county_links, county_incidents,
    county_day_figures, county_event_log_set_aside, county_events, county_tickets,
    county_day_summary, county_cases, county_figures TO jiaohao_county_reader;
"""


class CountyError(Exception):
    """A county operation that cannot be done (its message says why and what to do)."""


def connect(url: str, **options: Any) -> psycopg.Connection[Any]:
    """A connection to the county database; libpq finds the password (never in
    ``url``: PGPASSFILE, a service file or PGPASSWORD). Raises psycopg.Error."""
    return psycopg.connect(url, connect_timeout=10, keepalives=1, keepalives_idle=30,
                           keepalives_interval=10, keepalives_count=3, **options)


def init(url: str) -> int:
    """Create or migrate the county schema at ``url``; the schema version now.

    Run by the county's owner (the database owner or a superuser). Raises
    psycopg.Error."""
    with connect(url) as conn, conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (_LOCK,))
        for group in (HALL_GROUP, READER_GROUP):
            exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s",
                                  (group,)).fetchone()
            if exists is None:
                conn.execute(sql.SQL("CREATE ROLE {} NOLOGIN").format(sql.Identifier(group)))
        conn.execute("CREATE TABLE IF NOT EXISTS county_schema (version int NOT NULL)")
        row = conn.execute("SELECT max(version) FROM county_schema").fetchone()
        version = int(row[0] or 0) if row else 0
        for number, statements in enumerate(MIGRATIONS, start=1):
            if number > version:
                conn.execute(statements)
                conn.execute("INSERT INTO county_schema (version) VALUES (%s)", (number,))
        conn.execute(DEFINITIONS)
        return len(MIGRATIONS)


def add_hall(url: str, hall_id: str, name: str = "", role: str | None = None,
             password: str | None = None) -> tuple[str, str | None]:
    """Register hall ``hall_id`` with a login role (``hall_<id>`` unless named) that can
    add only that hall's rows. A new role gets ``password`` (a random one when None);
    an existing hall keeps its role. Returns (role, the new password or None).

    Raises:
        CountyError: a bad hall id or role name, or the hall is registered with
            another role.
        psycopg.Error: the database refused (e.g. not run by the county's owner).
    """
    if not HALL_ID.match(hall_id):
        raise CountyError(f"hall id {hall_id!r}: 1-40 lower-case letters, digits or _")
    role = role or f"hall_{hall_id}"
    if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", role):
        raise CountyError(f"role {role!r}: lower-case letters, digits or _")
    with connect(url) as conn, conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (_LOCK,))
        known = conn.execute("SELECT role FROM county_halls WHERE hall_id = %s",
                             (hall_id,)).fetchone()
        if known is not None and known[0] != role:
            raise CountyError(f"hall {hall_id!r} ships as role {known[0]!r} already")
        new_password = None
        exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,)).fetchone()
        if exists is None:
            new_password = password or secrets.token_urlsafe(24)
            conn.execute(sql.SQL("CREATE ROLE {} LOGIN PASSWORD {} IN ROLE {}").format(
                sql.Identifier(role), sql.Literal(new_password), sql.Identifier(HALL_GROUP)))
        else:
            conn.execute(sql.SQL("GRANT {} TO {}").format(sql.Identifier(HALL_GROUP),
                                                          sql.Identifier(role)))
        conn.execute(
            "INSERT INTO county_halls (hall_id, role, name) VALUES (%s, %s, %s)"
            " ON CONFLICT (hall_id) DO UPDATE SET name = CASE WHEN excluded.name = ''"
            " THEN county_halls.name ELSE excluded.name END", (hall_id, role, name))
        conn.execute("INSERT INTO county_links (hall_id) VALUES (%s) ON CONFLICT DO NOTHING",
                     (hall_id,))
        return role, new_password


def add_reader(url: str, role: str, password: str | None = None) -> str | None:
    """A login role that reads everything (reports, dashboard); its new password, or
    None when the role existed. Raises CountyError, psycopg.Error."""
    if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", role):
        raise CountyError(f"role {role!r}: lower-case letters, digits or _")
    with connect(url) as conn, conn.transaction():
        exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,)).fetchone()
        new_password = None
        if exists is None:
            new_password = password or secrets.token_urlsafe(24)
            conn.execute(sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(
                sql.Identifier(role), sql.Literal(new_password)))
        conn.execute(sql.SQL("GRANT {} TO {}").format(sql.Identifier(READER_GROUP),
                                                      sql.Identifier(role)))
        return new_password


def set_aside(url: str, hall_id: str, after: int) -> int:
    """Move the county's events of ``hall_id`` after sequence number ``after`` out of
    the log into ``county_event_log_set_aside`` (kept there; jiaohao never deletes
    them), so that a hall restored from a backup whose log ends at ``after`` ships its
    own events from there on under its own id. The hall's figures of the days touched
    are computed again. Returns the number of events moved.

    Raises:
        CountyError: no such hall, or ``after`` is negative.
        psycopg.Error: the database refused (e.g. not run by the county's owner).
    """
    if after < 0:
        raise CountyError(f"--after {after}: a sequence number, 0 or more")
    with connect(url) as conn, conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (_LOCK,))
        if conn.execute("SELECT 1 FROM county_halls WHERE hall_id = %s",
                        (hall_id,)).fetchone() is None:
            raise CountyError(f"no hall {hall_id!r} in the county (jiaohao county status)")
        conn.execute("LOCK TABLE county_event_log IN SHARE ROW EXCLUSIVE MODE")  # no batch now
        columns = "hall_id, seq, at, at_ts, day, kind, data, digest, shipped_at"
        moved = conn.execute(
            f"WITH gone AS (DELETE FROM county_event_log WHERE hall_id = %s AND seq > %s"
            f" RETURNING {columns}) INSERT INTO county_event_log_set_aside ({columns})"
            f" SELECT {columns} FROM gone", (hall_id, after)).rowcount
        conn.execute("DELETE FROM county_day_figures WHERE hall_id = %s AND upto_seq > %s",
                     (hall_id, after))
        conn.execute("UPDATE county_links SET shipped_seq = least(shipped_seq, %s),"
                     " updated_at = now() WHERE hall_id = %s", (after, hall_id))
        return int(moved)
