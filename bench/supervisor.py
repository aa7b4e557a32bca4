"""Dashboard benchmark: what the managers' dashboard costs while a big hall calls.

    python bench/supervisor.py [--quick]

A hub in its own process with 200 windows (bench/display_hall.py) and a day of
tickets; the real dashboard (offscreen window, real bridge and replica) in this
process; the 200 windows' calls from a third process at a steady pace. Prints the
dashboard process's CPU (share of one core) idle and under the calls, how many
events it applied and how many figure refreshes it asked for (coalesced: at most one
every 10 s). Nothing is asserted.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication  # noqa: E402

from bench.display_hall import BigHall  # noqa: E402
from hall.wallclock import wall_clock  # noqa: E402
from qtkit.bridge import HubBridge  # noqa: E402
from qtkit.fonts import setup_fonts  # noqa: E402
from supervisor.app import SupervisorApp  # noqa: E402

CALLS = """
import asyncio, contextlib, sys, time
sys.path.insert(0, {root!r})
from hall.client import HubClient
from hall.errors import RequestFailed

async def main():
    callers = []
    for n in range(1, {windows} + 1):
        c = HubClient({url!r}, f"caller-{{n}}", f"caller-{{n}}-token", subscribe=False)
        await c.connect()
        callers.append((n, c))
    start = time.monotonic()
    i = 0
    while time.monotonic() - start < {seconds}:
        n, c = callers[i % len(callers)]
        with contextlib.suppress(RequestFailed):
            await c.request("call_next", window=n)
        i += 1
        await asyncio.sleep(max(0.0, start + i / {per_s} - time.monotonic()))
    print(i, flush=True)

asyncio.run(main())
"""


def spin(app: QApplication, seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.005)


def cpu_share(app: QApplication, seconds: float) -> float:
    me = psutil.Process()
    before, started = me.cpu_times(), time.monotonic()
    spin(app, seconds)
    after, took = me.cpu_times(), time.monotonic() - started
    return ((after.user - before.user) + (after.system - before.system)) / took * 100


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    windows, tickets, seconds, per_s = (200, 600, 10, 10.0) if args.quick else (
        200, 3000, 30, 20.0)
    app = QApplication(sys.argv[:1])
    setup_fonts(app)
    with BigHall(windows=windows) as hall:
        hall.issue(tickets)
        dash = SupervisorApp(HubBridge(hall.url, "admin-1", "admin-1-token"), wall_clock)
        dash.window.resize(1920, 1080)
        dash.window.show()
        dash.start()
        end = time.monotonic() + 60
        while dash.model.figures is None and time.monotonic() < end:
            app.processEvents()
            time.sleep(0.01)
        applied = []
        dash.replica.applied.connect(lambda e: applied.append(e.seq))
        idle = cpu_share(app, 5)
        refreshes = dash.model.refreshes
        load = subprocess.Popen(
            [sys.executable, "-c", CALLS.format(root=str(ROOT), url=hall.url, windows=windows,
                                                seconds=seconds, per_s=per_s)],
            stdout=subprocess.PIPE, text=True)
        busy = cpu_share(app, seconds + 2)
        calls = int((load.communicate(timeout=120)[0] or "0").strip() or 0)
        refreshes = dash.model.refreshes - refreshes
        dash.stop()
    print(f"hall: {windows} windows, {tickets:,} tickets issued before")
    print(f"dashboard CPU, idle (live minutes ticking):        {idle:5.1f} % of one core")
    print(f"dashboard CPU, {calls} calls in {seconds} s ({per_s:g}/s) from {windows} windows: "
          f"{busy:5.1f} % of one core   (target ≤ 10 %)")
    print(f"events applied: {len(applied):,}; figure refreshes asked: {refreshes} "
          "(at most one per 10 s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
