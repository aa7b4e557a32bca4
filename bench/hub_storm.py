"""Hub hardening figures, run by ``python bench/hub.py --hardening [--quick]``.

- welcome size and encode time per role at 2,000 and 20,000 waiting (in-process);
- call_next latency while 300 displays reconnect at once, 20,000 waiting;
- hub RSS while 50 displays have stopped reading and the hall goes on.

Set JIAOHAO_BENCH_HUB_ROOT to another checkout to measure its hub (before/after).
Nothing is asserted: figures for docs/benchmarks.md.
"""

from __future__ import annotations

import asyncio
import json
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

from websockets.asyncio.client import ClientConnection, connect

STORM_DISPLAYS = 300
DEAF_DISPLAYS = 50


def welcome_sizes(bench: ModuleType, config_path: Path, waiting: int) -> list[str]:
    """Encode the welcome each role would get with ``waiting`` tickets waiting."""
    from hall.config import Role, load_config
    from hall.protocol import TakeTicket, Welcome, encode
    from hub.engine import Engine

    config = load_config(config_path)
    engine = Engine(config)
    now = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
    for i in range(waiting):
        engine.execute(TakeTicket(id=i, service="A"), now)
    lines = []
    for role in (Role.KIOSK, Role.CALLER, Role.DISPLAY, Role.ADMIN):
        rounds = []
        for _ in range(3):
            started = time.perf_counter()
            text = encode(Welcome(role=role, seq=engine.state.seq, hall=config.public(),
                                  state=engine.state.public()).to_json())
            rounds.append((time.perf_counter() - started) * 1000)
        lines.append(f"welcome, {waiting:>6,} waiting, {role:<7}: {len(text) / 1e6:6.2f} MB, "
                     f"encoded in {min(rounds):7.1f} ms (the hub encodes it once per seq)")
    return lines


async def _hello(url: str, device: str) -> ClientConnection:
    ws = await connect(url, max_size=None, ping_interval=None, open_timeout=120)
    await ws.send(json.dumps({"type": "hello", "protocol": 1, "since": None,
                              "device": device, "token": f"{device}-token"}))
    while not str(await ws.recv()).startswith('{"type":"welcome"'):
        pass
    return ws


async def _storm_child(url: str, displays: int, devices: int) -> None:
    """The reconnecting displays, in their own process (their reading and parsing must
    not slow the caller being measured)."""
    print("ready", flush=True)
    await asyncio.to_thread(sys.stdin.readline)
    conns = await asyncio.gather(*(_hello(url, f"display-{d % devices}")
                                   for d in range(displays)), return_exceptions=True)
    print(sum(isinstance(c, ClientConnection) for c in conns), flush=True)


async def storm(bench: ModuleType, url: str, displays: int) -> tuple[list[float], list[float]]:
    """call_next latencies (ms) when quiet, then while ``displays`` reconnect at once."""
    caller = bench.client(url, "caller-1")
    await caller.connect()
    quiet: list[float] = []
    for _ in range(50):
        started = time.perf_counter()
        await caller.request("call_next", window=1)
        quiet.append((time.perf_counter() - started) * 1000)
    during: list[float] = []
    child = subprocess.Popen([sys.executable, __file__, url, str(displays),
                              str(bench.DISPLAYS)], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, text=True)
    assert child.stdin is not None and child.stdout is not None
    assert child.stdout.readline().strip() == "ready"
    child.stdin.write("go\n")
    child.stdin.flush()
    done = asyncio.ensure_future(asyncio.to_thread(child.stdout.readline))
    while not done.done():
        started = time.perf_counter()
        await caller.request("call_next", window=1)
        during.append((time.perf_counter() - started) * 1000)
    welcomed = int((await done).strip() or 0)
    child.kill()
    child.wait()
    await caller.close()
    if welcomed != displays:
        print(f"(only {welcomed} of {displays} displays were welcomed)")
    return quiet, during


async def deaf_displays(bench: ModuleType, hub: Any, displays: int, events: int,
                        settle_s: float) -> tuple[float, float, float, int]:
    """Hub RSS (MB) before, at the peak and ``settle_s`` after ``displays`` stop reading
    while ``events`` tickets are taken; and how many of them the hub still holds."""
    base = hub.rss_mb()
    deaf = []
    for d in range(displays):
        sock = socket.create_connection(("127.0.0.1", hub.port))
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        ws = await connect(hub.url, sock=sock, max_size=None, ping_interval=None)
        device = f"display-{d % bench.DISPLAYS}"
        await ws.send(json.dumps({"type": "hello", "protocol": 1, "since": None,
                                  "device": device, "token": f"{device}-token"}))
        await ws.recv()
        assert ws.transport is not None
        ws.transport.pause_reading()  # it stops reading, as a frozen screen does
        deaf.append(ws)
    kiosk = bench.client(hub.url, "kiosk-0")
    await kiosk.connect()
    peak = base
    for start in range(0, events, 200):
        await asyncio.gather(*(kiosk.request("take_ticket", service="A")
                               for _ in range(min(200, events - start))))
        peak = max(peak, hub.rss_mb())
    waited = time.perf_counter()
    while time.perf_counter() - waited < settle_s:
        await asyncio.sleep(1)
        peak = max(peak, hub.rss_mb())
    after = hub.rss_mb()
    held = await asyncio.to_thread(_connections, hub.port) - 1  # less the kiosk
    await kiosk.close()
    for ws in deaf:
        if ws.transport is not None:
            ws.transport.abort()
    return base, peak, after, held


def _connections(port: int) -> int:
    """Connections the hub holds, from its /healthz."""
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=30) as response:
        return int(json.loads(response.read())["connections"])


async def run_hardening(bench: ModuleType, *, quick: bool) -> None:
    waiting = 5_000 if quick else 20_000
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        config = folder / "bench.toml"
        config.write_text(bench.hall_toml(), encoding="utf-8")
        print(f"hub under test: {bench.HUB_ROOT}")
        for n in (2_000, waiting):
            for line in welcome_sizes(bench, config, n):
                print(line)

        hub = bench.HubProcess(config, folder / "storm.db")
        try:
            await bench.fill(hub.url, waiting + 2_000)
            quiet, during = await storm(bench, hub.url, STORM_DISPLAYS)
            print(f"call_next, {waiting:,} waiting, quiet:            p50 "
                  f"{statistics.median(quiet):7.1f} ms  p99 {bench.pct(quiet, 99):7.1f} ms")
            print(f"call_next while {STORM_DISPLAYS} displays reconnect:    p50 "
                  f"{statistics.median(during):7.1f} ms  p99 {bench.pct(during, 99):7.1f} ms"
                  f"  max {max(during):7.1f} ms over {len(during)} calls")
        finally:
            hub.stop()

        hub = bench.HubProcess(config, folder / "deaf.db")
        try:
            settle = 5.0 if quick else 40.0
            base, peak, after, held = await deaf_displays(
                bench, hub, DEAF_DISPLAYS, 2_000 if quick else 10_000, settle)
            print(f"hub RSS, {DEAF_DISPLAYS} displays stopped reading: {base:6.0f} MB before, "
                  f"{peak:6.0f} MB at the peak, {after:6.0f} MB {settle:g} s later; "
                  f"{held} of them still connected")
        finally:
            hub.stop()


if __name__ == "__main__":
    asyncio.run(_storm_child(sys.argv[1], int(sys.argv[2]), int(sys.argv[3])))
