"""Report benchmark: statistics, documents and ticket history over months of a large hall.

    python bench/report.py [--days 90] [--per-day 2000]

Seeds a store with ``days`` × ``per-day`` finished tickets (bench/history.py), then
times, on that store: the ``stats`` figures of the whole period, the documents
`jiaohao report` writes for it (PDF, XLSX, CSV), one day's figures, and ticket history
lookups (电子监察) of random tickets. Prints figures; asserts nothing (the machine is
shared and noisy).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from sqlite_utils import Database  # noqa: E402

from bench.history import seed_history  # noqa: E402
from hall.config import load_config  # noqa: E402
from jiaohao.examples import example_path  # noqa: E402
from ledger.history import ticket_history  # noqa: E402
from ledger.stats import DayCache, day_partial, hall_stats  # noqa: E402
from report.cli import write_report  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--per-day", type=int, default=2000)
    args = parser.parse_args()
    with example_path("dongxiang.toml") as path:
        config = load_config(path)
    with tempfile.TemporaryDirectory() as folder:
        db = Database(Path(folder) / "queue.db")
        started = time.perf_counter()
        seed_history(db, config, args.days * args.per_day, days=args.days)
        seeded_s = time.perf_counter() - started
        first, last = (date.fromisoformat(str(v)) for v in db.execute(
            "SELECT min(day), max(day) FROM tickets").fetchone())
        events = db.execute("SELECT count(*) FROM events").fetchone()[0]
        print(f"store: {args.days} days × {args.per_day:,} tickets = "
              f"{args.days * args.per_day:,} tickets, {events:,} events "
              f"(seeded in {seeded_s:.0f} s)")

        started = time.perf_counter()
        hall_stats(db, config, first, last)
        uncached_s = time.perf_counter() - started
        print(f"stats over the {args.days} days, every event read:  {uncached_s:6.2f} s")
        cache = DayCache(str(Path(folder) / "queue.db-stats"))
        started = time.perf_counter()
        hall_stats(db, config, first, last, cache)
        filled_s = time.perf_counter() - started
        print(f"  the same, filling the day cache:            {filled_s:6.2f} s")
        started = time.perf_counter()
        stats = hall_stats(db, config, first, last, cache)
        period_s = time.perf_counter() - started
        assert stats["total"]["issued"] == args.days * args.per_day
        print(f"stats over the {args.days} days, closed days cached:  {period_s:6.2f} s   "
              "(target ≤ 5 s; the hub caches each day as it closes)")
        started = time.perf_counter()
        for label in [r[0] for r in db.execute("SELECT DISTINCT day FROM events")][:10]:
            day_partial(db, config, label)
        print(f"caching one closed day (as the hub does at day close): "
              f"{(time.perf_counter() - started) / 10 * 1000:.0f} ms")

        started = time.perf_counter()
        written = write_report(stats, config.hall.name, Path(folder) / "out")
        documents_s = time.perf_counter() - started
        pdf = next(p for p in written if p.suffix == ".pdf")
        print(f"PDF + XLSX + CSV of those figures:          {documents_s:6.2f} s   "
              f"(PDF {pdf.stat().st_size / 1024:.0f} KiB)")
        print(f"the whole period report (stats + documents): {period_s + documents_s:6.2f} s   "
              "(target ≤ 5 s)")

        started = time.perf_counter()
        hall_stats(db, config, last, last, cache)
        one_day_s = time.perf_counter() - started
        print(f"stats of one day:                            {one_day_s:6.3f} s")

        rng = random.Random(1)
        picks = db.execute("SELECT number, day FROM tickets ORDER BY random() LIMIT 200").fetchall()
        rng.shuffle(picks)
        times = []
        for number, day in picks:
            started = time.perf_counter()
            found = ticket_history(db, number, date.fromisoformat(day[:10]))
            times.append((time.perf_counter() - started) * 1000)
            assert found and found[0]["events"], (number, day)
        times.sort()
        print(f"ticket history lookup, 200 random tickets:   p50 {statistics.median(times):.1f} ms"
              f"  p99 {times[int(len(times) * 0.99) - 1]:.1f} ms   (target ≤ 50 ms)")


if __name__ == "__main__":
    main()
