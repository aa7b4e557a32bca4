"""Shipping a hall's event log to the county: everything arrives once, in order, without
personal data; a repeat is harmless; the county down for a while is caught up."""

from __future__ import annotations

import json
from pathlib import Path

import psycopg
import pytest

from county.ship import Link, Shipper
from ledger.outbox import EventOutbox
from tests.conftest import TIMEOUT_S
from tests.county.conftest import County
from tests.county.halls import hall_config, hall_file, play_days, write_hall


def ship_all(link: Link) -> int:
    total = 0
    while (sent := link.ship()) > 0:
        total += sent
    return total


@pytest.fixture
def hall_db(tmp_path: Path) -> Path:
    return hall_file(tmp_path, days=2, seed=7)


def test_every_event_arrives_once_in_order(county: County, hall_db: Path) -> None:
    link_config = county.add_hall("dongxiang", batch=100)
    outbox = EventOutbox(hall_db)
    last = outbox.last_seq()
    link = Link(link_config, outbox, hall_config().public())
    assert ship_all(link) == last
    rows = county.query("SELECT seq, kind FROM county_events WHERE hall_id = 'dongxiang'"
                        " ORDER BY seq")
    assert [r[0] for r in rows] == list(range(1, last + 1))
    local = outbox.after(0, last)
    assert [r[1] for r in rows] == [kind for _, _, kind, _, _ in local]
    # Shipping again (a restarted hub, a second shipper) adds nothing.
    assert ship_all(link) == 0
    link.close()
    again = Link(link_config, EventOutbox(hall_db))
    assert ship_all(again) == 0
    again.close()
    assert county.query("SELECT count(*) FROM county_event_log")[0][0] == last
    state = county.query("SELECT shipped_seq, hall_seq, state, hall_config->'hall'->>'name'"
                         " FROM county_links")
    assert state == [(last, last, "caught_up", "测试政务服务中心")]


def test_personal_fields_never_reach_the_county(county: County, hall_db: Path) -> None:
    stored = EventOutbox(hall_db).after(0, 100_000)
    texts = [data for *_, data in stored]
    assert any('"booking": "BK' in t or '"booking":"BK' in t for t in texts)
    assert any('"person"' in t for t in texts)
    link = Link(county.add_hall("dongxiang"), EventOutbox(hall_db))
    ship_all(link)
    link.close()
    found = county.query("SELECT data::text FROM county_event_log")
    dumped = "\n".join(str(r[0]) for r in found)
    assert '"booking"' not in dumped and '"person"' not in dumped and "BK1" not in dumped
    issued = county.query("SELECT count(*) FROM county_event_log WHERE kind = 'ticket_issued'"
                          " AND (data->'ticket'->>'booked')::boolean")[0][0]
    booked = sum(1 for t in texts if '"booking": "BK' in t)
    assert issued == booked > 0
    for text in texts:
        for key in json.loads(text):
            assert key != "person"


def test_the_shipper_catches_up_after_the_county_was_down(county: County, hall_db: Path,
                                                          tmp_path: Path) -> None:
    link = county.add_hall("dongxiang", batch=50, interval_s=0.05)
    county.cluster.stop()
    shipper = Shipper(link, hall_db)
    shipper.start()
    try:
        _wait(lambda: shipper.status().state == "down")
        assert shipper.status().last_error
        county.cluster.start()
        last = EventOutbox(hall_db).last_seq()
        _wait(lambda: shipper.status().state == "caught_up", timeout=TIMEOUT_S * 6)
        status = shipper.status()
        assert status.shipped_seq == last and status.behind == 0
        assert status.last_error is None
        assert county.query("SELECT count(*), max(seq) FROM county_event_log")[0] == (last, last)
    finally:
        shipper.stop()


def test_a_hall_cannot_write_another_halls_rows(county: County, hall_db: Path) -> None:
    mine = county.add_hall("dongxiang")
    county.add_hall("xixiang")
    with psycopg.connect(mine.url) as conn:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("INSERT INTO county_event_log (hall_id, seq, at, at_ts, day, kind,"
                         " data, digest) VALUES ('xixiang', 1, '2026-11-02T09:00:00+08:00',"
                         " now(), '2026-11-02', 'ticket_issued', '{}', 'x')")
        conn.rollback()
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("UPDATE county_links SET shipped_seq = 99 WHERE hall_id = 'xixiang'"
                         " RETURNING 1").fetchall()
            conn.execute("INSERT INTO county_links (hall_id) VALUES ('xixiang')")
        conn.rollback()
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("DELETE FROM county_event_log")
        conn.rollback()
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("SELECT * FROM county_halls")
    # A hall configured with another hall's id is refused before it ships anything.
    wrong = Link(type(mine)(mine.url, "xixiang"), EventOutbox(hall_db))
    with pytest.raises(Exception, match="ships 'dongxiang', not 'xixiang'"):
        wrong.ship()
    assert county.query("SELECT count(*) FROM county_event_log")[0][0] == 0
    assert county.query("SELECT shipped_seq FROM county_links WHERE hall_id = 'xixiang'") == [(0,)]


def _wait(condition: object, timeout: float = TIMEOUT_S) -> None:
    import threading

    done = threading.Event()
    for _ in range(int(timeout / 0.02)):
        if condition():  # type: ignore[operator]
            return
        done.wait(0.02)
    raise AssertionError("condition not met in time")


def test_halls_ship_when_the_database_is_closed_to_public(county: County,
                                                          hall_db: Path) -> None:
    """A technician who revokes PUBLIC's rights on the database (a common hardening)
    and runs init again keeps the halls shipping."""
    with psycopg.connect(county.owner_url, autocommit=True) as conn:
        conn.execute(f'REVOKE ALL ON DATABASE "{county.name}" FROM PUBLIC')
    from county.schema import init

    init(county.owner_url)
    link = Link(county.add_hall("dongxiang"), EventOutbox(hall_db))
    assert ship_all(link) > 0
    link.close()


def test_while_the_county_is_down_the_link_says_how_far_behind(county: County,
                                                               tmp_path: Path) -> None:
    """The hall goes on working while the county is down: /healthz's ``behind`` grows
    with every event the county has not got, it does not stay at 0."""
    events = play_days(hall_config(), days=2, seed=7)
    first_day = next(i for i, e in enumerate(events) if str(e.kind) == "day_closed") + 1
    path = tmp_path / "queue.db"
    write_hall(path, events[:first_day])
    shipper = Shipper(county.add_hall("dongxiang", interval_s=0.05), path)
    shipper.start()
    try:
        _wait(lambda: shipper.status().state == "caught_up", timeout=TIMEOUT_S * 3)
        assert shipper.status().shipped_seq == first_day
        county.cluster.stop()
        write_hall(path, events[first_day:])  # the next day, taken while the county is down
        _wait(lambda: shipper.status().state == "down"
              and shipper.status().behind == len(events) - first_day, timeout=TIMEOUT_S * 3)
        assert shipper.status().to_json()["shipped_seq"] == first_day
    finally:
        county.cluster.start()
        shipper.stop()
