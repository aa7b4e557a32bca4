"""The scripted morning: citizens at the kiosk, clerks at their terminals, ratings on
the pads, the printer running out of paper. It drives the real apps through their
presenters and the twins (what a touch, a key or a pad press would do) and never
blocks the Qt event loop: the script is a generator of steps that :class:`Runner`
plays on a timer."""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Generator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QWidget

from hall.payloads import EventKind
from jiaohao.demo.hall import Booth, DemoHall
from kiosk.model import Screen
from qtkit.screenshot import grab

log = logging.getLogger(__name__)

#: real seconds the apps get to redraw before a screenshot
SETTLE_S = 0.3


@dataclass(frozen=True)
class Until:
    """Go on once ``test()`` holds (checked on the GUI thread), or after ``timeout_s``."""

    test: Callable[[], bool]
    what: str
    timeout_s: float = 30.0


@dataclass(frozen=True)
class Pause:
    """Let the apps run this many real seconds."""

    seconds: float


@dataclass(frozen=True)
class Minutes:
    """Let this much demo time pass (at once on a stopped clock, else in real time)."""

    minutes: float


Step = Until | Pause | Minutes
Script = Generator[Step, None, Any]


class Runner(QObject):
    """Plays a script on the Qt event loop; ``on_done(gave_up)`` at its end with the
    waits that timed out."""

    def __init__(self, script: Script, clock: Any, settle_s: float,
                 on_done: Callable[[list[str]], None]) -> None:
        super().__init__()
        self.script, self.clock, self.settle_s, self.on_done = script, clock, settle_s, on_done
        self.gave_up: list[str] = []
        self._step: Step = Pause(0)
        self._deadline = 0.0
        self._timer = QTimer(self)
        self._timer.setInterval(10)
        self._timer.timeout.connect(self._tick)

    def start(self) -> None:
        self._timer.start()

    def _tick(self) -> None:
        now = time.monotonic()
        step = self._step
        if isinstance(step, Until):
            if not step.test():
                if now < self._deadline:
                    return
                log.warning("demo: gave up waiting for %s", step.what)
                self.gave_up.append(step.what)
        elif now < self._deadline:
            return
        self._next(now)

    def _next(self, now: float) -> None:
        try:
            step = next(self.script)
        except StopIteration:
            self._finish()
            return
        except Exception:
            log.exception("demo: the script failed")
            self.gave_up.append("the script failed")
            self._finish()
            return
        self._step = step
        if isinstance(step, Until):
            self._deadline = now + step.timeout_s
        elif isinstance(step, Minutes):
            if self.clock.speed:
                self._deadline = now + step.minutes * 60 / self.clock.speed
            else:
                self.clock.advance(step.minutes)
                self._deadline = now + self.settle_s
        else:
            self._deadline = now + step.seconds

    def _finish(self) -> None:
        self._timer.stop()
        self.on_done(self.gave_up)


class Shots:
    """Screens at moments that matter, numbered in the order they happened."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self.taken: list[Path] = []

    def __call__(self, name: str, widget: QWidget) -> None:
        if self.folder is None:
            return
        path = self.folder / f"{len(self.taken) + 1:02d}-{name}.png"
        try:
            self.taken.append(grab(widget, path))
        except OSError as exc:
            log.warning("demo: %s", exc)


class Morning:
    """One scripted morning in ``hall``: ``tickets`` citizens, then the windows serve
    whoever still waits (for ever with ``keep_serving``, for a person at the kiosk)."""

    def __init__(self, hall: DemoHall, tickets: int, rng: random.Random, shots: Shots,
                 say: Callable[[str], None], keep_serving: bool = False) -> None:
        self.hall, self.tickets, self.rng, self.shot, self.say = hall, tickets, rng, shots, say
        self.keep_serving = keep_serving
        self.kiosk = hall.kiosk.presenter
        self.issued = 0
        self.calls = 0
        self.finished = 0
        self.ratings = 0
        self.ratings_seen = 0
        self.firsts: set[str] = set()
        windows = {b.number for b in hall.booths}
        served = {s for w in hall.config.windows if w.number in windows for s in w.services}
        self.services = [s for s in hall.config.services if s.id in served]
        hall.wall.replica.applied.connect(self._event)
        # the moments of this morning (as indices of tickets, calls and finishes)
        self.priority_at = 4
        self.paper_out_at = max(2, tickets * 2 // 3)
        self.no_show_at = 3
        self.transfer_at = 2
        self.bad_rating_at = 3
        self.transferred = False

    def _event(self, event: Any) -> None:
        if event.kind is EventKind.RATING_RECORDED:
            self.ratings_seen += 1

    def once(self, name: str) -> bool:
        """True the first time ``name`` is asked (one screenshot per kind of moment)."""
        if name in self.firsts:
            return False
        self.firsts.add(name)
        return True

    # -- the morning ---------------------------------------------------------------------

    def run(self) -> Script:
        hall = self.hall
        yield Until(lambda: hall.online, "every app to connect to the hub", 60)
        for booth in hall.booths:
            booth.presenter.act("sign_in", staff=booth.staff.id)
        yield Until(lambda: all(b.presenter.view.signed_in for b in hall.booths),
                    "the clerks to sign in")
        for booth in hall.booths:
            self.say(f"{booth.name}: {booth.staff.name}（工号 {booth.staff.id}）签到")
        yield Until(lambda: all(b.bar.text for b in hall.booths), "the LED bars to light", 10)
        yield Pause(SETTLE_S)
        self.shot("wall-0830-hall-opens", hall.wall.window)
        self.shot("kiosk-home", hall.kiosk.window)
        while (self.issued < self.tickets or self.keep_serving
               or any(b.presenter.view.current or b.presenter.view.total_waiting
                      for b in hall.booths)):
            yield Minutes(self.rng.uniform(1.0, 3.0))
            if self.issued < self.tickets:
                if self.issued == self.paper_out_at and self.once("paper"):
                    yield from self.paper_runs_out()
                if (yield from self.citizen()):
                    self.issued += 1
            for booth in hall.booths:
                yield from self.clerk(booth)
        yield Pause(0.5)
        self.shot("wall-end-of-morning", hall.wall.window)
        self.shot("leds-and-pads-end-of-morning", hall.devices_window)
        self.shot("printer-last-tickets", hall.printer_window)

    def citizen(self) -> Generator[Step, None, bool]:
        """One citizen takes a ticket at the kiosk; False when none came out."""
        p = self.kiosk
        if self.hall.person_at_kiosk or p.busy or p.screen not in (
                Screen.IDLE, Screen.HOME, Screen.TAKEN, Screen.MESSAGE):
            return False  # a person is using the kiosk: they joined the demo
        service = self.rng.choice(self.services)
        if p.screen is Screen.IDLE:
            p.wake()
        p.back()
        priority = self.issued == self.priority_at
        if priority:
            p.start_priority()
        if service.zone:
            p.open_zone(service.zone)
        if self.once("kiosk-services"):
            yield Pause(SETTLE_S)
            self.shot("kiosk-choose-a-service", self.hall.kiosk.window)
        saved = len(self.hall.tickets.saved)
        p.take(service.id)
        yield Until(lambda: not p.busy and p.screen in (Screen.TAKEN, Screen.MESSAGE),
                    "the kiosk to answer")
        if p.screen is Screen.MESSAGE or p.taken is None:
            self.say(f"取号 {service.name}: {p.message}")
            return False
        yield Until(lambda: p.taken is None or p.taken.printed is not None, "the ticket to print")
        taken = p.taken
        if taken is None:
            return False
        if taken.printed:
            yield Until(lambda: len(self.hall.tickets.saved) > saved, "the ticket's bytes")
        flag = "（优先）" if priority else ""
        self.say(f"取号 {taken.number}{flag} {service.name}，前面 {taken.ahead} 人"
                 f"{'' if taken.printed else ' — 未打印：' + taken.problem}")
        if self.once("kiosk-ticket"):
            yield Pause(SETTLE_S)
            self.shot(f"kiosk-ticket-{taken.number}-taken", self.hall.kiosk.window)
        if priority:
            yield Pause(SETTLE_S)
            self.shot(f"kiosk-priority-ticket-{taken.number}", self.hall.kiosk.window)
        return True

    def paper_runs_out(self) -> Script:
        hall = self.hall
        hall.printer.faults.paper_out = True
        hall.printer_window.show_paper()
        self.say("取号机打印机缺纸")
        yield from self.citizen()
        yield Pause(SETTLE_S)
        self.shot("kiosk-printer-out-of-paper", hall.kiosk.window)
        yield Until(lambda: bool(hall.wall.model.view().problems),
                    "the wall to show the kiosk out of paper", 15)
        yield Pause(SETTLE_S)
        self.shot("wall-kiosk-out-of-paper", hall.wall.window)
        self.shot("printer-out-of-paper", hall.printer_window)
        yield Minutes(2)
        hall.printer.faults.paper_out = False
        hall.printer_window.show_paper()
        self.say("服务台补充号票纸，取号机恢复出票")
        self.kiosk.back()

    def clerk(self, booth: Booth) -> Script:
        p = booth.presenter
        view = p.view
        if view.current is None:
            if view.total_waiting and not view.paused:
                yield from self.call_next(booth)
            return
        if self.hall.clock() - booth.serving_since < timedelta(minutes=booth.minutes):
            return
        if self.finished + 1 == self.transfer_at and not self.transferred:
            yield from self.transfer(booth)
            return
        current = view.current
        p.act("finish")
        yield Until(lambda: not p.view.busy, f"{booth.name} to finish")
        self.finished += 1
        self.say(f"{booth.name}: {current.number} 办结")
        self.ratings += 1
        score = 1 if self.ratings == self.bad_rating_at else self.rng.choice((5, 5, 5, 4, 4, 3))
        yield from self.rate(booth, current.number, score)

    def call_next(self, booth: Booth) -> Script:
        p = booth.presenter
        p.act("call_next")
        yield Until(lambda: not p.view.busy, f"{booth.name} to call")
        current = p.view.current
        if current is None:
            return
        self.calls += 1
        booth.serving_since = self.hall.clock()
        booth.minutes = self.rng.uniform(3.0, 7.0)
        self.say(f"叫号 请{current.number}号到{booth.name}办理")
        if self.once("first-call"):
            yield from self.wall_caught_up()
            self.shot(f"wall-calls-{current.number}-to-window-{booth.number}",
                      self.hall.wall.window)
            self.shot(f"caller-window-{booth.number}-serving-{current.number}",
                      booth.wiring.terminal.full)
            self.shot("leds-and-pads-first-call", self.hall.devices_window)
        if self.calls == self.no_show_at:
            yield from self.no_show(booth, current.number)

    def no_show(self, booth: Booth, number: str) -> Script:
        """Nobody comes: the clerk calls again, then marks the ticket 过号."""
        p = booth.presenter
        yield Minutes(1)
        p.act("recall")
        yield Until(lambda: not p.view.busy, f"{booth.name} to recall")
        self.say(f"重呼 {number}（{booth.name}）")
        yield from self.wall_caught_up()
        self.shot(f"wall-recalls-{number}", self.hall.wall.window)
        yield Minutes(2)
        p.act("skip")
        yield Until(lambda: not p.view.busy, f"{booth.name} to skip")
        self.say(f"{booth.name}: {number} 过号（未到）")
        self.shot(f"caller-window-{booth.number}-no-show-{number}", booth.wiring.terminal.full)

    def transfer(self, booth: Booth) -> Script:
        p = booth.presenter
        current = p.view.current
        assert current is not None
        others = [s.id for s in self.services if s.id != current.service]
        if not others:
            self.transferred = True
            return
        target = others[0]
        p.act("transfer", service=target)
        yield Until(lambda: not p.view.busy, f"{booth.name} to transfer")
        self.transferred = True
        found = self.hall.config.service(target)
        name = found.name if found is not None else target
        self.say(f"{booth.name}: {current.number} 转到 {name}")
        self.shot(f"caller-window-{booth.number}-transferred-{current.number}",
                  booth.wiring.terminal.full)

    def rate(self, booth: Booth, number: str, score: int) -> Script:
        """The pad lights up after the finish; the citizen presses a key."""
        yield Until(lambda: bool(booth.pad.lit), f"{booth.name}'s pad to light up", 15)
        if self.once("pad-lit"):
            yield Pause(SETTLE_S)
            self.shot(f"leds-and-pads-window-{booth.number}-asks-rating", self.hall.devices_window)
        # the pad drops a second press of the same key within its bounce time
        bounce = booth.wiring.pad.pad.profile.bounce_s
        since = time.monotonic() - booth.last_press
        if since < bounce:
            yield Pause(bounce - since)
        seen = self.ratings_seen
        booth.pad.press_score(score)
        booth.last_press = time.monotonic()
        yield Until(lambda: self.ratings_seen > seen, f"the rating of {number} to reach the hub")
        words = "差评！" if score <= 2 else ""
        self.say(f"{booth.name}: {number} 评价 {score} 分{words}")
        if score <= 2:
            yield Pause(SETTLE_S)
            self.shot(f"caller-window-{booth.number}-bad-rating-{number}",
                      booth.wiring.terminal.full)

    def wall_caught_up(self) -> Script:
        hall = self.hall
        seq = hall.hub.seq
        yield Until(lambda: hall.wall.replica.ready and hall.wall.replica.state.seq >= seq,
                    "the wall to catch up", 10)
        yield Pause(SETTLE_S)
