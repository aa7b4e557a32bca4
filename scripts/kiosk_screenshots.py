"""Screenshots of every kiosk screen from real windows, for docs/screenshots/.

    xvfb-run -a -s "-screen 0 1920x1920x24" .venv/bin/python scripts/kiosk_screenshots.py

Runs a real hub (a sample hall, in a thread) and the virtual printer, walks the kiosk
through its screens at 1080×1920 and 1920×1080, and saves each at that real size
(docs/screenshots/kiosk-<size>-<screen>.png), plus the exact bytes printed for a
priority ticket taken in English (docs/screenshots/ticket-priority-english.bin; render
it with ``jiaohao printer render``).
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import threading
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from hall.config import Device, Role, TimeRange, load_config  # noqa: E402
from hall.protocol import TakeTicket  # noqa: E402
from hub.server import Hub  # noqa: E402
from kiosk.app import build_kiosk  # noqa: E402
from kiosk.presenter import KioskSettings  # noqa: E402
from kiosk.printing import TicketPrinter  # noqa: E402
from printer.profile import load_printer_profile  # noqa: E402
from printer.virtual import VirtualPrinter  # noqa: E402
from qtkit.bridge import HubBridge  # noqa: E402

OUT = ROOT / "docs" / "screenshots"
TEN_AM = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # a Monday, 10:00 in the hall
SIZES = {"portrait": (1080, 1920), "landscape": (1920, 1080)}


def sample_hall() -> object:
    config = load_config(ROOT / "jiaohao" / "examples" / "dongxiang.toml")
    services = list(config.services)
    services[-1] = replace(services[-1], hours=(TimeRange(time(14, 0), time(17, 0)),))
    devices = (*config.devices, Device("kiosk-shots", Role.KIOSK, token="shots"))
    return replace(config, services=tuple(services), devices=devices)


def run_hub(config: object, db: str) -> tuple[Hub, asyncio.AbstractEventLoop]:
    loop = asyncio.new_event_loop()
    threading.Thread(target=loop.run_forever, daemon=True).start()

    async def start() -> Hub:
        hub = Hub(config, db, port=0, clock=lambda: TEN_AM)  # type: ignore[arg-type]
        await hub.start()
        return hub

    return asyncio.run_coroutine_threadsafe(start(), loop).result(10), loop


def wait(app: QApplication, cond: Callable[[], bool], timeout_s: float = 10) -> None:
    import time as clock

    end = clock.monotonic() + timeout_s
    while not cond():
        if clock.monotonic() > end:
            raise TimeoutError("the kiosk did not get there in time")
        app.processEvents()
        clock.sleep(0.01)


def main() -> int:
    app = QApplication(sys.argv[:1])
    OUT.mkdir(parents=True, exist_ok=True)
    tmp = tempfile.mkdtemp()
    hub, loop = run_hub(sample_hall(), f"{tmp}/queue.db")

    async def some_waiting() -> None:  # in the hub's own loop, before the kiosk connects
        for n, service in enumerate(("A", "A", "C", "D", "F", "F", "F")):
            hub.engine.execute(TakeTicket(id=n, service=service), TEN_AM)

    asyncio.run_coroutine_threadsafe(some_waiting(), loop).result(10)
    printer = VirtualPrinter().start()
    settings = KioskSettings(notice="今日办理：社保、医保、税务、不动产登记。请带好身份证。",
                             id_salt="shots", hall_name="东乡区政务服务中心")
    bridge = HubBridge(f"ws://127.0.0.1:{hub.port}", "kiosk-shots", "shots")
    kiosk = build_kiosk(app, bridge, TicketPrinter(load_printer_profile("zh-80mm"),
                                                    printer.connection), settings,
                        clock=lambda: TEN_AM)
    kiosk.timer.stop()
    p, w = kiosk.presenter, kiosk.window
    w.setWindowFlag(Qt.WindowType.FramelessWindowHint)
    bridge.start()
    wait(app, lambda: p.online)
    zones = p.zones()
    closed_zone = next(z.id for z in zones if any(not s.available for s in z.services))

    def shot(size: str, name: str) -> None:
        wait(app, lambda: not p.busy)
        for _ in range(3):
            app.processEvents()
        image = w.grab().toImage()  # the real size: 1080×1920 or 1920×1080
        assert (image.width(), image.height()) == SIZES[size], image.size()
        image.save(str(OUT / f"kiosk-{size}-{name}.png"), "PNG")

    def mode(elderly: bool, dp: int = 0, english: bool = False) -> None:
        if p.elderly != elderly:
            p.toggle_elderly()
        while dp and p.text_dp != dp:
            p.bigger_text()
        if p.english != english:
            p.toggle_english()

    tickets: list[bytes] = []
    for size, (width, height) in SIZES.items():
        w.resize(width, height)
        w.show()
        p.back()
        mode(False)
        shot(size, "home")
        p.open_zone(zones[0].id)
        shot(size, "services")
        p.back()
        p.open_zone(closed_zone)
        shot(size, "services-closed")
        p.back()
        mode(True)
        shot(size, "elderly-home")
        mode(True, 30)
        shot(size, "elderly-home-30")
        p.open_zone(closed_zone)
        shot(size, "elderly-services-closed-30")
        p.back()
        mode(False, english=True)
        shot(size, "english")
        p.open_zone(closed_zone)
        shot(size, "english-services-closed")
        p.back()
        p.start_priority()
        p.open_zone(zones[0].id)
        jobs = len(printer.jobs)
        p.take(p.services()[0].id)
        wait(app, lambda: p.taken is not None and p.taken.printed is True)
        wait(app, lambda jobs=jobs: len(printer.jobs) > jobs)  # type: ignore[misc]
        shot(size, "english-priority-taken")
        tickets.append(printer.jobs[-1])
        p.back()  # the ticket's screen ends: the hall's defaults again
        p._go_idle()
        shot(size, "idle")
        p.wake()
        p.start_priority()
        shot(size, "priority")
        p.start_booking()
        for c in "20261123":
            p.key(c)
        shot(size, "booking")
        p.back()
        printer.faults.paper_out = True
        p.open_zone(zones[1].id)
        p.take(p.services()[0].id)
        wait(app, lambda: p.screen.value == "message")
        shot(size, "paper-out")
        printer.faults.paper_out = False
        printer.faults.disconnect_after_bytes = 10
        p.back()
        p.open_zone(zones[1].id)
        p.take(p.services()[0].id)
        wait(app, lambda: p.taken is not None and p.taken.printed is False)
        shot(size, "not-printed")
        printer.faults.disconnect_after_bytes = None
        p.back()
        mode(True)
        p.open_zone(zones[0].id)
        p.asking_more_time = True  # what the idle timer does after idle_home_s
        p._asked_at = p._mono()
        p.refresh()
        shot(size, "more-time")
        p.more_time()
        p.back()
        mode(False)
        p.id_card("11010519491231002X")  # a sample number (not a real person's)
        shot(size, "id-card")
        p.back()
        p.set_online(False)  # the hub is unreachable
        shot(size, "offline")
        p.set_online(True)
    (OUT / "ticket-priority-english.bin").write_bytes(tickets[0])
    bridge.stop()
    printer.stop()
    total = sum(f.stat().st_size for f in OUT.glob("kiosk-*.png"))
    print(f"{len(list(OUT.glob('kiosk-*.png')))} screenshots, {total / 1e6:.1f} MB in {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
