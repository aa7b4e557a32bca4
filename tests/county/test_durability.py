"""The link under faults: a hub SIGKILLed in the middle of a batch, PostgreSQL stopped
in the middle of a transaction, a hall restored from yesterday's backup. Each batch is
held open at will: the test locks the county's event table, so the shipper's INSERT
waits inside its transaction until the fault is injected."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
import pytest

from county.ship import Diverged, Link, Shipper, ship_row
from hall.client import HubClient
from hall.config import CountyLink
from ledger.outbox import EventOutbox
from tests.conftest import TIMEOUT_S
from tests.county.conftest import County
from tests.county.halls import KIOSK_TOKEN, hall_config, hall_file, play_days, write_hall
from tests.county.test_shipping import _wait, ship_all

ROOT = Path(__file__).resolve().parents[2]


@contextmanager
def held_batches(county: County) -> Iterator[psycopg.Connection[Any]]:
    """While inside, every INSERT into the county's event log waits for a lock."""
    conn = psycopg.connect(county.owner_url)
    conn.execute("LOCK TABLE county_event_log IN SHARE ROW EXCLUSIVE MODE")
    try:
        yield conn
    finally:
        try:
            conn.rollback()
        except psycopg.OperationalError:
            pass  # the server was stopped while the lock was held
        conn.close()


def shipper_waiting(county: County, hall_id: str) -> bool:
    rows = county.query("SELECT wait_event_type FROM pg_stat_activity"
                        " WHERE application_name = %s", f"jiaohao-ship-{hall_id}")
    return any(r[0] == "Lock" for r in rows)


def county_rows(county: County, hall_id: str) -> list[tuple[Any, ...]]:
    return county.query("SELECT seq, at, kind, digest FROM county_event_log"
                        " WHERE hall_id = %s ORDER BY seq", hall_id)


def local_rows(db: Path, hall_id: str) -> list[tuple[Any, ...]]:
    outbox = EventOutbox(db)
    rows = [ship_row(hall_id, r) for r in outbox.after(0, 10**6)]
    outbox.close()
    return [(seq, at, kind, dg) for _, seq, at, _, kind, _, dg in rows]


def start_hub(db: Path, link: CountyLink) -> tuple[subprocess.Popen[bytes], int]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.county.run_hub", str(db), link.url, link.hall_id,
         str(link.batch)], cwd=ROOT, env=env, stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL)
    assert proc.stdout is not None
    line = proc.stdout.readline().decode()
    assert line.startswith("jiaohao hub listening on ws://"), line
    return proc, int(line.rsplit(":", 1)[1].strip().rstrip("/"))


async def take_ticket(port: int) -> int:
    """A kiosk takes a ticket; the hub's sequence number after it."""
    async with HubClient(f"ws://127.0.0.1:{port}", "kiosk-1", KIOSK_TOKEN) as kiosk:
        await kiosk.request("take_ticket", service="A")
        return kiosk.seq


def healthz(port: int) -> dict[str, Any]:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=TIMEOUT_S) as r:
        body: dict[str, Any] = json.loads(r.read())
    return body


@pytest.fixture
def hall_db(tmp_path: Path) -> Path:
    return hall_file(tmp_path, days=3, seed=11)


def test_a_hub_killed_mid_batch_loses_and_repeats_nothing(county: County,
                                                          hall_db: Path) -> None:
    link = county.add_hall("dongxiang", batch=40)
    proc, port = start_hub(hall_db, link)
    try:
        # The history shipped first (batches of 40, then the rest), so the batch held
        # below is the ticket's, whatever the pace: locking the table while the history
        # was still shipping raced the shipper, which on a busy machine could finish first.
        _wait(lambda: (healthz(port)["county"] or {}).get("state") == "caught_up",
              TIMEOUT_S * 3)
        with held_batches(county):
            before = county_rows(county, "dongxiang")
            asyncio.run(take_ticket(port))
            _wait(lambda: shipper_waiting(county, "dongxiang"), TIMEOUT_S * 3)
            # The hub works while its shipper is stuck: the queue never waits for it.
            assert healthz(port)["status"] == "ok"
            issued = asyncio.run(take_ticket(port))
            assert healthz(port)["seq"] >= issued
            proc.send_signal(signal.SIGKILL)
            proc.wait(TIMEOUT_S)
        # The killed batch was never committed: the county holds the batches before it,
        # and the hall's ledger the tickets it still has to ship.
        after = county_rows(county, "dongxiang")
        hall = local_rows(hall_db, "dongxiang")
        assert after == before == hall[:len(before)] and len(hall) > len(before)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    proc, port = start_hub(hall_db, link)
    try:
        _wait(lambda: (healthz(port)["county"] or {}).get("state") == "caught_up",
              TIMEOUT_S * 3)
        body = healthz(port)
        assert body["county"]["behind"] == 0 and body["county"]["last_error"] is None
        assert body["county"]["shipped_seq"] == body["seq"]
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(TIMEOUT_S) == 0
    assert county_rows(county, "dongxiang") == local_rows(hall_db, "dongxiang")


def test_postgresql_stopped_mid_transaction(county: County, hall_db: Path) -> None:
    link = county.add_hall("dongxiang", batch=60, interval_s=0.05)
    shipper = Shipper(link, hall_db)
    shipper.start()
    try:
        _wait(lambda: len(county_rows(county, "dongxiang")) >= 60, TIMEOUT_S * 3)
        with held_batches(county):
            _wait(lambda: shipper_waiting(county, "dongxiang"), TIMEOUT_S * 3)
            county.cluster.stop("immediate")  # a crash: the open transaction is lost
        _wait(lambda: shipper.status().state == "down")
        assert shipper.status().state == "down" and shipper.status().last_error
        county.cluster.start()
        _wait(lambda: shipper.status().state == "caught_up", TIMEOUT_S * 6)
    finally:
        shipper.stop()
    assert county_rows(county, "dongxiang") == local_rows(hall_db, "dongxiang")


def test_a_hall_restored_from_yesterdays_backup_is_detected(county: County,
                                                           tmp_path: Path) -> None:
    config = hall_config()
    events = play_days(config, days=2, seed=5)
    first_day = next(i for i, e in enumerate(events) if str(e.kind) == "day_closed") + 1
    backup = tmp_path / "yesterday.db"
    write_hall(backup, events[:first_day])
    live = tmp_path / "queue.db"
    write_hall(live, events)
    link_config = county.add_hall("dongxiang", batch=500)
    link = Link(link_config, EventOutbox(live))
    ship_all(link)
    link.close()
    shipped = county_rows(county, "dongxiang")
    assert len(shipped) == len(events)

    # The hall's disk died; yesterday's backup is put back: its log ends earlier.
    restored = tmp_path / "restored.db"
    backup.rename(restored)
    link = Link(link_config, EventOutbox(restored))
    with pytest.raises(Diverged, match=f"ends at {first_day}"):
        link.ship()
    link.close()

    # It kept working after the restore: the same sequence numbers, other events.
    later = [replace(e, at=(datetime.fromisoformat(e.at) + timedelta(seconds=7)).isoformat())
             for e in events[first_day:]]
    write_hall(restored, later)
    shipper = Shipper(link_config, restored)
    shipper.start()
    try:
        _wait(lambda: shipper.status().state == "diverged")
        assert "not the hall's event" in (shipper.status().last_error or "")
    finally:
        shipper.stop()
    assert county_rows(county, "dongxiang") == shipped  # nothing overwritten
    incidents = county.query("SELECT county_seq, hall_seq, detail FROM county_incidents")
    assert [(c, h) for c, h, _ in incidents] == [(len(events), len(events))]
    assert county.query("SELECT state FROM county_links") == [("diverged",)]


def test_a_restored_hall_ships_on_once_its_lost_events_are_set_aside(county: County,
                                                                    tmp_path: Path) -> None:
    """The technician's other way out of a divergence: the county's events after the
    restored log's end move aside (kept), and the hall ships its own from there on
    under the same id, so the county counts the hall once."""
    from county.figures import county_stats
    from jiaohao.cli import main
    from ledger.stats import stats_of_file

    config = hall_config()
    events = play_days(config, days=2, seed=5)
    first_day = next(i for i, e in enumerate(events) if str(e.kind) == "day_closed") + 1
    day_two = datetime.fromisoformat(events[-1].at).date()
    live, restored = tmp_path / "queue.db", tmp_path / "restored.db"
    write_hall(live, events)
    write_hall(restored, events[:first_day])
    link_config = county.add_hall("dongxiang", batch=500)
    link = Link(link_config, EventOutbox(live), config.public())
    ship_all(link)
    link.close()
    with psycopg.connect(county.owner_url) as conn:
        assert county_stats(conn, day_two, day_two, day_two)["halls"]["dongxiang"][
            "total"]["issued"] > 0
    link = Link(link_config, EventOutbox(restored))
    with pytest.raises(Diverged):
        link.ship()
    link.close()

    assert main(["county", "set-aside", "--url", county.owner_url, "--hall", "dongxiang",
                 "--after", str(first_day)]) == 0
    kept = county.query("SELECT seq, digest FROM county_event_log_set_aside ORDER BY seq")
    assert kept == [(s, d) for s, _, _, d in local_rows(live, "dongxiang")[first_day:]]
    with psycopg.connect(county.owner_url) as conn:  # day two's figures are gone too
        assert county_stats(conn, day_two, day_two, day_two)["halls"]["dongxiang"][
            "total"]["issued"] == 0

    # The hall went on after the restore: other events under the same numbers.
    later = [replace(e, at=(datetime.fromisoformat(e.at) + timedelta(seconds=7)).isoformat())
             for e in events[first_day:first_day + 60]]
    write_hall(restored, later)
    link = Link(link_config, EventOutbox(restored))
    ship_all(link)
    link.close()
    assert county_rows(county, "dongxiang") == local_rows(restored, "dongxiang")
    with psycopg.connect(county.owner_url) as conn:
        county_day = county_stats(conn, day_two, day_two, day_two)["halls"]["dongxiang"]
    assert county_day == stats_of_file(restored, config, day_two, day_two)
    assert main(["county", "set-aside", "--url", county.owner_url, "--hall", "nowhere",
                 "--after", "3"]) == 2


def test_events_shipped_under_older_privacy_rules_are_not_a_divergence(
    county: County, tmp_path: Path
) -> None:
    """An upgrade that keeps one more field in the hall (the phone comment did) changes
    what is shipped, hence the digest of events already in the county: the same event
    (its number, time and kind) is not a restored hall, and shipping goes on."""
    events = play_days(hall_config(), days=2, seed=5)
    first_day = next(i for i, e in enumerate(events) if str(e.kind) == "day_closed") + 1
    path = tmp_path / "queue.db"
    write_hall(path, events[:first_day])
    link_config = county.add_hall("dongxiang", batch=50)
    link = Link(link_config, EventOutbox(path))
    ship_all(link)
    # As an older jiaohao shipped them: other data, so other digests.
    county.query("UPDATE county_event_log SET data = data || '{\"comment\": \"x\"}',"
                 " digest = 'older' WHERE seq > %s RETURNING 1", first_day - 10)
    older = county_rows(county, "dongxiang")
    write_hall(path, events[first_day:])
    ship_all(link)
    link.close()
    rows = county_rows(county, "dongxiang")
    assert [r[0] for r in rows] == list(range(1, len(events) + 1))
    assert rows[:first_day] == older  # nothing already in the county is rewritten
    # A restored hall that went on (the same number, another time) still is one.
    restored = tmp_path / "restored.db"
    last = events[-1]
    moved = (datetime.fromisoformat(last.at) + timedelta(seconds=7)).isoformat()
    write_hall(restored, [*events[:-1], replace(last, at=moved)])
    link = Link(link_config, EventOutbox(restored))
    with pytest.raises(Diverged):
        link.ship()
    link.close()
