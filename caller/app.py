"""Wiring: the bridge and replica feed the presenter; the presenter drives the windows
and, when the station names this window's evaluator pad, the pad.

A rating the pad confirmed is kept in a journal beside the station file
(``<station>.ratings.jsonl``, devices/outbox.py) and sent until the hub acknowledges it:
again at every reconnection, every few seconds while it fails, and first thing after
the terminal restarts.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from caller.actions import key_map
from caller.presenter import CallerPresenter
from caller.window import Terminal
from devices.events import RatingCancelled, RatingGiven, RatingTimedOut
from devices.outbox import Kept, RatingOutbox, verdict
from devices.ratings import ClerkCard, Rated, RatingBook
from devices.showing import BarShow
from hall.clock import Clock
from qtkit.bridge import HubBridge
from qtkit.replica import Replica
from qtkit.results import Reply
from qtkit.station import Station
from qtkit.theme import Theme, make_theme

log = logging.getLogger(__name__)


def terminal_theme() -> Theme:
    """How the terminal looks (18 dp text): set by ``jiaohao caller``, and by the tests
    that picture it or measure its buttons."""
    return make_theme(18)


class _PadEvents(QObject):
    """Pad events from the serial link's thread, delivered on the GUI thread."""

    arrived = Signal(object)


@dataclass
class TerminalPad:
    """The window's pad when this terminal drives it (station ``[[serial]] kind = "pad"``)."""

    pad: Any
    link: Any
    book: RatingBook = field(default_factory=RatingBook)
    card: ClerkCard = field(default_factory=ClerkCard)


class Wiring:
    """Everything ``jiaohao caller`` runs, also built by tests and screenshots."""

    def __init__(self, station: Station, window: int | None = None, compact: bool = False,
                 bridge: HubBridge | None = None, *, clock: Clock) -> None:
        """``clock`` is the local clock; the terminal times services by the hub's
        (``replica.clock``: ``clock`` plus the offset to the hub's time)."""
        self.station = station
        self.bridge = bridge or HubBridge(station.hub, station.device, station.token)
        self.replica = Replica(self.bridge, clock=clock)
        number = window if window is not None else int(station.app.get("window", 0) or 0)
        self.pad = self._make_pad(station)
        journal = None
        if self.pad is not None and station.file is not None:
            journal = Path(station.file).with_name(f"{Path(station.file).stem}.ratings.jsonl")
        self.outbox = RatingOutbox(journal)
        self._sending: set[str] = set()  # kept ratings with a request on its way
        self.bar_links: dict[str, Any] = {}
        self.bars = self._make_bars(station)
        self.presenter = CallerPresenter(number, self.bridge, self.replica.clock,
                                         on_finished=self._finished)
        keys = station.app.get("keys")
        self.terminal = Terminal(self.presenter, compact=compact,
                                 keys=key_map(keys if isinstance(keys, dict) else None))
        self.bridge.welcomed.connect(self._welcomed)
        self.replica.reset.connect(self._reset)
        self.replica.applied.connect(self._applied)
        if self.bars is not None:  # a welcome held back after a finish (no flicker)
            self._bar_timer = QTimer(self.terminal.full)
            self._bar_timer.setInterval(1000)
            self._bar_timer.timeout.connect(self.bars.flush)
            self._bar_timer.start()
        self.bridge.connection_changed.connect(self.presenter.set_online)
        self.bridge.connection_changed.connect(lambda up: self.send_ratings() if up else None)
        self._rating_timer = QTimer(self.terminal.full)  # a failed send is tried again
        self._rating_timer.setInterval(5000)
        self._rating_timer.timeout.connect(self.send_ratings)
        self._rating_timer.start()
        self.bridge.refused.connect(
            lambda reason: self.presenter.say(f"叫号服务器拒绝了本终端：{reason}", "error"))

    def _welcomed(self, welcome: Any) -> None:
        # The hub knows which window this caller device belongs to.
        if welcome.window is not None:
            self.presenter.window = int(welcome.window)
            self._refresh()

    def _make_pad(self, station: Station) -> TerminalPad | None:
        pads = [s for s in station.serial if s.kind == "pad"]
        if not pads:
            return None
        from devices.link import SerialLink
        from devices.pad import Pad
        from devices.profiles import load_pad

        spec = pads[0]
        profile = load_pad(spec.profile)
        events = _PadEvents(self.bridge)
        events.arrived.connect(self._pad_event)
        link = SerialLink.for_profile(spec.port, profile, on_event=events.arrived.emit)
        photos = self.station.app.get("photos")
        folder = None
        if isinstance(photos, str) and photos:
            folder = Path(photos)
            if not folder.is_absolute() and self.station.file is not None:
                folder = Path(self.station.file).parent / folder
        return TerminalPad(Pad(link, profile, spec.address), link, card=ClerkCard(folder))

    def _make_bars(self, station: Station) -> BarShow | None:
        specs = [s for s in station.serial if s.kind == "ledbar"]
        if not specs:
            return None
        from devices.ledbar import LedBar
        from devices.link import SerialLink
        from devices.profiles import load_ledbar

        bars = []
        for spec in specs:
            profile = load_ledbar(spec.profile)
            link = self.bar_links.get(spec.port)
            if link is None:
                link = self.bar_links[spec.port] = SerialLink.for_profile(spec.port, profile)
            bars.append(LedBar(link, profile, spec.address))
        welcome = station.app.get("bar_welcome")
        return BarShow(0, bars, welcome if isinstance(welcome, str) else None)

    def _reset(self) -> None:
        if self.bars is not None:
            self.bars.forget()
        self._refresh()

    def _applied(self, event: Any) -> None:
        self._refresh(bars=False)
        if self.bars is not None:
            self.bars.event(event, self.replica.state)

    def _refresh(self, bars: bool = True) -> None:
        self.presenter.refresh(self.replica.hall, self.replica.state)
        if self.bars is not None:
            self.bars.window = self.presenter.window
            if bars:
                self.bars.sync(self.replica.state)
        if self.pad is not None:
            view = self.presenter.view
            self.pad.card.update([self.pad.pad], view.staff, view.staff_name)

    def _finished(self, ticket: int, number: str, staff: str | None) -> None:
        if self.pad is None:
            return
        timeout = self.station.app.get("rating_timeout_s")
        request_id = self.pad.pad.request_rating(
            float(timeout) if isinstance(timeout, int | float) else None)
        self.pad.book.asked(self.pad.pad.address, request_id,
                            Rated(ticket, number, self.presenter.window, staff))
        self.presenter.say(f"{number} 已办结，请群众在评价器上评价", "ok")

    def _pad_event(self, event: object) -> None:
        if self.pad is None or not isinstance(
                event, RatingGiven | RatingTimedOut | RatingCancelled):
            return
        answer = self.pad.book.answer(event, self.pad.pad)
        if answer is None:
            return
        rated, fields = answer
        try:
            self.outbox.keep(fields, rated.number)
        except OSError as exc:
            log.error("the rating of %s cannot be written to %s (%s): kept in memory only",
                      rated.number, self.outbox.path, exc)
        self.send_ratings()

    def send_ratings(self) -> None:
        """Send every kept rating not already on its way."""
        for kept in self.outbox.waiting():
            if kept.id not in self._sending:
                self._sending.add(kept.id)
                self.bridge.request("rate", kept.fields, partial(self._rating_answered, kept))

    def _rating_answered(self, kept: Kept, reply: Reply) -> None:
        self._sending.discard(kept.id)
        outcome = verdict(None if reply.ok else reply.code)
        if outcome == "retry":
            log.warning("rating of %s not sent yet: %s %s; kept and sent again", kept.number,
                        reply.code, reply.message)
            return
        if outcome == "refused":
            log.error("rating of %s (score %s) refused by the hub: %s (%s); it cannot be "
                      "recorded", kept.number, kept.fields.get("score"), reply.code,
                      reply.message)
        else:
            self.presenter.say(f"{kept.number} 评价已记录", "ok")
        self.outbox.done(kept, outcome)

    def start(self) -> None:
        if self.pad is not None:
            self.pad.link.start()
        for link in self.bar_links.values():
            link.start()
        self.bridge.start()
        self.terminal.shown.show()

    def stop(self) -> None:
        self.bridge.stop()
        if self.pad is not None:
            self.pad.link.stop()
        for link in self.bar_links.values():
            link.stop()


def build(station: Station, clock: Clock, compact: bool = False) -> Wiring:
    """The terminal for ``station`` (its window comes from the hub's welcome).

    Raises:
        ValueError: the station's ``[app.keys]`` are wrong, or a pad or bar profile cannot
            be loaded.
    """
    return Wiring(station, compact=compact, clock=clock)
