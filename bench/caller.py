"""Calling benchmark: prints figures from one run.

    python bench/caller.py [--calls 200]

- terminal action -> ``ticket_called`` at a display: a caller's ``call_next`` through
  ``hall.client.HubClient`` (what the terminal's bridge runs in its worker thread);
- keypad press -> ``ticket_called`` at a display: a virtual keypad on a pty presses
  呼叫; the device host (``jiaohao devices serve``, its own process) turns it into
  ``call_next``; a pty has no baud-rate timing, so this excludes the line's wire time;
- the device host's CPU and RSS while it drives 30 keypads and 30 LED bars.

The hub runs in its own process, the host in another, twins and clients in this one.
The keypads' and the bars' profiles speak different frame formats, so they sit on two
buses (one each) of the same host. Nothing is asserted; figures go to
docs/benchmarks.md by hand.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.hub import HubProcess, client, hall_toml, pct  # noqa: E402
from devices.profiles import load_keypad, load_ledbar  # noqa: E402
from devices.virtual import VirtualBar, VirtualBus, VirtualKeypad  # noqa: E402
from hall.client import HubClient  # noqa: E402
from hall.protocol import Event  # noqa: E402

HOST_WINDOWS = 30
TERMINAL_WINDOW = 31


def host_station(hub: str, keypad_port: str, bar_port: str) -> str:
    lines = [f'[station]\nhub = "{hub}"\n']
    for n in range(1, HOST_WINDOWS + 1):
        lines.append(f'[[caller]]\nwindow = {n}\ndevice = "caller-{n}"\n'
                     f'token = "caller-{n}-token"\n')
        lines.append(f'[[serial]]\nkind = "keypad"\nport = "{keypad_port}"\n'
                     f'profile = "ff68-keypad"\naddress = {n}\nwindow = {n}\n')
        lines.append(f'[[serial]]\nkind = "ledbar"\nport = "{bar_port}"\n'
                     f'profile = "a5-sum"\naddress = {n}\nwindow = {n}\n')
    return "\n".join(lines)


class Display:
    """A display's connection: the time each window's next ticket_called arrives."""

    def __init__(self, url: str) -> None:
        self.waiting: dict[int, asyncio.Future[float]] = {}
        self.client = HubClient(url, "display-0", "display-0-token", on_event=self._event,
                                request_timeout_s=60.0)

    def expect(self, window: int) -> asyncio.Future[float]:
        future: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        self.waiting[window] = future
        return future

    def _event(self, event: Event, _state: Any) -> None:
        if event.kind == "ticket_called":
            future = self.waiting.pop(int(event.data["window"]), None)
            if future is not None and not future.done():
                future.set_result(time.perf_counter())


def connections(port: int) -> int:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as answer:
        return int(json.load(answer)["connections"])


def ms(values: list[float]) -> str:
    return (f"p50 {pct(values, 50) * 1000:.1f} ms, p99 {pct(values, 99) * 1000:.1f} ms, "
            f"max {max(values) * 1000:.1f} ms (n={len(values)})")


async def run(calls: int, folder: Path) -> None:
    config = folder / "hall.toml"
    config.write_text(hall_toml(), encoding="utf-8")
    hub = HubProcess(config, folder / "queue.db")
    keypad, bar = load_keypad("ff68-keypad"), load_ledbar("a5-sum")
    kbus, bbus = VirtualBus(keypad.framing), VirtualBus(bar.framing)
    keypads = [kbus.add(VirtualKeypad(keypad, address=n)) for n in range(1, HOST_WINDOWS + 1)]
    bars = [bbus.add(VirtualBar(bar, address=n)) for n in range(1, HOST_WINDOWS + 1)]
    kbus.start()
    bbus.start()
    station = folder / "host.toml"
    station.write_text(host_station(hub.url, kbus.path, bbus.path), encoding="utf-8")
    host = subprocess.Popen([sys.executable, "-m", "jiaohao", "devices", "serve",
                             "--station", str(station)], cwd=ROOT)
    display = Display(hub.url)
    try:
        await display.client.connect(timeout_s=30)
        async with client(hub.url, "kiosk-0") as kiosk:
            for _ in range(calls * 2 + 10):
                await kiosk.request("take_ticket", service="A")
        deadline = time.perf_counter() + 60
        while any(b.text == "" for b in bars) and time.perf_counter() < deadline:
            await asyncio.sleep(0.1)  # every bar drawn: the host is up on all windows
        while connections(hub.port) < HOST_WINDOWS + 2 and time.perf_counter() < deadline:
            await asyncio.sleep(0.1)  # the watcher, 30 windows' clients and the display
        print(f"device host up: {HOST_WINDOWS} windows, bars drawn: "
              f"{sum(1 for b in bars if b.text)}")

        terminal: list[float] = []
        async with client(hub.url, f"caller-{TERMINAL_WINDOW}") as caller:
            for _ in range(calls):
                arrived = display.expect(TERMINAL_WINDOW)
                started = time.perf_counter()
                await caller.request("call_next", window=TERMINAL_WINDOW)
                terminal.append(await asyncio.wait_for(arrived, 30) - started)
        print(f"terminal call_next -> ticket_called at a display: {ms(terminal)}")

        proc = psutil.Process(host.pid)
        proc.cpu_percent()
        pressed: list[float] = []
        last: dict[int, float] = {}
        wall = time.perf_counter()
        for i in range(calls):
            window = 1 + i % HOST_WINDOWS
            # the same key again within the keypad's bounce time is dropped as a repeat
            wait = last.get(window, 0.0) + keypad.bounce_s + 0.05 - time.perf_counter()
            if wait > 0:
                await asyncio.sleep(wait)
            last[window] = time.perf_counter()
            arrived = display.expect(window)
            started = time.perf_counter()
            keypads[window - 1].press("call_next")
            pressed.append(await asyncio.wait_for(arrived, 30) - started)
        busy_cpu = proc.cpu_percent()
        busy_s = time.perf_counter() - wall
        print(f"keypad press (pty) -> ticket_called at a display: {ms(pressed)}")
        print(f"device host while pressing ({busy_s:.1f} s): CPU {busy_cpu:.1f}% of one core")
        proc.cpu_percent()
        await asyncio.sleep(10)
        print(f"device host idle, 30 keypads + 30 bars (10 s): CPU {proc.cpu_percent():.1f}% "
              f"of one core, RSS {proc.memory_info().rss / 1e6:.1f} MB")
    finally:
        await display.client.close()
        host.terminate()
        host.wait(timeout=30)
        kbus.stop()
        bbus.stop()
        hub.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        asyncio.run(run(args.calls, Path(folder)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
