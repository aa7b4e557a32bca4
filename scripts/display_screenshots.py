"""Screenshots of the wall display from real windows, idle, busy and during a special
call (请大堂经理到3号窗口 on a busy hall), at three sizes.

    xvfb-run -a -s "-screen 0 3840x2160x24" .venv/bin/python scripts/display_screenshots.py
    (--states special: only the special call's)

Each state gets its own hub (in its own process) on the 200-window bench hall; three
wall screens (1920×1080, 3840×2160, 1080×1920) connect to it as real displays. The
PNGs are quantized to a 64-colour palette to keep them small.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PIL import Image  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from bench.display_hall import BigHall  # noqa: E402
from display.app import WallApp  # noqa: E402
from display.model import Phase  # noqa: E402
from hall.wallclock import wall_clock  # noqa: E402
from qtkit.bridge import HubBridge  # noqa: E402
from qtkit.fonts import setup_fonts  # noqa: E402

SIZES = [(1920, 1080), (3840, 2160), (1080, 1920)]


def wait(app: QApplication, done: Callable[[], bool], timeout_s: float = 60.0) -> None:
    end = time.monotonic() + timeout_s
    while not done():
        if time.monotonic() > end:
            raise TimeoutError("the wall did not get there in time")
        app.processEvents()
        time.sleep(0.01)


def shoot(app: QApplication, hall: BigHall, state: str, out: Path) -> None:
    walls = []
    for index, (w, h) in enumerate(SIZES, start=1):
        wall = WallApp(HubBridge(hall.url, f"display-{index}", f"display-{index}-token"),
                       now=wall_clock)
        wall.window.resize(w, h)
        wall.window.show()
        wall.start()
        walls.append(wall)
    wait(app, lambda: all(w.model.connected for w in walls))
    if state in ("busy", "special"):
        hall.issue(420)
        hall.call_all()
        for window in (17, 45, 101):
            hall.request(window, "pause")
        hall.run(_priority_ticket(hall))
        hall.request(2, "call_next")  # window 2 (tax) calls the priority ticket first
    else:
        hall.issue(14)
        hall.request(5, "pause")
    if state == "special":
        hall.request(3, "announce", call="manager")
    seq = hall.run(_seq(hall))
    wait(app, lambda: all(w.replica.state.seq >= seq for w in walls))
    if state == "special":  # during its highlight time, after the blinking
        wait(app, lambda: all(w.model.view().special is not None
                              and w.model.view().special.phase is Phase.HIGHLIGHT  # type: ignore
                              for w in walls))
    if state == "busy":  # the newest call after its blinking, highlighted
        wait(app, lambda: all(w.model.view().newest is not None
                              and w.model.view().newest.phase is Phase.HIGHLIGHT  # type: ignore
                              for w in walls))
    images = []
    for wall in walls:  # all grabbed first: a special call is on the panel for 10 s only
        wall.window.ticker.restart()  # the notice from its beginning, not mid-scroll
        wall.window.sync()  # this instant's view (the blink timer's may be 125 ms old)
        app.processEvents()
        images.append(wall.window.grab().toImage())
    for image, (w, h) in zip(images, SIZES, strict=True):
        path = out / f"display-{state}-{w}x{h}.png"
        image.save(str(path), "PNG")
        small = Image.open(path).convert("RGB").quantize(colors=64, method=Image.Quantize.MEDIANCUT)
        small.save(path, optimize=True)
        print(f"{path}: {path.stat().st_size // 1024} KiB")
    for wall in walls:
        wall.stop()
        wall.window.close()


async def _priority_ticket(hall: BigHall) -> None:
    async with hall.client("kiosk-1") as kiosk:
        await kiosk.request("take_ticket", service="A", priority=True)


async def _seq(hall: BigHall) -> int:
    """The hub's last event now."""
    async with hall.client("display-4") as client:
        return client.state.seq if client.state is not None else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--states", default="idle,busy,special",
                        help="which states to shoot (comma-separated)")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    app = QApplication(sys.argv[:1])
    setup_fonts(app)
    for state in args.states.split(","):
        with BigHall(windows=200) as hall:
            shoot(app, hall, state, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
