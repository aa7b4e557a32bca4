"""The hall's shipper: its event log, by sequence number, into the county database.

It runs on a thread of its own inside the hub (``jiaohao hub`` with ``[county]`` in the
hall config; ``jiaohao county ship`` runs the same loop beside a hub instead). The
queue never waits for it: it reads the hub's SQLite file through a connection of its
own (WAL), and the hub only *nudges* it after a write.

Where it stands is asked of the county itself (the hall's largest ``seq`` there), never
kept in the hall: a batch is one PostgreSQL transaction (COPY into a temporary table,
then ``INSERT … ON CONFLICT (hall_id, seq) DO NOTHING``), so a hub killed mid-batch or a
county that went down mid-transaction leaves either the whole batch or none of it,
and the next batch starts where the county's rows end. A backlog of days is read a
batch at a time. Before each batch the event at the county's position is compared
with the hall's own (a digest): a hall restored from an older backup, whose sequence
went back, is *diverged* — reported in ``county_incidents`` and on ``/healthz``, and
nothing is shipped (nor overwritten) until a technician decides (docs/county.md).
"""

from __future__ import annotations

import json
import logging
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg

from county import privacy
from county.schema import connect
from hall.config import CountyLink
from ledger.outbox import EventOutbox, Row

log = logging.getLogger(__name__)

_STAGE = (
    "CREATE TEMP TABLE IF NOT EXISTS county_stage (hall_id text, seq bigint, at text,"
    " day text, kind text, data jsonb, digest text) ON COMMIT DELETE ROWS"
)
_COPY = "COPY county_stage (hall_id, seq, at, day, kind, data, digest) FROM STDIN"
_INSERT = (
    "INSERT INTO county_event_log (hall_id, seq, at, at_ts, day, kind, data, digest)"
    " SELECT hall_id, seq, at, at::timestamptz, day, kind, data, digest FROM county_stage"
    " ON CONFLICT (hall_id, seq) DO NOTHING RETURNING seq"
)
_CLASH = (
    "SELECT s.seq FROM county_stage s JOIN county_event_log l"
    " ON l.hall_id = s.hall_id AND l.seq = s.seq WHERE l.digest <> s.digest"
    " ORDER BY s.seq LIMIT 1"
)
#: Longest pause between attempts while the county cannot be reached.
MAX_BACKOFF_S = 30.0
#: How often an idle hall's shipper still writes its link row (the county dashboard
#: calls a link silent for five minutes 无响应).
REPORT_EVERY_S = 30.0
#: How often a diverged hall looks again (a technician may have resolved it).
DIVERGED_RECHECK_S = 60.0


class Diverged(Exception):
    """The hall's log is not the one the county holds (restored from a backup)."""

    def __init__(self, county_seq: int, hall_seq: int, detail: str) -> None:
        super().__init__(detail)
        self.county_seq, self.hall_seq, self.detail = county_seq, hall_seq, detail


class NotRegistered(Exception):
    """The role the hall logs in as ships no hall, or another hall."""


def ship_row(hall_id: str, row: Row) -> tuple[str, int, str, str, str, str, str]:
    """One stored event as staged for the county: personal data removed, digested."""
    seq, at, kind, day, stored = row
    text = privacy.canonical(privacy.shipped(kind, json.loads(stored)))
    return hall_id, seq, at, day, kind, text, privacy.digest(seq, at, kind, text)


@dataclass(frozen=True)
class LinkStatus:
    """The link as ``/healthz`` and the supervisor show it."""

    state: str  # starting | shipping | caught_up | down | diverged
    shipped_seq: int | None  # None until the county answered once
    hall_seq: int
    last_error: str | None

    @property
    def behind(self) -> int | None:
        return None if self.shipped_seq is None else max(0, self.hall_seq - self.shipped_seq)

    def to_json(self) -> dict[str, Any]:
        return {"state": self.state, "shipped_seq": self.shipped_seq, "behind": self.behind,
                "last_error": self.last_error}


class Link:
    """One connection's worth of shipping: :meth:`ship` one batch at a time.

    Use from one thread. Raises psycopg.Error (the county is unreachable or refused),
    Diverged, NotRegistered, and what the outbox raises (sqlite3.Error)."""

    def __init__(self, link: CountyLink, outbox: EventOutbox,
                 hall_config: dict[str, Any] | None = None) -> None:
        self.link = link
        self.outbox = outbox
        self.hall_config = hall_config
        self.conn: psycopg.Connection[Any] | None = None
        self.shipped_seq: int | None = None

    def open(self) -> None:
        conn = connect(self.link.url, application_name=f"jiaohao-ship-{self.link.hall_id}")
        try:
            row = conn.execute("SELECT county_my_hall(), session_user").fetchone()
            mine, user = (row[0], row[1]) if row else (None, None)
            if mine != self.link.hall_id:
                raise NotRegistered(
                    f"the county role {user!r} ships {'no hall' if mine is None else mine!r},"
                    f" not {self.link.hall_id!r} (jiaohao county add-hall)")
            conn.execute(_STAGE)
            if self.hall_config is not None:
                conn.execute("UPDATE county_links SET hall_config = %s WHERE hall_id = %s",
                             (json.dumps(self.hall_config, ensure_ascii=False),
                              self.link.hall_id))
            conn.commit()
        except BaseException:
            conn.close()
            raise
        self.conn = conn

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def position(self) -> int:
        """The hall's last sequence number in the county, after checking that the
        hall's event there is the same one. Raises Diverged."""
        assert self.conn is not None
        hall_id = self.link.hall_id
        row = self.conn.execute(
            "SELECT seq, digest, at, kind FROM county_event_log WHERE hall_id = %s"
            " ORDER BY seq DESC LIMIT 1", (hall_id,)).fetchone()
        self.conn.commit()
        if row is None:
            return 0
        seq, county_digest, county_event = int(row[0]), str(row[1]), (row[2], row[3])
        local = self.outbox.at(seq)
        if local is None:
            last = self.outbox.last_seq()
            raise Diverged(seq, last, f"the county holds events up to {seq} but the hall's log"
                                      f" ends at {last}: restored from an older backup?")
        # The same event: the same digest, or (shipped by an older jiaohao that let
        # other fields leave the hall) the same time, to the microsecond, and kind.
        _, _, at, _, kind, _, digest = ship_row(hall_id, local)
        if digest != county_digest and (at, kind) != county_event:
            raise Diverged(seq, self.outbox.last_seq(),
                           f"event {seq} in the county is not the hall's event {seq}:"
                           " the hall's database was restored or replaced")
        return seq

    def ship(self, report: bool = True) -> int:
        """Ship one batch; the number of events sent (0: caught up). With nothing to
        ship and ``report`` False, the link row is left as it is (an idle hall reports
        only now and then)."""
        if self.conn is None:
            self.open()
        assert self.conn is not None
        position = self.position()
        self.shipped_seq = position
        rows = self.outbox.after(position, self.link.batch)
        hall_seq = max(self.outbox.last_seq(), rows[-1][0] if rows else 0)
        conn, hall_id = self.conn, self.link.hall_id
        if not rows and not report and hall_seq == position:
            return 0
        with conn.transaction():
            if rows:
                with conn.cursor().copy(_COPY) as copy:
                    for row in rows:
                        copy.write_row(ship_row(hall_id, row))
                added = len(conn.execute(_INSERT).fetchall())
                if added < len(rows):  # some were there already: the same events?
                    conn.execute("ANALYZE county_stage")  # join by the index, not a scan
                    clash = conn.execute(_CLASH).fetchone()
                    if clash is not None:  # rolled back: nothing of this batch stays
                        raise Diverged(int(clash[0]), hall_seq,
                                       f"event {clash[0]} in the county differs from the hall's")
            shipped = rows[-1][0] if rows else position
            conn.execute(
                "UPDATE county_links SET shipped_seq = %s, hall_seq = %s, state = %s,"
                " last_error = NULL, updated_at = now() WHERE hall_id = %s",
                (shipped, hall_seq, "shipping" if shipped < hall_seq else "caught_up", hall_id))
        self.shipped_seq = shipped
        return len(rows)

    def report(self, diverged: Diverged) -> None:
        """Record a divergence in the county (once per county position)."""
        assert self.conn is not None
        with self.conn.transaction():
            self.conn.execute(
                "INSERT INTO county_incidents (hall_id, county_seq, hall_seq, detail)"
                " VALUES (%s, %s, %s, %s) ON CONFLICT DO NOTHING",
                (self.link.hall_id, diverged.county_seq, diverged.hall_seq, diverged.detail))
            self.conn.execute(
                "UPDATE county_links SET state = 'diverged', last_error = %s,"
                " hall_seq = %s, updated_at = now() WHERE hall_id = %s",
                (diverged.detail, diverged.hall_seq, self.link.hall_id))


class Shipper:
    """The shipping loop on a daemon thread: :meth:`start`, :meth:`nudge` after the hub
    wrote, :meth:`status` any time, :meth:`stop`. It never raises to its owner: an
    error is logged, shown in :meth:`status` and retried with a growing pause."""

    def __init__(self, link: CountyLink, db_path: str | Path,
                 hall_config: dict[str, Any] | None = None) -> None:
        self.link = link
        self.db_path = Path(db_path)
        self.hall_config = hall_config
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._status = LinkStatus("starting", None, 0, None)
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self.run, name="jiaohao-county", daemon=True)
        self._thread.start()

    def nudge(self) -> None:
        """New events are stored: ship them now rather than at the next interval."""
        self._wake.set()

    def stop(self, timeout: float = 10.0) -> None:
        self._stopping.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def status(self) -> LinkStatus:
        with self._lock:
            return self._status

    def _set(self, state: str, link: Link | None, hall_seq: int | None = None,
             error: str | None = None) -> None:
        with self._lock:
            old = self._status
            shipped = link.shipped_seq if link is not None else None
            self._status = LinkStatus(
                state, shipped if shipped is not None else old.shipped_seq,
                hall_seq if hall_seq is not None else old.hall_seq, error)

    def _pause(self, seconds: float) -> None:
        self._wake.wait(seconds)
        self._wake.clear()

    def run(self) -> None:
        """The loop (the thread's body; tests may call it on a thread of their own)."""
        outbox: EventOutbox | None = None
        link: Link | None = None
        backoff = 0.5
        idle = 0  # loops with nothing to ship since the link row was last written
        report_every = max(1, round(REPORT_EVERY_S / self.link.interval_s))
        while not self._stopping.is_set():
            try:
                if outbox is None:
                    outbox = EventOutbox(self.db_path)
                if link is None:
                    link = Link(self.link, outbox, self.hall_config)
                sent = link.ship(report=idle % report_every == 0)
                idle = 0 if sent else idle + 1
                backoff = 0.5
                hall_seq = outbox.last_seq()
                shipped = link.shipped_seq or 0
                self._set("caught_up" if shipped >= hall_seq else "shipping", link, hall_seq)
                if sent < self.link.batch:
                    self._pause(self.link.interval_s)
            except Diverged as exc:
                log.error("county link of %s: %s", self.link.hall_id, exc.detail)
                try:
                    assert link is not None
                    link.report(exc)
                except Exception as again:
                    log.warning("county link: the divergence could not be recorded: %s", again)
                self._set("diverged", link, exc.hall_seq, exc.detail)
                self._stopping.wait(DIVERGED_RECHECK_S)  # nudges do not help here
            except Exception as exc:
                message = _describe(exc)
                old = self.status()
                if old.last_error != message:
                    log.warning("county link of %s down: %s", self.link.hall_id, message)
                if link is not None:
                    link.close()
                    link = None
                if outbox is not None and not isinstance(exc, psycopg.Error):
                    outbox.close()
                    outbox = None
                # The hall goes on working: how far behind the county is keeps growing.
                self._set("down", None, _last_seq(outbox), message)
                self._stopping.wait(backoff)  # nudges do not bring the county back
                backoff = min(backoff * 2, MAX_BACKOFF_S)
        if link is not None:
            link.close()
        if outbox is not None:
            outbox.close()


def _last_seq(outbox: EventOutbox | None) -> int | None:
    """The hall's last sequence number; None when its log cannot be read now."""
    if outbox is None:
        return None
    try:
        return outbox.last_seq()
    except Exception:  # the hall's own file failed too: the next attempt says why
        return None


def _describe(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    first = text[0] if text else ""
    return f"{type(exc).__name__}: {first}"[:300]
