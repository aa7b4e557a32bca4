"""Screenshots of every kiosk screen from real windows, for docs/screenshots/.

    xvfb-run -a -s "-screen 0 1920x1920x24" .venv/bin/python scripts/kiosk_screenshots.py

Runs a real hub (a sample hall, in a thread) and the virtual printer, walks the kiosk
through its screens at 1080×1920, 1920×1080 and 1280×800, and saves each as a PNG scaled
to half size (docs/screenshots/kiosk-<size>-<screen>.png).
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
from hub.server import Hub  # noqa: E402
from kiosk.app import build_kiosk  # noqa: E402
from kiosk.presenter import KioskSettings  # noqa: E402
from kiosk.printing import TicketPrinter  # noqa: E402
from printer.profile import load_printer_profile  # noqa: E402
from printer.virtual import VirtualPrinter  # noqa: E402
from qtkit.bridge import HubBridge  # noqa: E402

OUT = ROOT / "docs" / "screenshots"
TEN_AM = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # a Monday, 10:00 in the hall
SIZES = {"portrait": (1080, 1920), "landscape": (1920, 1080), "small": (1280, 800)}


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
    hub, _loop = run_hub(sample_hall(), f"{tmp}/queue.db")
    printer = VirtualPrinter().start()
    settings = KioskSettings(notice="今日办理：社保、医保、税务、不动产登记。请带好身份证。",
                             id_salt="shots")
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

    def shot(size: str, name: str) -> None:
        wait(app, lambda: not p.busy)
        for _ in range(3):
            app.processEvents()
        image = w.grab().toImage()
        image = image.scaledToWidth(image.width() // 2, Qt.TransformationMode.SmoothTransformation)
        image.save(str(OUT / f"kiosk-{size}-{name}.png"), "PNG")

    for size, (width, height) in SIZES.items():
        w.resize(width, height)
        w.show()
        for elderly in (False, True):
            if p.elderly != elderly:
                p.toggle_elderly()
            tag = "elderly-" if elderly else ""
            p.back()
            shot(size, f"{tag}home")
            p.open_zone(zones[0].id)
            shot(size, f"{tag}services")
            if size != "portrait" and not elderly:
                continue
            p.take(p.services()[0].id)
            wait(app, lambda: p.taken is not None and p.taken.printed is True)
            shot(size, f"{tag}taken")
        p.toggle_elderly()
        if size == "small":
            continue
        p._go_idle()
        shot(size, "idle")
        p.wake()
        p.open_zone(zones[-1].id)
        shot(size, "services-closed")
        p.start_booking()
        for c in "20261123":
            p.key(c)
        shot(size, "booking")
        p.start_priority()
        shot(size, "priority")
        p.open_zone(zones[1].id)
        shot(size, "priority-services")
        printer.faults.paper_out = True
        p.take(p.services()[0].id)
        wait(app, lambda: p.screen.value == "message")
        shot(size, "paper-out")
        printer.faults.paper_out = False
        printer.faults.disconnect_after_bytes = 10
        p.back()
        p.take(p.services()[1].id)
        wait(app, lambda: p.taken is not None and p.taken.printed is False)
        shot(size, "not-printed")
        printer.faults.disconnect_after_bytes = None
        p.back()
        p.open_zone(zones[0].id)
        p.toggle_elderly()
        p.asking_more_time = True  # what the idle timer does after idle_home_s
        p.refresh()
        shot(size, "more-time")
        p.toggle_elderly()
        p.back()
        p.id_card("11010519491231002X")  # a sample number (not a real person's)
        shot(size, "id-card")
        p.back()
        p.set_online(False)
        shot(size, "paused")
        p.set_online(True)
        p.toggle_english()
        shot(size, "english")
        p.toggle_english()
    bridge.stop()
    printer.stop()
    total = sum(f.stat().st_size for f in OUT.glob("kiosk-*.png"))
    print(f"{len(list(OUT.glob('kiosk-*.png')))} screenshots, {total / 1e6:.1f} MB in {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
