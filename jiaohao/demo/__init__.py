"""`jiaohao demo`: the whole hall on one machine, every device simulated.

An embedded hub on a sample hall (fresh database), the kiosk printing to a virtual
printer, caller terminals with virtual evaluator pads and LED bars, and the wall
display with the voice: the real apps in one process and one Qt event loop.

With a screen (DISPLAY or WAYLAND_DISPLAY, or Windows/macOS) the windows open and a
scripted morning runs on an accelerated clock; touch the kiosk to join it, press the
pads' keys to rate. With no screen, or ``--headless``, the apps run in offscreen
windows, the morning plays by itself and what people saw and heard goes into
``--out``:

- ``screens/NN-*.png`` the apps' screens at moments that matter, in order;
  ``screens/bar-window-N.png`` each window's LED bar at the end;
- ``tickets/A001.bin`` the exact printer bytes, ``tickets/A001.png`` them rendered;
- ``voice/0001-A001-window-1.wav`` each call spoken (when espeak-ng is installed);
- ``report/`` the day's 日通报 as `jiaohao report` writes it (PDF, XLSX, CSV, JSON,
  Markdown); ``report.md`` / ``report.json`` the same figures; ``queue.db`` the hub's
  store (``queue.db-stats`` its closed-day figures).
"""

from __future__ import annotations

import argparse
import logging
import os
import random
import shutil
import signal
import sys
import tempfile
from contextlib import nullcontext
from pathlib import Path
from typing import Any

DEFAULT_EXAMPLE = "dongxiang.toml"
OUTPUTS = ("tickets", "screens", "voice", "report")
OLD_FILES = ("queue.db", "queue.db-wal", "queue.db-shm", "queue.db-stats", "report.md",
             "report.json")

log = logging.getLogger(__name__)


def has_screen() -> bool:
    """Whether windows can be shown here."""
    if sys.platform in ("win32", "darwin"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="jiaohao demo", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--config", type=Path, default=None,
                        help="hall config (default: the shipped example dongxiang.toml)")
    parser.add_argument("--out", type=Path, default=Path("out/demo"),
                        help="output folder (default out/demo)")
    parser.add_argument("--headless", action="store_true",
                        help="no windows even when there is a screen: play and write --out")
    parser.add_argument("--tickets", type=int, default=None,
                        help="citizens who take a ticket (default 16; 60 with a screen)")
    parser.add_argument("--windows", type=int, default=3, help="windows that call (1-3)")
    parser.add_argument("--printer", default="zh-80mm", help="printer profile")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--fast", action="store_true",
                        help="headless: let the apps settle only briefly between steps (tests)")
    parser.add_argument("--speed", type=float, default=20.0,
                        help="with a screen: demo seconds per real second (default 20)")
    parser.add_argument("--quit-after", type=float, default=None, metavar="SECONDS",
                        help="with a screen: close after this many seconds, saving a "
                             "screenshot of the desktop into --out/screens/")
    return parser


def main(argv: list[str]) -> int:
    """Run the demo; 0 when it ran, 1 when part of the morning did not happen, 2 for a
    bad config or usage."""
    args = build_parser().parse_args(argv)
    if not 1 <= args.windows <= 3:
        print("jiaohao demo: --windows must be 1, 2 or 3", file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    screen = has_screen() and not args.headless
    if not screen:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"

    from hall.config import ConfigError, load_config
    from jiaohao.examples import example_path

    try:
        with example_path(DEFAULT_EXAMPLE) if args.config is None else nullcontext(
                args.config) as config_path:
            config = load_config(config_path)
    except ConfigError as exc:
        print(f"jiaohao demo: {exc}", file=sys.stderr)
        return 2
    out: Path = args.out
    for sub in OUTPUTS:
        shutil.rmtree(out / sub, ignore_errors=True)
        (out / sub).mkdir(parents=True, exist_ok=True)
    for name in OLD_FILES:
        (out / name).unlink(missing_ok=True)
    tickets = args.tickets if args.tickets is not None else (60 if screen else 16)
    with tempfile.TemporaryDirectory(prefix="jiaohao-demo-") as tmp:
        db_path = out / "queue.db" if not screen else Path(tmp) / "queue.db"
        return _run(args, config, out, db_path, tickets, screen)


def _run(args: argparse.Namespace, config: Any, out: Path, db_path: Path, tickets: int,
         screen: bool) -> int:
    from jiaohao.demo.clock import DemoClock
    from jiaohao.demo.hall import DemoHall
    from jiaohao.demo.output import write_report
    from jiaohao.demo.script import Morning, Runner, Shots
    from qtkit.app import application
    from report.tables import headline

    _quiet_offscreen_warnings()
    app = application(sys.argv[:1])
    clock = DemoClock(config.hall.timezone, speed=args.speed if screen else 0.0)

    def say(text: str) -> None:
        print(f"{clock.local():%H:%M}  {text}", flush=True)

    mode = "windows on this screen" if screen else "headless, offscreen windows"
    print(f"jiaohao demo: {config.hall.name} ({mode}), writing to {out}/", flush=True)
    hall = DemoHall(config, out, db_path, clock, args.windows, args.printer, headless=not screen)
    hall.start(app)
    shots = Shots(None if screen else out / "screens")
    morning = Morning(hall, tickets, random.Random(args.seed), shots, say, keep_serving=screen)
    result: list[list[str]] = []

    def done(gave_up: list[str]) -> None:
        result.append(gave_up)
        if not screen:
            app.quit()

    runner = Runner(morning.run(), clock, 0.02 if args.fast else 0.15, done)
    if screen:
        _show(hall, app)
        if args.quit_after is not None:
            from PySide6.QtCore import QTimer

            def quit_now() -> None:
                _desktop(app, out / "screens" / "desktop.png")
                app.quit()

            QTimer.singleShot(int(args.quit_after * 1000), quit_now)
    else:
        _headless_sizes(hall)
    runner.start()
    # Ctrl+C ends the demo the normal way (the report is still written); the runner's
    # timer gives Python the moments to notice the signal.
    signal.signal(signal.SIGINT, lambda *_: app.quit())
    try:
        app.exec()
    finally:
        day = hall.stop()
    _write_bars(hall, out)
    stats = write_report(out, db_path, config, day)
    say("日通报: " + "，".join(f"{label} {text}" for label, text in headline(stats)))
    print(f"done — look at {out}/screens/ (what people saw), {out}/tickets/ (the paper), "
          f"{out}/voice/ (the calls), {out}/report/ and {out}/report.md (the day)", flush=True)
    gave_up = result[0] if result else []
    if gave_up and not screen:
        print(f"jiaohao demo: parts of the morning did not happen: {'; '.join(gave_up)}",
              file=sys.stderr)
        return 1
    return 0


def _quiet_offscreen_warnings() -> None:
    """Drop Qt's offscreen plugin notes (one per shown window), keep everything else."""
    from PySide6.QtCore import QtMsgType, qInstallMessageHandler

    def handler(kind: QtMsgType, _context: Any, message: str) -> None:
        if "propagateSizeHints" not in message:
            print(message, file=sys.stderr)

    qInstallMessageHandler(handler)


def _headless_sizes(hall: Any) -> None:
    """Each app at the size of its real screen, shown (offscreen) from the start so it
    has laid itself out before its first screenshot."""
    hall.kiosk.window.resize(1080, 1920)
    hall.wall.window.resize(1920, 1080)
    hall.devices_window.adjustSize()
    for window in (hall.kiosk.window, hall.wall.window, hall.devices_window,
                   hall.printer_window):
        window.show()
    for booth in hall.booths:
        booth.wiring.terminal.full.resize(980, 520)
        booth.wiring.terminal.full.show()


def _show(hall: Any, app: Any) -> None:
    """Tile the windows on the primary screen: the kiosk on the left; on the right the
    wall, the caller terminals' strips, then the LED bars and pads beside the printer
    (a person may move them)."""
    area = app.primaryScreen().availableGeometry()
    x0, y0, w, h = area.x(), area.y(), area.width(), area.height()
    kiosk_w = max(480, w // 3)
    x, right = x0 + kiosk_w, w - kiosk_w
    hall.kiosk.window.setGeometry(x0, y0, kiosk_w, h)
    strips = [b.wiring.terminal for b in hall.booths]
    for terminal in strips:
        terminal.show_compact(True)
    strip_h = max(64, max(t.strip.sizeHint().height() for t in strips))
    devices = hall.devices_window.sizeHint()
    bottom_h = max(300, devices.height())
    wall_h = max(240, h - bottom_h - strip_h * len(strips))
    hall.wall.window.setGeometry(x, y0, right, wall_h)
    y = y0 + wall_h
    for terminal in strips:
        terminal.strip.setGeometry(x, y, right, strip_h)
        y += strip_h
    devices_w = min(max(devices.width(), right // 2), right - 320)
    hall.devices_window.setGeometry(x, y, devices_w, bottom_h)
    hall.printer_window.setGeometry(x + devices_w, y, right - devices_w, bottom_h)
    for window in (hall.kiosk.window, hall.wall.window, hall.devices_window,
                   hall.printer_window):
        window.show()


def _desktop(app: Any, path: Path) -> None:
    """The whole screen as PNG (what the person in front of it saw)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    picture = app.primaryScreen().grabWindow(0)
    if not picture.save(str(path), "PNG"):
        log.warning("cannot write %s", path)
    else:
        print(f"screenshot of the screen: {path}", flush=True)


def _write_bars(hall: Any, out: Path) -> None:
    from devices.virtual.render import render_bar

    for booth in hall.booths:
        render_bar(booth.bar.text or " ", flashing=booth.bar.flashing).save(
            out / "screens" / f"bar-window-{booth.number}.png")
