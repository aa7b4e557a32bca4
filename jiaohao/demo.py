"""`jiaohao demo`: a whole hall on one machine, every device simulated.

An embedded hub on a sample hall, a kiosk printing to a virtual printer, caller
terminals with virtual evaluator pads, and a display driving virtual LED bars and an
offline voice. It plays a scripted morning (on a simulated clock, so it takes
seconds) and writes what a person would have seen and heard into ``--out``:

- ``tickets/A001.bin`` the exact bytes the printer received, ``tickets/A001.png`` them
  rendered back;
- ``screens/bar-window-3.png`` each window's LED bar as it ended the morning;
- ``voice/0001-A001.wav`` each call spoken (when espeak-ng is installed);
- ``report/`` the day's 日通报 as PDF, XLSX and CSV (`jiaohao report`); ``report.md`` /
  ``report.json`` the same figures in brief; ``queue.db`` the hub's store.

The kiosk, caller and wall-display apps (Qt) are not part of this version yet, so the
demo always plays headless.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import queue
import random
import shutil
import sys
import time
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

DEFAULT_EXAMPLE = "dongxiang.toml"

log = logging.getLogger(__name__)


class SimClock:
    """The hub's clock during the demo: starts at 08:30 today in the hall's time zone."""

    def __init__(self, timezone: str) -> None:
        tz = ZoneInfo(timezone)
        local = datetime.now(tz).replace(hour=8, minute=30, second=0, microsecond=0)
        self.now = local.astimezone(UTC)
        self.tz = tz

    def __call__(self) -> datetime:
        return self.now

    def advance(self, minutes: float) -> None:
        self.now += timedelta(minutes=minutes)

    def local(self) -> datetime:
        return self.now.astimezone(self.tz)


@dataclass
class Window:
    """One window's simulated hardware and its caller terminal."""

    number: int
    name: str
    caller: Any  # HubClient
    pad: Any
    pad_twin: Any
    bar: Any
    bar_twin: Any
    serving: dict[str, Any] | None = None
    served: int = 0
    last_press: float = 0.0  # monotonic time of the pad's last key press


@dataclass
class Demo:
    out: Path
    config: Any
    printer_profile: str
    clock: SimClock
    rng: random.Random
    windows: list[Window] = field(default_factory=list)
    pad_events: queue.Queue[Any] = field(default_factory=queue.Queue)
    calls_spoken: int = 0

    def say(self, text: str) -> None:
        print(f"{self.clock.local():%H:%M}  {text}", flush=True)


def main(argv: list[str]) -> int:
    """Play the demo morning; 0 when it ran, 2 for a bad config or usage."""
    parser = argparse.ArgumentParser(prog="jiaohao demo", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--config", type=Path, default=None,
                        help="hall config (default: the shipped example dongxiang.toml)")
    parser.add_argument("--out", type=Path, default=Path("out/demo"), help="output folder")
    parser.add_argument("--tickets", type=int, default=16, help="tickets the kiosk issues")
    parser.add_argument("--windows", type=int, default=3, help="windows that call")
    parser.add_argument("--printer", default="zh-80mm", help="printer profile")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")

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
    if out.exists():
        for sub in ("tickets", "screens", "voice", "report"):
            shutil.rmtree(out / sub, ignore_errors=True)
        for name in ("queue.db", "queue.db-wal", "queue.db-shm", "report.md", "report.json"):
            (out / name).unlink(missing_ok=True)
    for sub in ("tickets", "screens", "voice"):
        (out / sub).mkdir(parents=True, exist_ok=True)
    demo = Demo(out=out, config=config, printer_profile=args.printer,
                clock=SimClock(config.hall.timezone), rng=random.Random(args.seed))
    print(f"jiaohao demo: {config.hall.name}, writing to {out}/ (headless: the Qt apps come "
          "in a later version)", flush=True)
    asyncio.run(_play(demo, args.tickets, args.windows))
    print(f"done: {out}/report/ (PDF, XLSX, CSV), {out}/report.md, {out}/tickets/, "
          f"{out}/screens/, {out}/voice/")
    return 0


async def _play(demo: Demo, tickets: int, window_count: int) -> None:
    from devices.ledbar import LedBar
    from devices.link import SerialLink
    from devices.pad import Pad
    from devices.profiles import load_ledbar, load_pad
    from devices.virtual import VirtualBar, VirtualBus, VirtualPad
    from hall.client import HubClient
    from hall.config import Role
    from hub.server import Hub
    from printer.virtual import VirtualPrinter

    config = demo.config
    hub = Hub(config, str(demo.out / "queue.db"), port=0, clock=demo.clock, rate=None)
    await hub.start()
    printer = VirtualPrinter().start()
    pad_profile, bar_profile = load_pad("ff68-5key-screen"), load_ledbar("a5-sum")
    pad_bus = VirtualBus(pad_profile.framing).start()
    bar_bus = VirtualBus(bar_profile.framing).start()
    pad_link = SerialLink.for_profile(str(pad_bus.path), pad_profile, events=demo.pad_events)
    bar_link = SerialLink.for_profile(str(bar_bus.path), bar_profile)

    devices = {d.role: d for d in reversed(config.devices)}
    callers = [d for d in config.devices if d.role is Role.CALLER][:window_count]
    if Role.KIOSK not in devices or Role.DISPLAY not in devices or not callers:
        raise SystemExit("jiaohao demo: the hall config needs a kiosk, a display and a caller")

    def token(device: Any) -> str:
        if not device.token:
            raise SystemExit(f"jiaohao demo: device {device.id} has only a hashed token")
        return str(device.token)

    kiosk = HubClient(hub.url, devices[Role.KIOSK].id, token(devices[Role.KIOSK]),
                      subscribe=False)
    display = HubClient(hub.url, devices[Role.DISPLAY].id, token(devices[Role.DISPLAY]),
                        keep_events=True)
    await kiosk.connect()
    await display.connect()
    for device in callers:
        assert device.window is not None
        window = config.window(device.window)
        client = HubClient(hub.url, device.id, token(device), subscribe=False)
        await client.connect()
        address = len(demo.windows) + 1
        pad_twin = pad_bus.add(VirtualPad(pad_profile, address=address))
        bar_twin = bar_bus.add(VirtualBar(bar_profile, address=address))
        demo.windows.append(Window(
            number=window.number, name=window.name, caller=client,
            pad=Pad(pad_link, pad_profile, address=address), pad_twin=pad_twin,
            bar=LedBar(bar_link, bar_profile, address=address), bar_twin=bar_twin,
        ))
    pad_link.start()
    bar_link.start()
    try:
        await _morning(demo, hub, kiosk, display, printer, tickets)
        _write_bars(demo)
        _write_report(demo, hub)
    finally:
        for window in demo.windows:
            await window.caller.close()
        await kiosk.close()
        await display.close()
        pad_link.stop()
        bar_link.stop()
        pad_bus.stop()
        bar_bus.stop()
        printer.stop()
        await hub.stop()


async def _morning(demo: Demo, hub: Any, kiosk: Any, display: Any, printer: Any,
                   tickets: int) -> None:
    from hall.errors import RequestFailed

    config = demo.config
    services = [s for s in config.services
                if any(s.id in w.services for w in config.windows
                       if w.number in {x.number for x in demo.windows})]
    for staff, window in zip(config.staff, demo.windows, strict=False):
        await window.caller.request("sign_in", window=window.number, staff=staff.id)
        window.pad.show_clerk(staff.name, staff.id)
        demo.say(f"{window.name}: {staff.name} (工号 {staff.id}) 签到")
    for window in demo.windows:
        window.bar.show_welcome()

    issued = 0
    step = 0
    while issued < tickets or any(w.serving for w in demo.windows) or _waiting(display):
        step += 1
        demo.clock.advance(demo.rng.uniform(0.5, 2.5))
        if issued < tickets:
            service = demo.rng.choice(services)
            priority = demo.rng.random() < 0.15
            try:
                data = await kiosk.request("take_ticket", service=service.id, priority=priority)
            except RequestFailed as exc:
                demo.say(f"取号 {service.name}: {exc.message}")
            else:
                issued += 1
                _print_ticket(demo, printer, data)
        if step % 2 == 0 or issued >= tickets:
            window = demo.windows[step % len(demo.windows)]
            await _serve_next(demo, window, display)
        await display.wait_for_seq(hub.engine.state.seq)
        _announce(demo, display)


def _waiting(display: Any) -> bool:
    state = display.state
    return bool(state and any(len(q) for q in state.queues.values()))


def _print_ticket(demo: Demo, printer: Any, data: dict[str, Any]) -> None:
    from printer.job import print_ticket
    from printer.profile import load_printer_profile
    from printer.render import render
    from printer.ticket import ticket_content

    ticket = data["ticket"]
    content = ticket_content(demo.config, data)
    profile = load_printer_profile(demo.printer_profile)
    jobs = len(printer.jobs)
    result = print_ticket(content, profile, printer.connection)
    printer.wait_for_jobs(jobs + 1, 10)
    number = ticket["number"]
    if printer.jobs[jobs:]:
        raw = printer.jobs[jobs]
        (demo.out / "tickets" / f"{number}.bin").write_bytes(raw)
        render(raw, profile.width_dots).image.save(demo.out / "tickets" / f"{number}.png")
    flag = "（优先）" if ticket["priority"] else ""
    demo.say(f"取号 {number}{flag} {content.service_name}，前面 {data['ahead']} 人"
             f" — 打印: {result.message}")


async def _serve_next(demo: Demo, window: Window, display: Any) -> None:
    from hall.errors import RequestFailed

    caller = window.caller
    if window.serving is not None:
        ticket = window.serving
        score = await _rate(demo, window, ticket)
        if score is not None:
            await caller.request("rate", window=window.number, ticket=ticket["id"], score=score)
    try:
        data = await caller.request("call_next", window=window.number)
    except RequestFailed as exc:
        demo.say(f"{window.name}: {exc.message}")
        return
    if window.serving is not None:
        window.served += 1
    window.serving = data["ticket"]
    if window.serving is not None and demo.rng.random() < 0.2:
        demo.clock.advance(1)
        await caller.request("recall", window=window.number)


async def _rate(demo: Demo, window: Window, ticket: dict[str, Any]) -> int | None:
    """The pad lights up; the citizen presses a key on the virtual pad."""
    from devices.events import RatingGiven, RatingTimedOut

    twin = window.pad_twin
    before = len(twin.received)
    # Generous timeouts: a loaded machine must not turn a pressed key into "not rated".
    request = window.pad.request_rating(timeout_s=30)
    if not twin.wait_for(lambda: len(twin.received) > before and twin.lit, 30):
        log.warning("%s: the pad did not light up", window.name)
    score = demo.rng.choices([5, 4, 3, 2], weights=[60, 25, 10, 5])[0]
    # The demo's clock runs fast, a citizen's finger does not: the pad drops a second
    # press of the same key within its bounce time, so leave it that long.
    since = time.monotonic() - window.last_press
    if since < window.pad.profile.bounce_s:
        await asyncio.sleep(window.pad.profile.bounce_s - since)
    twin.press_score(score)
    window.last_press = time.monotonic()
    while True:
        event = await asyncio.to_thread(demo.pad_events.get, True, 40)
        if isinstance(event, RatingGiven) and event.request_id == request:
            demo.say(f"{window.name}: {ticket['number']} 评价 {event.score} 分")
            return int(event.score)
        if isinstance(event, RatingTimedOut) and event.request_id == request:
            return None


def _announce(demo: Demo, display: Any) -> None:
    """What the display does with each call: LED bar and voice."""
    from hall.protocol import EventKind
    from voice.phrases import call_sentence

    while not display.events.empty():
        event = display.events.get_nowait()
        if event.kind is not EventKind.TICKET_CALLED:
            continue
        number, window_number = event.data["ticket"]["number"], event.data["window"]
        window = next((w for w in demo.windows if w.number == window_number), None)
        text = call_sentence(demo.config, number, window_number)
        again = "（重呼）" if event.data.get("recall") else ""
        demo.say(f"叫号 {text}{again}")
        if window is not None:
            window.bar.show_call(number, window_number)
            window.bar_twin.wait_for(lambda w=window, n=number: n in w.bar_twin.text, 5)
        demo.calls_spoken += 1
        _speak(demo, text, f"{demo.calls_spoken:04d}-{number}")


def _speak(demo: Demo, text: str, name: str) -> None:
    from voice.espeak import speak_to_wav

    speak_to_wav(text, demo.out / "voice" / f"{name}.wav")


def _write_bars(demo: Demo) -> None:
    from devices.virtual.render import render_bar

    for window in demo.windows:
        render_bar(window.bar_twin.text or " ", flashing=window.bar_twin.flashing).save(
            demo.out / "screens" / f"bar-window-{window.number}.png")


def _write_report(demo: Demo, hub: Any) -> None:
    import sqlite_utils

    from hub.report import day_report, report_markdown

    db = sqlite_utils.Database(demo.out / "queue.db")
    report = day_report(db, demo.config, hub.engine.state.day)
    db.close()
    (demo.out / "report.json").write_text(json.dumps(report, ensure_ascii=False, indent=2),
                                          encoding="utf-8")
    (demo.out / "report.md").write_text(report_markdown(report), encoding="utf-8")
    _write_documents(demo, hub)
    hall = report["hall"]
    demo.say(f"日通报: 取号 {hall['issued']}，办结 {hall['served']}，"
             f"平均等候 {hall['average_wait_min']} 分钟，满意率 "
             f"{(hall['satisfaction'] or 0) * 100:.0f}%")


def _write_documents(demo: Demo, hub: Any) -> None:
    """The day's 日通报 as PDF, XLSX and CSV, as `jiaohao report` writes it."""
    import sqlite_utils

    from hall.state import day_date
    from hub.stats import hall_stats
    from report.cli import write_report

    day = day_date(hub.engine.state.day)
    db = sqlite_utils.Database(demo.out / "queue.db")
    try:
        stats = hall_stats(db, demo.config, day, day)
    finally:
        db.close()
    write_report(stats, demo.config.hall.name, demo.out / "report")

