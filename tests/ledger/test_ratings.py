"""Ratings for upward reporting, and their pushed marks."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from ledger.ratings import mark_pushed, ratings
from ledger.store import Store, open_existing, read_only
from tests.hub.engine_helpers import hall
from tests.ledger.test_stats import SCRIPT, STAFF, play

DAY = date(2026, 11, 2)


def test_marks_leave_pushed_ratings_out_and_keep_their_first_time(tmp_path: Path) -> None:
    path = tmp_path / "queue.db"
    store = Store.open(str(path))
    store.write(play(hall(staff=STAFF), SCRIPT))  # A002 rated 5, then A001 rated 2
    store.close()
    reader = read_only(path)
    found = ratings(reader, DAY, DAY)
    assert [(r["number"], r["score"], r["staff"]) for r in found] == [
        ("A002", 5, "0101"), ("A001", 2, "0101")]
    assert not any(r["pushed"] for r in found)
    writer = open_existing(path, write=True)
    mark_pushed(writer, [found[0]["seq"]], "2026-11-02T18:00:00+08:00")
    mark_pushed(writer, [r["seq"] for r in found], "2026-11-03T18:00:00+08:00")
    writer.close()
    again = ratings(reader, DAY, DAY)
    assert [r["pushed_at"] for r in again] == [
        "2026-11-02T18:00:00+08:00", "2026-11-03T18:00:00+08:00"]
    assert ratings(reader, DAY, DAY, unpushed=True) == []
    assert ratings(reader, date(2026, 11, 3), date(2026, 11, 4)) == []
    reader.close()
