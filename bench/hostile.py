"""Hostile-load benchmark: `call_next` round trips while the hub is under abuse, side
by side in one run.

    python bench/hostile.py [--calls 300] [--days 90] [--per-day 1000]

The hub runs in its own process under an open-files limit of 1024 (as in issue 22's
report), on a store seeded with ``days`` of history and its closed-day cache made
unusable (so every `stats` reads every event: the worst case). Four rows, each
``calls`` sequential `call_next` round trips from one terminal:

1. alone;
2. while an admin loops the whole period's `stats` request;
3. while 32 unauthenticated `/public/ws` sockets send tiny frames as fast as they can
   (reconnecting whenever they are cut off);
4. while 950 sockets from another address (127.0.0.2) trickle a request header byte by
   byte (reopened as soon as the hub closes them); a kiosk reconnecting from the hall's
   own address is timed too.

JIAOHAO_BENCH_HUB_ROOT=<another checkout> runs that checkout's hub (before/after
figures). Prints figures; asserts nothing (the machine is shared and noisy).
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import sqlite_utils
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.hub import call_latency, fill, hall_toml, pct  # noqa: E402
from hall.client import HubClient  # noqa: E402

HUB_ROOT = Path(os.environ.get("JIAOHAO_BENCH_HUB_ROOT") or ROOT)
OPEN_FILES = 1024
GUEST = "127.0.0.2"

SERVE = """
import asyncio, signal, sys
sys.path.insert(0, {root!r})
from hall.config import load_config
from hub.server import Hub

async def main():
    # The hall's own limits, but no request rate limit: the bench's fill is a flood.
    config = load_config({config!r})
    try:  # a hub with a settings dataclass
        import dataclasses
        from hub.admission import Limits
        from hub.settings import HubSettings
    except ImportError:  # an older hub (before), with keyword arguments
        hub = Hub(config, {db!r}, "127.0.0.1", 0, rate=None)
    else:
        from datetime import UTC, datetime
        limits = dataclasses.replace(Limits.from_config(config.connections), rate=None)
        hub = Hub(config, {db!r}, "127.0.0.1", 0, clock=lambda: datetime.now(UTC),
                  settings=HubSettings(limits=limits))
    await hub.start()
    print(hub.port, flush=True)
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    await stop.wait()
    await hub.stop()

asyncio.run(main())
"""


def small_limit() -> None:
    resource.setrlimit(resource.RLIMIT_NOFILE, (OPEN_FILES, OPEN_FILES))


class HubProcess:
    def __init__(self, config: Path, db: Path) -> None:
        code = SERVE.format(root=str(HUB_ROOT), config=str(config), db=str(db))
        self.proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, text=True,
                                     preexec_fn=small_limit)
        assert self.proc.stdout is not None
        self.port = int(self.proc.stdout.readline())
        self.url = f"ws://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=60)


def _run_load(factory: Callable[..., Callable[[asyncio.Event], Awaitable[str]]],
              args: tuple[object, ...], stop: Any, notes: Any) -> None:
    """In the load's own process: run it until ``stop`` is set, then report its note."""
    async def main() -> str:
        halt = asyncio.Event()
        task = asyncio.ensure_future(factory(*args)(halt))
        await asyncio.to_thread(stop.wait)
        halt.set()
        return await task

    notes.put(asyncio.run(main()))


async def under(factory: Callable[..., Callable[[asyncio.Event], Awaitable[str]]],
                args: tuple[object, ...], url: str, calls: int) -> tuple[list[float], str]:
    """``calls`` round trips while the load runs in a process of its own (the machine's
    other core, as an attacker's PC would be); the load's note."""
    context = multiprocessing.get_context("spawn")
    stop, notes = context.Event(), context.Queue()
    process = context.Process(target=_run_load, args=(factory, args, stop, notes))
    process.start()
    await asyncio.sleep(3.0)  # let the load reach its steady state
    try:
        times = await call_latency(url, calls)
    finally:
        stop.set()
    note = await asyncio.to_thread(notes.get, True, 120)
    process.join(30)
    return times, str(note)


def nothing() -> Callable[[asyncio.Event], Awaitable[str]]:
    async def load(stop: asyncio.Event) -> str:
        await stop.wait()
        return ""
    return load


def stats_loop(url: str, start: str, end: str) -> Callable[[asyncio.Event], Awaitable[str]]:
    async def load(stop: asyncio.Event) -> str:
        admin = HubClient(url, "admin-1", "admin-1-token", subscribe=False,
                          request_timeout_s=600.0)
        await admin.connect()
        answered, took = 0, []
        try:
            while not stop.is_set():
                started = time.perf_counter()
                await admin.request("stats", start=start, end=end)
                took.append(time.perf_counter() - started)
                answered += 1
        finally:
            await admin.close()
        mean = statistics.mean(took) if took else 0.0
        return f"{answered} stats of the period answered meanwhile ({mean:.1f} s each)"
    return load


def public_talkers(url: str, sockets: int = 32) -> Callable[[asyncio.Event], Awaitable[str]]:
    async def load(stop: asyncio.Event) -> str:
        sent = opened = 0

        async def talker() -> None:
            nonlocal sent, opened
            while not stop.is_set():
                try:
                    async with connect(f"{url}/public/ws?screen=1", open_timeout=5) as ws:
                        opened += 1
                        while not stop.is_set():
                            await ws.send("x" * 16)
                            sent += 1
                            if sent % 50 == 0:
                                await asyncio.sleep(0)
                except (ConnectionClosed, InvalidHandshake, OSError, TimeoutError):
                    await asyncio.sleep(0.05)

        await asyncio.gather(*(talker() for _ in range(sockets)))
        return f"{sent:,} frames sent on {opened:,} public sockets"
    return load


def tricklers(url: str, port: int, count: int = 950) -> Callable[[asyncio.Event], Awaitable[str]]:
    async def load(stop: asyncio.Event) -> str:
        held = opened = 0
        kiosk_s: list[float] = []

        async def trickle() -> None:
            nonlocal held, opened
            while not stop.is_set():
                try:
                    reader, writer = await asyncio.open_connection(
                        "127.0.0.1", port, local_addr=(GUEST, 0))
                except OSError:
                    await asyncio.sleep(0.05)
                    continue
                opened += 1
                held += 1
                try:
                    writer.write(b"GET / HTTP/1.1\r\n")
                    while not stop.is_set():
                        writer.write(b"X")
                        await writer.drain()
                        try:
                            if await asyncio.wait_for(reader.read(1), 1.0) == b"":
                                break  # closed by the hub
                        except TimeoutError:
                            continue
                except OSError:
                    pass
                finally:
                    held -= 1
                    writer.close()
                await asyncio.sleep(1.0)  # and open another, as a slowloris tool does

        async def kiosk_reconnects() -> None:
            while not stop.is_set():
                started = time.perf_counter()
                kiosk = HubClient(url, "kiosk-0", "kiosk-0-token", subscribe=False,
                                  backoff_s=(0.05, 0.5))
                try:
                    await kiosk.connect(timeout_s=30)
                    kiosk_s.append(time.perf_counter() - started)
                except Exception:
                    kiosk_s.append(float("inf"))
                finally:
                    await kiosk.close()
                await asyncio.sleep(0.5)

        tasks = [asyncio.ensure_future(trickle()) for _ in range(count)]
        await asyncio.sleep(0)
        await kiosk_reconnects()
        await asyncio.gather(*tasks)
        good = [s for s in kiosk_s if s != float("inf")]
        worst = max(kiosk_s) if kiosk_s else 0.0
        return (f"{opened:,} trickling sockets opened; a kiosk reconnect from the hall "
                f"took p50 {statistics.median(good) * 1000 if good else 0:.0f} ms, "
                f"max {worst * 1000:.0f} ms over {len(kiosk_s)} tries")
    return load


def seed(db_path: Path, config_path: Path, days: int, per_day: int) -> tuple[str, str]:
    from bench.history import seed_history
    from hall.config import load_config

    db = sqlite_utils.Database(db_path)
    seed_history(db, load_config(config_path), days * per_day, days=days)
    first, last = db.execute("SELECT min(day), max(day) FROM tickets").fetchone()
    db.close()
    return str(first)[:10], str(last)[:10]


async def run(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as folder:
        config = Path(folder) / "hall.toml"
        config.write_text(hall_toml(), encoding="utf-8")
        db = Path(folder) / "queue.db"
        started = time.perf_counter()
        first, last = seed(db, config, args.days, args.per_day)
        (Path(folder) / "queue.db-stats").mkdir()  # no day cache: every stats reads it all
        print(f"hub: {HUB_ROOT}; store seeded with {args.days} days × {args.per_day:,} "
              f"tickets in {time.perf_counter() - started:.0f} s; open-files limit "
              f"{OPEN_FILES}")
        hub = HubProcess(config, db)
        try:
            await fill(hub.url, args.calls * 4 + 50)
            rows: list[tuple[str, Callable[..., Any], tuple[object, ...]]] = [
                ("alone", nothing, ()),
                (f"admin looping stats of {args.days} days", stats_loop,
                 (hub.url, first, last)),
                ("32 public sockets talking", public_talkers, (hub.url,)),
                ("950 sockets trickling from one address", tricklers, (hub.url, hub.port)),
            ]
            print("\n| load | call_next p50 ms | p99 ms | max ms | meanwhile |")
            print("|---|---|---|---|---|")
            for name, factory, load_args in rows:
                times, note = await under(factory, load_args, hub.url, args.calls)
                print(f"| {name} | {pct(times, 50):.1f} | {pct(times, 99):.1f} | "
                      f"{max(times):.1f} | {note} |", flush=True)
        finally:
            hub.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--per-day", type=int, default=1000)
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
