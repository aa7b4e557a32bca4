"""County benchmark: halls' histories shipped to PostgreSQL, live lag, county reports.

    python bench/county.py [--halls 10] [--days 30] [--per-day 300] [--live-s 20]
    python bench/county.py --halls 50 --days 90          # the full size of issue 20

Starts its own PostgreSQL cluster (Debian's server binaries, as the tests do), then:

1. **History**: one hall's ``days`` × ``per-day`` finished tickets (bench/history.py:
   issue, call, finish, day close), copied to ``halls`` hub databases, each shipped as
   its own hall by its own shipper thread (batches of 2,000); events/s until every hall
   is caught up, against a bulk ``COPY`` of the same rows into a table of the same
   shape (the reference: no per-event work in Python, one stream).
2. **Live**: ``halls`` fresh halls take tickets (a writer thread files each hall's
   scripted day through the ledger at ``rate`` events/s in all, nudging that hall's
   shipper as the hub does); lag from an event's commit in the hall to its row's
   insert in the county, p50/p99.
3. **Reports**: the county's figures (county_stats) of the last day and of the whole
   period, first run (each hall day computed from its events) and again (from
   ``county_day_figures``), and the documents of the period (PDF, XLSX, CSV).

Prints figures; asserts nothing (the machine is shared and noisy).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import psycopg  # noqa: E402

from bench.history import seed_history  # noqa: E402
from county import schema  # noqa: E402
from county.figures import county_stats  # noqa: E402
from county.report import write_county_report  # noqa: E402
from county.ship import Shipper  # noqa: E402
from hall.config import CountyLink  # noqa: E402
from ledger.store import Store, read_only  # noqa: E402
from tests.county.halls import hall_config, play_days  # noqa: E402
from tests.county.pg import Cluster, server_bin  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--halls", type=int, default=10)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--per-day", type=int, default=300, help="tickets per hall day")
    parser.add_argument("--live-s", type=float, default=20.0, help="seconds of live tickets")
    parser.add_argument("--rate", type=float, default=100.0, help="live events/s, all halls")
    args = parser.parse_args()
    bindir = server_bin()
    if bindir is None:
        sys.exit("PostgreSQL's server binaries are not installed (apt-get install postgresql)")
    work = Path(tempfile.mkdtemp(prefix="jiaohao-county-bench-"))
    cluster = Cluster(bindir)
    cluster.start()
    os.environ["PGPASSFILE"] = str(cluster.passfile)
    try:
        with psycopg.connect(cluster.superuser_url(), autocommit=True) as conn:
            conn.execute("CREATE DATABASE county")
        owner = cluster.superuser_url("county")
        schema.init(owner)
        print(f"PostgreSQL {bindir.parts[-2]}, {os.cpu_count()} cores; {args.halls} halls × "
              f"{args.days} days × {args.per_day} tickets/day")
        history(cluster, owner, work, args)
        live(cluster, owner, work, args)
        reports(owner, work, args)
    finally:
        cluster.destroy()
        shutil.rmtree(work, ignore_errors=True)


def link_for(cluster: Cluster, owner: str, hall_id: str, **options: float) -> CountyLink:
    role, password = schema.add_hall(owner, hall_id, name=f"{hall_id}便民服务中心")
    if password is not None:
        cluster.remember_password(role, password)
    return CountyLink(cluster.url(role, "county"), hall_id, int(options.get("batch", 2000)),
                      float(options.get("interval_s", 2.0)))


def history(cluster: Cluster, owner: str, work: Path, args: argparse.Namespace) -> None:
    config = hall_config()
    first = work / "hall-00.db"
    started = time.perf_counter()
    store = Store.open(str(first))
    seed_history(store.db, config, args.days * args.per_day, days=args.days, seed=1)
    store.close()
    events = read_only(first).execute("SELECT count(*) FROM events").fetchone()[0]
    for n in range(1, args.halls):
        shutil.copy(first, work / f"hall-{n:02d}.db")
    print(f"seeded {events:,} events a hall ({events * args.halls:,} in all) in "
          f"{time.perf_counter() - started:.1f} s")

    shippers = [Shipper(link_for(cluster, owner, f"h{n:02d}"), work / f"hall-{n:02d}.db",
                        config.public()) for n in range(args.halls)]
    started = time.perf_counter()
    for shipper in shippers:
        shipper.start()
    done = threading.Event()
    while not all(s.status().state == "caught_up" for s in shippers):
        done.wait(0.2)
    took = time.perf_counter() - started
    for shipper in shippers:
        shipper.stop()
    total = events * args.halls
    print(f"history shipped by {args.halls} shippers: {took:.1f} s, "
          f"{total / took:,.0f} events/s")

    with psycopg.connect(owner) as source, psycopg.connect(owner) as target:
        target.execute("CREATE TABLE reference_log (LIKE county_event_log INCLUDING ALL)")
        target.commit()
        started = time.perf_counter()
        with source.cursor().copy("COPY county_event_log TO STDOUT") as out, \
                target.cursor().copy("COPY reference_log FROM STDIN") as into:
            for block in out:
                into.write(block)
        target.commit()
        took = time.perf_counter() - started
        rows = target.execute("SELECT count(*) FROM reference_log").fetchone()
        assert rows is not None
        print(f"reference bulk COPY of the same {rows[0]:,} rows: {took:.1f} s, "
              f"{rows[0] / took:,.0f} rows/s")
        target.execute("DROP TABLE reference_log")
        target.commit()


def live(cluster: Cluster, owner: str, work: Path, args: argparse.Namespace) -> None:
    config = hall_config()
    halls = [f"live{n:02d}" for n in range(args.halls)]
    scripts = {h: play_days(config, days=1, seed=100 + i, tickets=400)
               for i, h in enumerate(halls)}
    shippers = {h: Shipper(link_for(cluster, owner, h), work / f"{h}.db", config.public())
                for h in halls}
    stores = {}
    for h in halls:
        stores[h] = Store.open(str(work / f"{h}.db"))
        stores[h].load_state()
    for shipper in shippers.values():
        shipper.start()
    written: dict[tuple[str, int], float] = {}
    gap = 1.0 / args.rate
    started = time.perf_counter()
    step = 0
    pause = threading.Event()
    while time.perf_counter() - started < args.live_s:
        hall = halls[step % len(halls)]
        index = step // len(halls)
        step += 1
        if index >= len(scripts[hall]):
            break
        event = scripts[hall][index]
        stores[hall].write([event])
        written[(hall, event.seq)] = time.time()
        shippers[hall].nudge()
        ahead = started + step * gap - time.perf_counter()
        if ahead > 0:
            pause.wait(ahead)
    while not all(shippers[h].status().shipped_seq == stores[h].last_seq() for h in halls):
        pause.wait(0.1)
    for shipper in shippers.values():
        shipper.stop()
    for store in stores.values():
        store.close()
    with psycopg.connect(owner) as conn:
        rows = conn.execute("SELECT hall_id, seq, extract(epoch FROM shipped_at)"
                            " FROM county_event_log WHERE hall_id LIKE 'live%%'").fetchall()
    lags = sorted((float(at) - written[(h, seq)]) * 1000 for h, seq, at in rows
                  if (h, seq) in written)
    p99 = lags[max(0, int(len(lags) * 0.99) - 1)]
    print(f"live: {len(lags):,} events from {len(halls)} halls at {args.rate:.0f} events/s; "
          f"lag event → county row p50 {statistics.median(lags):.1f} ms, p99 {p99:.1f} ms, "
          f"max {lags[-1]:.1f} ms")


def reports(owner: str, work: Path, args: argparse.Namespace) -> None:
    with psycopg.connect(owner) as conn:
        span = conn.execute("SELECT min(day), max(day) FROM county_event_log"
                            " WHERE hall_id LIKE 'h%%' AND day <> ''").fetchone()
        assert span is not None
        first = date.fromisoformat(span[0][:10])
        last = date.fromisoformat(span[1][:10])
        today = datetime.now(UTC).date() + timedelta(days=1)
        for label, start in (("one day", last), (f"{(last - first).days + 1} days", first)):
            for run in ("first", "again"):
                started = time.perf_counter()
                stats = county_stats(conn, start, last, today)
                took = time.perf_counter() - started
                print(f"county figures of {label} ({run}): {took:.2f} s "
                      f"({stats['county']['total']['issued']:,} tickets)")
        started = time.perf_counter()
        stats = county_stats(conn, first, last, today)["county"]
        write_county_report(stats, "县级汇总", work / "report")
        print(f"county report of the period, figures + PDF/XLSX/CSV: "
              f"{time.perf_counter() - started:.2f} s")


if __name__ == "__main__":
    main()
