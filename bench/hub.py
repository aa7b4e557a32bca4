"""Hub benchmark: prints figures from one run, with raw SQLite as the reference.

    python bench/hub.py [--quick] [--history 1000000]
    JIAOHAO_BENCH_HUB_ROOT=<old checkout> python bench/hub.py --compare [--quick] [--rounds 5]

The hub runs in its own process (as in a hall), the load in this one; on a 2-core
machine that gives each one core. Figures go to docs/benchmarks.md by hand.
Nothing here is asserted: the machine is shared and noisy, so compare ratios of
figures measured in the same run.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import psutil
import sqlite_utils
from websockets.asyncio.client import ClientConnection, connect

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hall.client import HubClient  # noqa: E402
from hall.errors import RequestFailed  # noqa: E402

WINDOWS = 60
KIOSKS = 50
DISPLAYS = 500
#: Tickets each hub holds for the before/after fan-out (--compare).
FAN_OUT_WAITING = 10_000


def hall_toml() -> str:
    """A bench hall: one service with no caps or hours, 60 windows, many devices."""
    lines = [
        '[hall]\nname = "基准测试大厅"\ntimezone = "Asia/Shanghai"\nday_starts = "00:00"\n',
        '[[zone]]\nid = "z"\nname = "综合区"\n',
        '[[service]]\nid = "A"\nname = "综合受理"\nzone = "z"\n',
    ]
    for n in range(1, WINDOWS + 1):
        lines.append(f'[[window]]\nnumber = {n}\nservices = ["A"]\n')
        lines.append(f'[[device]]\nid = "caller-{n}"\nrole = "caller"\n'
                     f'token = "caller-{n}-token"\nwindow = {n}\n')
    for k in range(KIOSKS):
        lines.append(f'[[device]]\nid = "kiosk-{k}"\nrole = "kiosk"\ntoken = "kiosk-{k}-token"\n')
    for d in range(DISPLAYS):
        lines.append(f'[[device]]\nid = "display-{d}"\nrole = "display"\n'
                     f'token = "display-{d}-token"\n')
    lines.append('[[device]]\nid = "admin-1"\nrole = "admin"\ntoken = "admin-1-token"\n')
    return "\n".join(lines)


SERVE = """
import asyncio, os, signal, sys
from datetime import UTC, datetime
sys.path.insert(0, {root!r})
from hall.config import load_config
from hub.server import Hub

async def main():
    import dataclasses, inspect
    options = dict(clock=lambda: datetime.now(UTC), rate=None, ping_interval_s=None,
                   ping_timeout_s=None, max_connections=100_000, max_per_address=100_000,
                   per_device=100_000,
                   opening_per_address=100_000)  # the bench is one address
    config = load_config({config!r})
    # (asked of the checkout, not of the import system: an editable install of another
    # checkout would answer for a module this one lacks)
    if not os.path.exists(os.path.join({root!r}, "hub", "settings.py")):
        # an older hub (before/after), with keyword arguments
        known = inspect.signature(Hub).parameters
        hub = Hub(config, {db!r}, "127.0.0.1", 0,
                  **{{k: v for k, v in options.items() if k in known}})
    else:  # a hub with a settings dataclass
        from hub.admission import Limits
        from hub.settings import HubSettings
        limits = {{f.name for f in dataclasses.fields(Limits)}}
        knobs = {{f.name for f in dataclasses.fields(HubSettings)}}
        settings = HubSettings(
            limits=Limits(**{{k: v for k, v in options.items() if k in limits}}),
            **{{k: v for k, v in options.items() if k in knobs}})
        hub = Hub(config, {db!r}, "127.0.0.1", 0, clock=options["clock"], settings=settings)
    await hub.start()
    print(hub.port, type(asyncio.get_running_loop()).__module__.split(".")[0], flush=True)
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    await stop.wait()
    await hub.stop()

try:  # the loop the checkout's own `jiaohao hub` runs on (uvloop where installed)
    from hub.cli import run
except ImportError:  # a hub from before that choice: Python's own loop
    run = asyncio.run
run(main())
"""


#: Where the hub under test comes from: this checkout, or (for before/after figures)
#: another one named by JIAOHAO_BENCH_HUB_ROOT.
HUB_ROOT = Path(os.environ.get("JIAOHAO_BENCH_HUB_ROOT") or ROOT)


class HubProcess:
    """The hub in a subprocess, without a rate limit (the bench is the flood); ``root``
    is the checkout it runs from (HUB_ROOT by default)."""

    def __init__(self, config: Path, db: Path, root: Path | None = None) -> None:
        root = root or HUB_ROOT
        code = SERVE.format(root=str(root), config=str(config), db=str(db))
        started = time.perf_counter()
        env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}  # only ``root``
        self.proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE,
                                     text=True, cwd=root, env=env)
        assert self.proc.stdout is not None
        port, self.loop = self.proc.stdout.readline().split()
        self.port = int(port)
        self.start_s = time.perf_counter() - started
        self.url = f"ws://127.0.0.1:{self.port}"

    def rss_mb(self) -> float:
        return psutil.Process(self.proc.pid).memory_info().rss / 1e6

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=30)


def client(url: str, device: str, subscribe: bool = False) -> HubClient:
    return HubClient(url, device, f"{device}-token", subscribe=subscribe,
                     request_timeout_s=60.0)


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


async def rate_for(seconds: float, workers: list[Callable[[], Awaitable[object]]]) -> float:
    """Acknowledged requests per second, each worker looping its request."""
    done = 0
    deadline = time.perf_counter() + seconds

    async def loop(work: Callable[[], Awaitable[object]]) -> None:
        nonlocal done
        while time.perf_counter() < deadline:
            await work()
            done += 1

    started = time.perf_counter()
    await asyncio.gather(*(loop(w) for w in workers))
    return done / (time.perf_counter() - started)


# -- the measurements ----------------------------------------------------------------------


def sqlite_reference(folder: Path, seconds: float) -> dict[str, float]:
    """Single-row commits per second, WAL, with synchronous FULL and NORMAL."""
    out = {}
    for mode in ("FULL", "NORMAL"):
        db = sqlite_utils.Database(folder / f"raw-{mode}.db")
        db.enable_wal()
        db.execute(f"PRAGMA synchronous={mode}")
        db["rows"].create({"id": int, "v": str}, pk="id")
        n = 0
        deadline = time.perf_counter() + seconds
        started = time.perf_counter()
        while time.perf_counter() < deadline:
            with db.atomic():
                db.execute("INSERT INTO rows (v) VALUES (?)", ["x" * 40])
            n += 1
        out[mode] = n / (time.perf_counter() - started)
        db.close()
    return out


async def take_rate(url: str, clients: int, seconds: float, subscribe: bool = False) -> float:
    kiosks = [client(url, f"kiosk-{k}", subscribe) for k in range(clients)]
    await asyncio.gather(*(k.connect() for k in kiosks))
    try:
        return await rate_for(
            seconds, [lambda k=k: k.request("take_ticket", service="A") for k in kiosks]
        )
    finally:
        await asyncio.gather(*(k.close() for k in kiosks))


class Taken:
    """A take_ticket rate and the CPU each side spent on it (cores: CPU seconds a second)."""

    def __init__(self, rate: float, hub_cores: float, load_cores: float) -> None:
        self.rate, self.hub_cores, self.load_cores = rate, hub_cores, load_cores

    def __str__(self) -> str:
        return (f"{self.rate:.0f} take_ticket/s (hub {self.hub_cores:.2f} core, "
                f"load {self.load_cores:.2f} core)")


class LightKiosk:
    """A kiosk that costs its load process little: one raw connection; each request a
    frame written from a template, its answer found by its id without decoding the
    frames before it. The apps' client (``HubClient``: futures, timeouts, decoding and
    checking every frame) spent 0.85-0.9 of a core on 50 kiosks at ~2,400/s, so on a
    2-core machine it, not the hub, set the pace of a fast hub."""

    def __init__(self, ws: ClientConnection, device: str) -> None:
        self.ws, self.device, self.sent = ws, device, 0

    @classmethod
    async def open(cls, url: str, device: str) -> LightKiosk:
        ws = await connect(url, max_size=None, ping_interval=None, open_timeout=120)
        await ws.send(json.dumps({"type": "hello", "protocol": 1, "since": None,
                                  "device": device, "token": f"{device}-token",
                                  "subscribe": False}))
        welcome = json.loads(await ws.recv())
        if welcome.get("type") != "welcome":
            raise RequestFailed("no_welcome", f"{device}: {str(welcome)[:300]}")
        return cls(ws, device)

    async def __call__(self) -> None:
        """One take_ticket, answered; RequestFailed when it is refused."""
        self.sent += 1
        rid = f"{self.device}.{self.sent}"
        await self.ws.send(f'{{"type":"take_ticket","id":"{rid}","service":"A"}}')
        mine = f'"id":"{rid}"'
        while True:
            frame = await self.ws.recv()
            if isinstance(frame, str) and mine in frame:
                break
        if '"ok":true' not in frame:
            raise RequestFailed("refused", f"{self.device}: take_ticket: {frame[:300]}")


def cpu_s(pid: int | None = None) -> float:
    """CPU seconds (user + system) process ``pid`` (None: this one) has used."""
    times = psutil.Process(pid).cpu_times()
    return times.user + times.system


async def take_light(url: str, hub: HubProcess, clients: int, seconds: float) -> Taken:
    """take_ticket/s from ``clients`` light kiosks, and the CPU each side spent."""
    kiosks = await asyncio.gather(*(LightKiosk.open(url, f"kiosk-{k}")
                                    for k in range(clients)))
    try:
        hub_before, load_before = cpu_s(hub.proc.pid), cpu_s()
        started = time.perf_counter()
        rate = await rate_for(seconds, list(kiosks))
        elapsed = time.perf_counter() - started
        return Taken(rate, (cpu_s(hub.proc.pid) - hub_before) / elapsed,
                     (cpu_s() - load_before) / elapsed)
    finally:
        await asyncio.gather(*(k.ws.close() for k in kiosks), return_exceptions=True)


async def call_rate(url: str, seconds: float) -> float:
    callers = [client(url, f"caller-{n}") for n in range(1, WINDOWS + 1)]
    await asyncio.gather(*(c.connect() for c in callers))
    try:
        return await rate_for(
            seconds,
            [lambda n=n, c=c: c.request("call_next", window=n)
             for n, c in zip(range(1, WINDOWS + 1), callers, strict=True)],
        )
    finally:
        await asyncio.gather(*(c.close() for c in callers))


async def fill(url: str, tickets: int) -> None:
    admin = client(url, "admin-1")
    await admin.connect()
    try:
        for start in range(0, tickets, 200):
            await asyncio.gather(*(admin.request("take_ticket", service="A")
                                   for _ in range(min(200, tickets - start))))
    finally:
        await admin.close()


async def call_latency(url: str, calls: int) -> list[float]:
    """call_next round trips (sent to acknowledged), sequential, in ms."""
    caller = client(url, "caller-1")
    await caller.connect()
    out = []
    try:
        for _ in range(calls):
            started = time.perf_counter()
            await caller.request("call_next", window=1)
            out.append((time.perf_counter() - started) * 1000)
    finally:
        await caller.close()
    return out


class FanOut:
    """300 displays of one hub and a caller: :meth:`call` times one ``call_next`` from
    sent until every display has its ``ticket_called``. Each call is matched by the
    ticket it called: a display welcomed from a recent state also gets the calls made
    since as events, and those are not this call's. Given the hub's process id, it also
    keeps the hub's CPU time over each call (:attr:`cpu_ms`): what the hub itself spent,
    apart from the displays' reading, which sets most of the time to the last display.
    The system counts CPU time in ticks (10 ms here): take the mean over many calls."""

    def __init__(self, url: str, displays: int, pid: int | None = None) -> None:
        self.url, self.displays, self.pid = url, displays, pid
        self.cpu_ms: list[float] = []
        self.arrivals: dict[int, int] = {}  # ticket id -> displays that got its call
        self.complete: dict[int, float] = {}  # ticket id -> when the last display got it
        self.progress = asyncio.Event()
        self.conns: list[ClientConnection] = []
        self.readers: list[asyncio.Task[None]] = []
        self.caller = client(url, "caller-2")

    async def _read(self, ws: ClientConnection) -> None:
        async for frame in ws:
            now = time.perf_counter()
            if '"ticket_called"' not in frame:
                continue
            ticket = json.loads(frame)["ticket"]["id"]
            self.arrivals[ticket] = self.arrivals.get(ticket, 0) + 1
            if self.arrivals[ticket] == self.displays:
                self.complete[ticket] = now
                self.progress.set()

    async def open(self) -> FanOut:
        self.conns = await open_displays(self.url, self.displays, ["ticket_called"])
        self.readers = [asyncio.create_task(self._read(ws)) for ws in self.conns]
        await self.caller.connect()
        return self

    async def call(self) -> float:
        """ms from one call_next sent until all displays have it."""
        cpu = cpu_s(self.pid) if self.pid is not None else 0.0
        started = time.perf_counter()
        called = (await self.caller.request("call_next", window=2))["ticket"]["id"]
        while called not in self.complete:
            self.progress.clear()
            await asyncio.wait_for(self.progress.wait(), 30)
        if self.pid is not None:
            self.cpu_ms.append((cpu_s(self.pid) - cpu) * 1000)
        return (self.complete[called] - started) * 1000

    async def close(self) -> None:
        await self.caller.close()
        for task in self.readers:
            task.cancel()
        await asyncio.gather(*(ws.close() for ws in self.conns), return_exceptions=True)


async def fan_out(url: str, displays: int, calls: int) -> list[float]:
    """``calls`` call_next one after the other, each timed to all ``displays`` (ms)."""
    fan = await FanOut(url, displays).open()
    try:
        return [await fan.call() for _ in range(calls)]
    finally:
        await fan.close()


async def fan_out_side_by_side(
    urls: dict[str, str], displays: int, calls: int,
    cpu: dict[str, list[float]] | None = None, pids: dict[str, int] | None = None,
) -> dict[str, list[float]]:
    """The fan-out of several hubs, call by call in turn (who goes first changes every
    call), so that the shared machine's hiccups fall on all of them alike. With the hubs'
    process ids (``pids``), each hub's CPU ms per call are added to ``cpu``."""
    fans = {side: FanOut(url, displays, (pids or {}).get(side))
            for side, url in urls.items()}
    out: dict[str, list[float]] = {side: [] for side in urls}
    try:
        for fan in fans.values():
            await fan.open()
        order = list(fans.items())
        for n in range(calls):
            for side, fan in order if n % 2 == 0 else order[::-1]:
                out[side].append(await fan.call())
    finally:
        await asyncio.gather(*(fan.close() for fan in fans.values()))
    if cpu is not None:
        for side, fan in fans.items():
            cpu.setdefault(side, []).extend(fan.cpu_ms)
    return out


async def open_displays(
    url: str, count: int, subscribe: bool | list[str] = True
) -> list[ClientConnection]:
    """``count`` raw display connections, each past its welcome."""
    conns = []
    for d in range(count):
        ws = await connect(url, max_size=None, ping_interval=None)
        device = f"display-{d % DISPLAYS}"
        await ws.send(json.dumps({"type": "hello", "protocol": 1, "since": None,
                                  "device": device, "token": f"{device}-token",
                                  "subscribe": subscribe}))
        await ws.recv()  # welcome
        conns.append(ws)
    return conns


async def hold_connections(url: str, count: int, proc: HubProcess) -> float:
    conns = await open_displays(url, count)
    rss = proc.rss_mb()
    await asyncio.gather(*(ws.close() for ws in conns), return_exceptions=True)
    return rss


def today_tickets(db_path: Path) -> int:
    db = sqlite_utils.Database(db_path)
    try:
        return int(db.execute("SELECT count(*) FROM tickets").fetchone()[0])
    finally:
        db.close()


def seed(db_path: Path, config_path: Path, n: int) -> float:
    from bench.history import seed_history
    from hall.config import load_config

    started = time.perf_counter()
    db = sqlite_utils.Database(db_path)
    seed_history(db, load_config(config_path), n, days=365)
    db.close()
    return time.perf_counter() - started


async def run(args: argparse.Namespace) -> None:
    seconds = 1.5 if args.quick else 4.0
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        config = folder / "bench.toml"
        config.write_text(hall_toml(), encoding="utf-8")

        raw = sqlite_reference(folder, seconds)
        print(f"raw SQLite single-row commits/s (WAL, FULL):   {raw['FULL']:8.0f}")
        print(f"raw SQLite single-row commits/s (WAL, NORMAL): {raw['NORMAL']:8.0f}")

        hub = HubProcess(config, folder / "live.db")
        try:
            one = await take_rate(hub.url, 1, seconds)
            print(f"take_ticket acknowledged/s, 1 client:          {one:8.0f}")
            light = await take_light(hub.url, hub, KIOSKS, seconds)
            print(f"take_ticket acknowledged/s, 50 light kiosks:   {light.rate:8.0f}"
                  f"   ({light.rate / raw['FULL']:.2f}x raw FULL commits; hub "
                  f"{light.hub_cores:.2f} core, load {light.load_cores:.2f})")
            fifty = await take_rate(hub.url, KIOSKS, seconds)
            print(f"  same through the apps' client (HubClient):   {fifty:8.0f}"
                  f"   ({fifty / raw['FULL']:.2f}x raw FULL commits)")
            fifty_sub = await take_rate(hub.url, KIOSKS, seconds, subscribe=True)
            print(f"  same, all 50 also receiving every event:     {fifty_sub:8.0f}")
            await fill(hub.url, 20000)
            calls = await call_rate(hub.url, seconds)
            print(f"call_next acknowledged/s, 60 callers:          {calls:8.0f}")
            await fill(hub.url, 400)
            fan = await fan_out(hub.url, 300, 60 if args.quick else 200)
            print(f"call_next -> all 300 displays, ms p50/p99:     "
                  f"{statistics.median(fan):8.1f} / {pct(fan, 99):.1f}")
            rss = await hold_connections(hub.url, DISPLAYS, hub)
            issued = today_tickets(folder / "live.db")
            print(f"hub RSS, {DISPLAYS} connections, {issued:,} tickets today, MB: {rss:6.1f}")
        finally:
            hub.stop()

        # Both hubs run side by side and are measured in alternating rounds, so that
        # drift in the shared machine's speed hits both alike.
        empty_db, full_db = folder / "hist-0.db", folder / "hist-full.db"
        seeded = seed(full_db, config, args.history)
        hubs = {"empty store": HubProcess(config, empty_db),
                f"{args.history:,} tickets": HubProcess(config, full_db)}
        latencies: dict[str, list[float]] = {label: [] for label in hubs}
        try:
            rss = await hold_connections(hubs["empty store"].url, DISPLAYS,
                                         hubs["empty store"])
            print(f"hub RSS, {DISPLAYS} connections, fresh day, MB:     {rss:8.1f}")
            for hub in hubs.values():
                await fill(hub.url, 1100)
            for _ in range(10):
                for label, hub in hubs.items():
                    latencies[label] += await call_latency(hub.url, 100)
            for label, hub in hubs.items():
                lat = latencies[label]
                print(f"call_next latency, {label:>17}: p50 {statistics.median(lat):.2f} ms"
                      f"  p99 {pct(lat, 99):.2f} ms   (hub start {hub.start_s:.2f} s)")
        finally:
            for hub in hubs.values():
                hub.stop()
        empty, full = (statistics.median(v) for v in latencies.values())
        print(f"call_next p50 with history / empty store:      {full / empty:8.2f}x"
              f"   (seeding the history took {seeded:.0f} s)")


def _turns(hubs: dict[str, HubProcess], round_: int) -> list[tuple[str, HubProcess]]:
    """The hubs in the order they are measured in round ``round_``: each goes first
    every other round, so that a machine growing busier within a round hits both."""
    turns = list(hubs.items())
    return turns if round_ % 2 == 0 else turns[::-1]


async def compare(args: argparse.Namespace) -> None:
    """Before (JIAOHAO_BENCH_HUB_ROOT) and after (this checkout) in one run, measured in
    alternating rounds so that drift in the shared machine's speed hits both alike."""
    seconds = 1.5 if args.quick else 3.0
    rounds = args.rounds or (2 if args.quick else 3)
    sides = {"before": HUB_ROOT, "after": ROOT}
    print(f"before: {HUB_ROOT}\nafter:  {ROOT}")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        config = folder / "bench.toml"
        config.write_text(hall_toml(), encoding="utf-8")
        raw = sqlite_reference(folder, seconds)
        print(f"raw SQLite single-row commits/s (WAL, FULL):   {raw['FULL']:8.0f}")
        takes: dict[str, list[Taken]] = {side: [] for side in sides}
        fans: dict[str, list[list[float]]] = {side: [] for side in sides}
        fan_cpu: dict[str, list[float]] = {}  # the hub's CPU ms per call
        hubs = {side: HubProcess(config, folder / f"{side}.db", root)
                for side, root in sides.items()}
        print("event loops: " + ", ".join(f"{side} {hub.loop}" for side, hub in hubs.items()))
        # The disk's speed wanders (raw commits 500-5,000/s within minutes here), so
        # each round measures raw commits too, and each hub is held to its own round's.
        raws: list[float] = []
        try:
            for n in range(rounds):
                (folder / f"raw-{n}").mkdir()
                raws.append(sqlite_reference(folder / f"raw-{n}", seconds / 2)["FULL"])
                print(f"  raw FULL: {raws[-1]:.0f} commits/s", flush=True)
                for side, hub in _turns(hubs, n):
                    takes[side].append(await take_light(hub.url, hub, KIOSKS, seconds))
                    print(f"  {side}: {takes[side][-1]} = "
                          f"{takes[side][-1].rate / raws[-1]:.2f}x raw", flush=True)
        finally:
            for hub in hubs.values():
                hub.stop()
        # The fan-out on fresh hubs holding the same tickets: the faster hub above took
        # more of them, and a larger state costs more at every call (alerts, GC). Their
        # calls go in turn, one each, so that the machine's hiccups hit both alike.
        hubs = {side: HubProcess(config, folder / f"fan-{side}.db", root)
                for side, root in sides.items()}
        try:
            for hub in hubs.values():
                await fill(hub.url, FAN_OUT_WAITING)
            for _ in range(rounds):
                calls = await fan_out_side_by_side(
                    {side: hub.url for side, hub in hubs.items()}, 300,
                    30 if args.quick else 60, fan_cpu,
                    {side: hub.proc.pid for side, hub in hubs.items()})
                for side, ms in calls.items():
                    fans[side].append(ms)
        finally:
            for hub in hubs.values():
                hub.stop()
        (folder / "again").mkdir()
        raw_again = sqlite_reference(folder / "again", seconds)["FULL"]
        print(f"raw SQLite single-row commits/s, again after:  {raw_again:8.0f}")
        reference = (raw["FULL"] + raw_again) / 2
        for side in sides:
            best = statistics.median(t.rate for t in takes[side])
            ratios = [t.rate / r for t, r in zip(takes[side], raws, strict=True)]
            print(f"{side:>6}: take_ticket/s, 50 kiosks, median of {rounds}: {best:8.0f}"
                  f"   ({best / reference:.2f}x the run's raw FULL commits; "
                  f"{statistics.median(ratios):.2f}x its round's, median; rounds "
                  + ", ".join(f"{t.rate:.0f}" for t in takes[side])
                  + f"; hub {statistics.median(t.hub_cores for t in takes[side]):.2f} core)")
        for side in sides:
            fan = [ms for one in fans[side] for ms in one]
            print(f"{side:>6}: call_next -> all 300 displays, {FAN_OUT_WAITING:,} waiting, "
                  f"ms p50/p99: {statistics.median(fan):6.1f} / {pct(fan, 99):.1f}"
                  "   (p99 by round: " + ", ".join(f"{pct(one, 99):.1f}" for one in fans[side])
                  + f"; the hub's CPU per call {statistics.fmean(fan_cpu[side]):.2f} ms)")
        lower = sum(pct(a, 99) <= pct(b, 99) for a, b in zip(fans["after"], fans["before"],
                                                            strict=True))
        print(f"        fan-out p99 after <= before in {lower} of {rounds} rounds")
        from bench.hub_storm import storm

        waiting = 5_000
        for side, root in sides.items():
            hub = HubProcess(config, folder / f"storm-{side}.db", root)
            try:
                await fill(hub.url, waiting + 1_000)
                quiet, during = await storm(sys.modules[__name__], hub.url, 150)
            finally:
                hub.stop()
            print(f"{side:>6}: call_next while 150 displays reconnect, {waiting:,} waiting: "
                  f"p50 {statistics.median(during):6.1f} ms  p99 {pct(during, 99):6.1f} ms"
                  f"  max {max(during):6.1f} ms over {len(during)} calls"
                  f"  (quiet p99 {pct(quiet, 99):.1f} ms)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="short runs, for a smoke test")
    parser.add_argument("--history", type=int, default=1_000_000,
                        help="historical tickets for the history comparison")
    parser.add_argument("--hardening", action="store_true",
                        help="only the hardening figures: welcome sizes, a reconnect storm, "
                             "clients that stop reading")
    parser.add_argument("--rounds", type=int, default=0,
                        help="alternating rounds of --compare (default 3; 2 with --quick)")
    parser.add_argument("--compare", action="store_true",
                        help="before (JIAOHAO_BENCH_HUB_ROOT) and after (this checkout) "
                             "side by side in one run: take_ticket, fan-out, the storm")
    args = parser.parse_args()
    try:
        if args.compare:
            if HUB_ROOT == ROOT:
                parser.error("--compare needs JIAOHAO_BENCH_HUB_ROOT=<the before checkout>")
            asyncio.run(compare(args))
            return
        if args.hardening:
            from bench.hub_storm import run_hardening

            asyncio.run(run_hardening(sys.modules[__name__], quick=args.quick))
            return
        asyncio.run(run(args))
    except RequestFailed as exc:
        print(f"bench failed: {exc}", file=sys.stderr)
        raise SystemExit(1) from exc


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()
