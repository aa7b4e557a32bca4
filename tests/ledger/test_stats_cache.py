"""The closed-day figures cache (ledger/stats.py DayCache): a cached closed day is
exactly what a fresh computation gives, whatever a day close committed meanwhile, and
`jiaohao report --rebuild-cache` computes the period's days anew."""

from __future__ import annotations

import asyncio
import sqlite3
import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlite_utils import Database

from hall.config import HallConfig
from ledger.queries import Reader
from ledger.stats import DayCache, hall_stats, stats_of_file
from ledger.store import Store, read_only
from tests.hub.engine_helpers import hall
from tests.ledger.test_stats import SCRIPT, STAFF, play

DAY = date(2026, 11, 2)


class Interleaved(Database):
    """A read-only connection that lets the hub commit after its ``after``-th query: the
    close of the day lands between two reads of a stats computation."""

    def __init__(self, path: str, after: int, commit: Callable[[], None]) -> None:
        self.after, self.commit, self.queries = after, commit, -1000
        super().__init__(sqlite3.connect(f"file:{path}?mode=ro", uri=True))
        self.queries = 0

    def execute(self, sql: str, parameters: Any = None) -> sqlite3.Cursor:
        cursor = super().execute(sql, parameters) if parameters is not None else \
            super().execute(sql)
        self.queries += 1
        if self.queries == self.after:
            self.commit()
        return cursor


def day_events(config: HallConfig) -> tuple[list[Any], list[Any]]:
    """The scripted day's events before its close, and the close's own."""
    every = play(config, SCRIPT)
    before = len(play(config, SCRIPT[:-1]))
    return every[:before], every[before:]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(after=st.integers(min_value=0, max_value=12), warm=st.booleans())
def test_a_cached_closed_day_is_what_a_fresh_computation_gives(after: int, warm: bool) -> None:
    """A stats request races the day's close: the close commits after any of its
    reads. Whatever the interleaving (and whether the hub then warms the cache, as it
    does after a close), what the cache gives afterwards is what the events give."""
    config = hall(staff=STAFF)
    head, close = day_events(config)
    with tempfile.TemporaryDirectory() as folder:
        path = str(Path(folder) / "queue.db")
        store = Store.open(path)
        store.write(head)
        written = []

        def commit_close() -> None:
            if not written:
                store.write(close)
                written.append(True)

        racing = Interleaved(path, after, commit_close)
        cache = DayCache(path + "-stats")
        hall_stats(racing, config, DAY, DAY, cache)
        commit_close()
        racing.conn.close()
        if warm:
            reader = Reader(config, path, process=False)
            asyncio.run(reader.warm(DAY.isoformat()))  # as the hub does after a close
            reader.close()
        fresh = hall_stats(read_only(path), config, DAY, DAY)
        assert fresh["total"]["closed_unfinished"] == 1
        assert hall_stats(read_only(path), config, DAY, DAY, cache) == fresh
        assert stats_of_file(path, config, DAY, DAY) == fresh
        cache.close()
        store.close()


def test_rebuild_cache_computes_the_days_anew(tmp_path: Path) -> None:
    """A cache entry that no longer matches (written by an older version, or by hand)
    is replaced by `jiaohao report --rebuild-cache`."""
    config = hall(staff=STAFF)
    path = str(tmp_path / "queue.db")
    store = Store.open(path)
    store.write(play(config, SCRIPT))
    store.close()
    fresh = stats_of_file(path, config, DAY, DAY)
    cache = DayCache(path + "-stats")
    assert cache._db is not None
    (data,) = cache._db.execute("SELECT data FROM day_figures").fetchone()
    cache._db.execute("UPDATE day_figures SET data = ?",
                      [data.replace('"closed_unfinished":1', '"closed_unfinished":1642')])
    cache._db.conn.commit()
    cache.close()
    assert stats_of_file(path, config, DAY, DAY) != fresh  # the entry is believed …
    assert stats_of_file(path, config, DAY, DAY, rebuild=True) == fresh  # … until rebuilt
    assert stats_of_file(path, config, DAY, DAY) == fresh
