"""Kiosk benchmark: touch → last ticket byte, cold start, RSS. Prints figures.

    python bench/kiosk.py [--touches 200]

This process runs a real hub (thread) and the virtual printer; the kiosk runs in a
child process (offscreen Qt, as on a kiosk PC without the screen): cold start is from
spawning the child to its home screen being usable (welcomed by the hub, window
drawn). Each touch is a real button click on the services screen; it ends when the
ticket's last byte has been handed to the printer connection (``Link.send`` returned).
Nothing is asserted; figures go to docs/benchmarks.md by hand.
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
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def child(url: str, connection: str, touches: int, started: float) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import psutil
    from PySide6.QtCore import QEvent
    from PySide6.QtWidgets import QApplication

    import printer.transport as transport
    from hall.wallclock import wall_clock
    from kiosk.app import build_kiosk
    from kiosk.printing import TicketPrinter
    from printer.profile import load_printer_profile
    from qtkit.bridge import HubBridge

    sends: list[float] = []
    real_send = transport.Link.send

    def timed_send(self: transport.Link, data: bytes) -> None:
        real_send(self, data)
        if len(data) > 16:  # the ticket, not a 3-byte status request
            sends.append(time.perf_counter())

    transport.Link.send = timed_send  # type: ignore[method-assign]
    app = QApplication(sys.argv[:1])
    bridge = HubBridge(url, "kiosk-1", "bench")
    kiosk = build_kiosk(app, bridge, TicketPrinter(load_printer_profile("zh-80mm"), connection),
                        clock=wall_clock)
    p, w = kiosk.presenter, kiosk.window
    w.resize(1080, 1920)
    w.show()
    bridge.start()
    def pump() -> None:  # what app.exec() does each round, deferred deletes included
        app.processEvents()
        app.sendPostedEvents(None, QEvent.Type.DeferredDelete)

    while not (p.online and p.zones()):
        pump()
        time.sleep(0.001)
    pump()
    cold = time.time() - started
    rss_ready = psutil.Process().memory_info().rss / 1e6
    latencies = []
    for _ in range(touches):
        p.back()
        p.open_zone(p.zones()[0].id)
        pump()
        button = w.buttons[f"service:{p.services()[0].id}"]
        before = len(sends)
        t0 = time.perf_counter()
        button.click()
        while len(sends) == before or p.busy:
            pump()
            time.sleep(0.0002)
        latencies.append((sends[-1] - t0) * 1000)
    rss = psutil.Process().memory_info().rss / 1e6
    bridge.stop()
    print(json.dumps({"cold_s": cold, "latencies_ms": latencies, "rss_mb": rss,
                      "rss_ready_mb": rss_ready}))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--touches", type=int, default=200)
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        url, connection, started = args.child
        child(url, connection, args.touches, float(started))
        return 0

    from hall.config import Device, Role, load_config
    from hall.wallclock import wall_clock
    from hub.server import Hub
    from printer.virtual import VirtualPrinter

    config = load_config(ROOT / "jiaohao" / "examples" / "dongxiang.toml")
    from dataclasses import replace

    services = tuple(replace(s, hours=(), daily_cap=None, slot_caps=()) for s in config.services)
    devices = tuple(d for d in config.devices if d.id != "kiosk-1")
    config = replace(config, services=services,
                     devices=(*devices, Device("kiosk-1", Role.KIOSK, token="bench")))
    loop = asyncio.new_event_loop()
    threading.Thread(target=loop.run_forever, daemon=True).start()

    async def start() -> Hub:
        hub = Hub(config, tempfile.mkdtemp() + "/queue.db", port=0, clock=wall_clock)
        await hub.start()
        return hub

    hub = asyncio.run_coroutine_threadsafe(start(), loop).result(10)
    with VirtualPrinter() as printer:
        started = time.time()
        out = subprocess.run(
            [sys.executable, __file__, "--touches", str(args.touches), "--child",
             f"ws://127.0.0.1:{hub.port}", printer.connection, str(started)],
            capture_output=True, text=True, check=True,
        )
        jobs = len(printer.jobs)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    lat = sorted(result["latencies_ms"])
    p99 = lat[min(len(lat) - 1, round(0.99 * (len(lat) - 1)))]
    print(f"touches: {len(lat)}, tickets printed: {jobs}")
    print(f"touch → last ticket byte: p50 {statistics.median(lat):.1f} ms, "
          f"p99 {p99:.1f} ms, max {lat[-1]:.1f} ms (target p99 ≤ 150 ms)")
    print(f"cold start to a usable home screen: {result['cold_s']:.2f} s (target ≤ 2 s)")
    print(f"RSS: {result['rss_ready_mb']:.0f} MB at the home screen, "
          f"{result['rss_mb']:.0f} MB after the run (target ≤ 200 MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
