"""What the wall shows, from the hall and its replica: plain Python, no Qt.

:class:`DisplayModel` follows the replica (``reset`` after a full welcome,
``event`` after each applied event) and keeps what a screen draws: the newest call
with its highlight phase, the recent calls (one row per ticket, never twice),
waiting counts per zone or service, paused windows and device problems, all limited
to the screen's zones and windows (:class:`ScreenFilter`). :meth:`DisplayModel.view`
gives one immutable :class:`View` for the widgets to paint.

The big call panel shows only what is true now: the newest call whose citizen is
still called at that window (a call finished, skipped or transferred since leaves the
panel, to the recent list), and a special call (请大堂经理到3号窗口, ``announcement``
events) as prominently as a ticket call for its highlight time.

It also decides which calls are spoken (see :meth:`DisplayModel.event`): every call,
recall and special call received live, once; calls caught up after a short outage,
once; nothing from before the display started or from a long outage. A call is known by its ticket,
window, recall count and the moment it was called, so a call replayed by a resume,
or found again in a fresh welcome, is never shown or spoken twice.

Over 600 lines: the panel, the recent list, the counts and the speaking decision all
follow the same stream of events and share its bookkeeping of which call is which;
split apart they would each have to keep that bookkeeping again.
"""

from __future__ import annotations

import logging
import math
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum

from hall.clock import Clock
from hall.config import HallConfig, Service
from hall.forecast import Snapshot, Wait, wait_over
from hall.protocol import Event, EventKind
from hall.state import HallState, Ticket, TicketStatus, waiting_by_service
from hall.words import wait_words

log = logging.getLogger(__name__)

#: Recent calls kept in memory (a screen shows what fits; a 200-window hall fits).
KEPT_CALLS = 400


#: A kiosk's printer statuses worth showing on the wall, in the words shown.
DEVICE_PROBLEMS = {
    "paper_out": "打印机缺纸",
    "cover_open": "打印机盖未关",
    "offline": "打印机离线",
}
#: What citizens are told to do when a kiosk cannot give tickets.
KIOSK_ADVICE = "请到其他取号机或服务台取号"


def kiosk_problem(device: str, device_kind: str, status: str) -> str | None:
    """The wall's words for a kiosk's reported fault, or None when citizens need not
    know (a fine status, a caller terminal or display gone: the managers' alert).

    ``device_kind`` tells who is at fault: ``printer`` (the kiosk reported its
    printer) or ``kiosk`` (the hub lost the kiosk's connection: the kiosk itself).
    """
    if not device.startswith("kiosk-"):
        return None
    name = device.removeprefix("kiosk-") + "号取号机"
    if device_kind == "kiosk":
        return f"{name}离线，{KIOSK_ADVICE}" if status == "offline" else None
    words = DEVICE_PROBLEMS.get(status)
    return f"{name}{words}，{KIOSK_ADVICE}" if words else None


class Phase(StrEnum):
    """How the newest call is drawn: blinking, then highlighted, then steady."""

    BLINK = "blink"
    HIGHLIGHT = "highlight"
    STEADY = "steady"


@dataclass(frozen=True)
class Timing:
    """Seconds a new call blinks, then stays highlighted (counted from the call)."""

    blink_s: float = 3.0
    highlight_s: float = 10.0
    #: Calls missed during an outage shorter than this are still spoken when caught up.
    catch_up_s: float = 60.0


@dataclass(frozen=True)
class ScreenFilter:
    """Which windows a screen covers (a floor's screen). A window is covered when it
    is listed in ``windows`` or belongs to a zone in ``zones``; with neither, all are.

    A window belongs to its configured ``zone``, or else to the zones of its services.
    """

    zones: frozenset[str] = frozenset()
    windows: frozenset[int] = frozenset()

    @property
    def everything(self) -> bool:
        return not self.zones and not self.windows

    def window_zones(self, hall: HallConfig, number: int) -> set[str]:
        window = hall.window(number)
        if window is None:
            return set()
        if window.zone:
            return {window.zone}
        return {s.zone for s in map(hall.service, window.services) if s is not None}

    def covers_window(self, hall: HallConfig, number: int) -> bool:
        if self.everything or number in self.windows:
            return True
        return bool(self.zones & self.window_zones(hall, number))

    def unknown(self, hall: HallConfig) -> list[str]:
        """Zones and windows named here that the hall does not have (for a warning)."""
        out = [f"zone {z}" for z in sorted(self.zones) if hall.zone(z) is None]
        out += [f"window {n}" for n in sorted(self.windows) if hall.window(n) is None]
        return out


@dataclass(frozen=True)
class Call:
    """One call (or recall) of a ticket to a window, as the wall shows and speaks it."""

    ticket_id: int
    number: str
    window: int
    window_name: str
    service: str
    service_name: str
    zone: str
    priority: bool
    recall: int  # 0 for the first call, n for the n-th recall
    at: str  # when it was called (hub time, ISO-8601)

    @property
    def key(self) -> tuple[int, int, int, str]:
        """What makes this call one call: the same key seen again is a replay."""
        return (self.ticket_id, self.window, self.recall, self.at)


@dataclass(frozen=True)
class SpecialCall:
    """A special call of a window (``announcement`` event): 请大堂经理到3号窗口, 请评价."""

    window: int
    window_name: str
    call: str  # manager | rating (hall.protocol.SPECIAL_CALLS)
    text: str  # the hub's words
    at: str

    @property
    def key(self) -> tuple[int, str, str]:
        return (self.window, self.call, self.at)

    @property
    def headline(self) -> str:
        """The big words of the panel: who is called (大堂经理) or what is asked (请评价)."""
        return "大堂经理" if self.call == "manager" else "请评价"

    @property
    def line(self) -> str:
        """The panel's line below the headline."""
        if self.call == "manager":
            return f"请到 {self.window_name}"
        return f"{self.window_name} 请对本次服务进行评价"


@dataclass(frozen=True)
class Newest:
    call: Call
    phase: Phase
    #: During BLINK: whether the number is drawn in its bright state this instant.
    lit: bool


@dataclass(frozen=True)
class Special:
    """A special call on the big panel (during its highlight time only)."""

    call: SpecialCall
    phase: Phase  # BLINK or HIGHLIGHT
    lit: bool


@dataclass(frozen=True)
class Row:
    """One line of the recent calls list."""

    call: Call
    status: TicketStatus  # CALLED (at the window), FINISHED, SKIPPED (过号) …


@dataclass(frozen=True)
class Waiting:
    """People waiting for one zone (or one service when the hall has one zone)."""

    id: str
    name: str
    count: int
    #: A newcomer's wait there (hall.forecast.wait_over, as the browser wall computes
    #: it); None when the model is given no hall time (``now``).
    wait: Wait | None = None

    @property
    def wait_text(self) -> str:
        """约 15–25 分钟, 暂无法估计 or 无需等候 (hall/words.py); empty without a wait."""
        w = self.wait
        if w is None:
            return ""
        return wait_words(w.minutes, range_min=w.range if w.known else None, known=w.known)


@dataclass(frozen=True)
class View:
    """Everything one frame shows."""

    hall_name: str
    connected: bool
    ready: bool  # a first welcome has arrived
    newest: Newest | None  # the newest call still standing (its citizen called there)
    recent: tuple[Row, ...]  # newest first, no ticket twice; the panel's call excluded
    #                          (unless a special call covers it)
    waiting: tuple[Waiting, ...]
    paused: tuple[str, ...]  # names of paused windows
    problems: tuple[str, ...]  # device problems, one text each
    notice: str
    seq: int = 0  # the last event applied when this view was taken
    #: A special call taking the big panel (over ``newest``) during its highlight time.
    special: Special | None = None


Listener = Callable[[], None]


@dataclass
class _Shown:
    call: Call
    since: float  # monotonic time the highlight started (or -inf: never highlighted)


@dataclass
class _ShownSpecial:
    call: SpecialCall
    since: float


class DisplayModel:
    """The wall's state, fed by the replica's ``reset`` and ``applied`` signals.

    ``clock`` is a monotonic clock in seconds (injected so tests control time); ``now``
    the hall's time (the replica's hub clock): with it, each waiting row carries a
    newcomer's wait there, computed from the replica as the browser wall does.
    """

    def __init__(
        self,
        screen: ScreenFilter | None = None,
        timing: Timing | None = None,
        clock: Callable[[], float] | None = None,
        notice: str = "",
        now: Clock | None = None,
    ) -> None:
        self.screen = screen or ScreenFilter()
        self.timing = timing or Timing()
        self._clock = clock or time.monotonic
        self._now = now
        # the waiting rows of one replica seq and minute (a view is taken per frame)
        self._waits: tuple[tuple[int, str], tuple[Waiting, ...]] | None = None
        self.notice_override = notice
        self._hall = HallConfig.from_public({"hall": {"name": ""}})
        self._state = HallState()
        self._ready = False
        self._connected = False
        self._down_since: float | None = None
        self._backlog_until = 0  # events up to this seq were missed during an outage
        self._backlog_spoken = True
        # ticket id -> its last call, oldest first
        self._calls: OrderedDict[int, _Shown] = OrderedDict()
        self._seen: set[tuple[int, int, int, str]] = set()
        self._problems: dict[str, str] = {}
        self._special: _ShownSpecial | None = None
        self._seen_special: set[tuple[int, str, str]] = set()
        self._listeners: list[Listener] = []
        self._announce: list[Callable[[Call], None]] = []
        self._announce_special: list[Callable[[SpecialCall], None]] = []

    # -- listeners ---------------------------------------------------------------------

    def on_change(self, listener: Listener) -> None:
        """``listener()`` after anything shown changed (redraw)."""
        self._listeners.append(listener)

    def on_announce(self, speak: Callable[[Call], None]) -> None:
        """``speak(call)`` for each call to be spoken, once, in order."""
        self._announce.append(speak)

    def on_special(self, speak: Callable[[SpecialCall], None]) -> None:
        """``speak(special)`` for each special call to be spoken, once, in order."""
        self._announce_special.append(speak)

    def _changed(self) -> None:
        for listener in self._listeners:
            listener()

    # -- inputs ------------------------------------------------------------------------

    def connection(self, up: bool) -> None:
        """The hub link went up (welcomed) or down."""
        if up == self._connected:
            return
        self._connected = up
        if not up:
            self._down_since = self._clock()
        self._changed()

    def _short_outage(self) -> bool:
        """Whether calls missed while the link was down are still worth speaking."""
        if self._down_since is None:
            return True
        return self._clock() - self._down_since <= self.timing.catch_up_s

    def welcomed(self, seq: int) -> None:
        """The hub welcomed this screen again at ``seq`` (a resume or a full welcome):
        events up to ``seq`` are the backlog of the outage, spoken only when the outage
        was short; later ones are live. Call it after :meth:`reset`, if any."""
        self._backlog_until = seq
        self._backlog_spoken = self._short_outage()
        self._down_since = None

    def reset(self, hall: HallConfig, state: HallState) -> None:
        """A full welcome replaced the replica. Calls already known stay as they were;
        calls the welcome holds that this screen has not seen yet are added (shown, and
        spoken when the link was down only briefly); on the first welcome nothing is
        spoken or highlighted (those calls were made before the screen started)."""
        first = not self._ready
        new_day = bool(self._state.day) and state.day != self._state.day
        self._hall, self._state, self._ready = hall, state, True
        self._waits = None
        if first or new_day:  # yesterday's calls are no one's business today
            self._calls.clear()
            self._seen.clear()
        called = sorted(
            (t for t in state.tickets.values() if t.status is TicketStatus.CALLED and t.called_at),
            key=lambda t: (t.called_at or "", t.id),
        )
        speak = not first and self._short_outage()
        for ticket in called:
            call = self._call_of(ticket, ticket.window or 0, ticket.recalls, ticket.called_at or "")
            if call is not None:
                self._record(call, highlight=speak, speak=speak, before_start=first)
        self._changed()

    def event(self, event: Event, state: HallState) -> None:
        """One event was applied to the replica ``state`` (in seq order)."""
        self._state = state
        if event.kind is EventKind.TICKET_CALLED:
            self._called(event)
        elif event.kind is EventKind.ANNOUNCEMENT:
            self._announced(event)
        elif event.kind is EventKind.DAY_CLOSED:
            self._calls.clear()
            self._seen.clear()
            self._special = None
        self._changed()

    def _announced(self, event: Event) -> None:
        """A special call (请大堂经理到3号窗口): on the panel for its highlight time and
        spoken, when live (or caught up after a short outage) and of this screen."""
        try:
            window = int(event.data["window"])
            call, text = str(event.data["call"]), str(event.data.get("text") or "")
        except (KeyError, TypeError, ValueError):
            return
        if not self.screen.covers_window(self._hall, window):
            return
        configured = self._hall.window(window)
        special = SpecialCall(window, configured.name if configured else f"{window}号窗口",
                              call, text, event.at)
        if special.key in self._seen_special:
            return
        self._seen_special.add(special.key)
        if len(self._seen_special) > KEPT_CALLS:
            self._seen_special = {special.key}
        if event.seq <= self._backlog_until and not self._backlog_spoken:
            if self._announce_special:  # from a long outage: stale, neither shown nor said
                log.warning("not said: special call %s of window %d (made during a long "
                            "outage of the hub link, not said late)", call, window)
            return
        self._special = _ShownSpecial(special, self._clock())
        for speak in self._announce_special:
            speak(special)

    def device_problem(self, source: str, problem: str | None) -> None:
        """Set (or clear, with None) a problem shown on the wall besides the devices'
        reported faults (which come from the hall state)."""
        if problem:
            self._problems[source] = problem
        else:
            self._problems.pop(source, None)
        self._changed()

    def _called(self, event: Event) -> None:
        raw = event.data.get("ticket") or {}
        ticket = self._state.tickets.get(int(raw.get("id", 0)))
        if ticket is None:
            return
        call = self._call_of(ticket, int(event.data["window"]),
                             int(event.data.get("recall", 0)), event.at)
        if call is not None:
            live = event.seq > self._backlog_until
            self._record(call, highlight=True, speak=live or self._backlog_spoken)

    def _call_of(self, ticket: Ticket, window: int, recall: int, at: str) -> Call | None:
        hall = self._hall
        if not self.screen.covers_window(hall, window):
            return None
        service = hall.service(ticket.service)
        configured = hall.window(window)
        return Call(
            ticket_id=ticket.id, number=ticket.number, window=window,
            window_name=configured.name if configured else f"{window}号窗口",
            service=ticket.service, service_name=service.name if service else ticket.service,
            zone=service.zone if service else "", priority=ticket.priority,
            recall=recall, at=at,
        )

    def _record(self, call: Call, *, highlight: bool, speak: bool,
                before_start: bool = False) -> None:
        """Keep ``call`` (once) and hand it to the speakers when ``speak``; a call not
        spoken is logged, unless it was made ``before_start`` of this screen."""
        if call.key in self._seen:
            return
        self._seen.add(call.key)
        self._calls.pop(call.ticket_id, None)
        self._calls[call.ticket_id] = _Shown(call, self._clock() if highlight else float("-inf"))
        while len(self._calls) > KEPT_CALLS:
            self._calls.popitem(last=False)
        if len(self._seen) > 4 * KEPT_CALLS:
            keep = {shown.call.key for shown in self._calls.values()}
            self._seen &= keep
        if speak:
            for announce in self._announce:
                announce(call)
        elif self._announce and not before_start:
            recall = f" (recall {call.recall})" if call.recall else ""
            log.warning("not said: %s%s to window %d (made during a long outage of the hub "
                        "link, not said late)", call.number, recall, call.window)

    # -- output ------------------------------------------------------------------------

    @property
    def ready(self) -> bool:
        return self._ready

    @property
    def connected(self) -> bool:
        return self._connected

    def calls(self) -> list[Call]:
        """Every call kept, newest first (one per ticket)."""
        return [shown.call for shown in reversed(self._calls.values())]

    def animating(self) -> bool:
        """Whether the newest call is still blinking or highlighted (redraw timer on)."""
        now = self._clock()
        if self._special is not None and now - self._special.since < self.timing.highlight_s:
            return True
        if not self._calls:
            return False
        shown = next(reversed(self._calls.values()))
        return now - shown.since < self.timing.highlight_s

    def view(self) -> View:
        """What to paint now."""
        now = self._clock()
        newest: Newest | None = None
        rows: list[Row] = []
        for index, shown in enumerate(reversed(self._calls.values())):
            status = self._status(shown.call)
            if newest is None and status is TicketStatus.CALLED:
                # the panel: the newest call still standing; only the newest call of all
                # blinks and is highlighted (an older one shown again is steady)
                age = now - shown.since if index == 0 else math.inf
                if age < self.timing.blink_s:
                    newest = Newest(shown.call, Phase.BLINK, int(age / 0.5) % 2 == 0)
                elif age < self.timing.highlight_s:
                    newest = Newest(shown.call, Phase.HIGHLIGHT, True)
                else:
                    newest = Newest(shown.call, Phase.STEADY, True)
                continue
            rows.append(Row(shown.call, status))
        special: Special | None = None
        if self._special is not None:
            age = now - self._special.since
            latest = next(reversed(self._calls.values()), None)
            if age < self.timing.highlight_s and (
                latest is None or latest.since <= self._special.since
            ):
                special = Special(self._special.call,
                                  Phase.BLINK if age < self.timing.blink_s else Phase.HIGHLIGHT,
                                  age >= self.timing.blink_s or int(age / 0.5) % 2 == 0)
                if newest is not None:  # covered by the special call: listed meanwhile
                    rows.insert(0, Row(newest.call, TicketStatus.CALLED))
        return View(
            hall_name=self._hall.hall.name,
            connected=self._connected,
            ready=self._ready,
            newest=newest,
            recent=tuple(rows),
            waiting=tuple(self.waiting()),
            paused=tuple(self.paused()),
            problems=tuple(self.problems()),
            notice=self.notice_override or self._hall.display.notice,
            seq=self._state.seq,
            special=special,
        )

    def _status(self, call: Call) -> TicketStatus:
        """Where ``call``'s citizen is now: CALLED while still called to its window;
        FINISHED when gone (or called to another window since: a transfer)."""
        ticket = self._state.tickets.get(call.ticket_id)
        if ticket is None:
            return TicketStatus.FINISHED
        if ticket.window not in (None, call.window):
            return TicketStatus.FINISHED
        if ticket.status is TicketStatus.WAITING:
            return TicketStatus.FINISHED  # transferred back to a queue: not at this window
        return ticket.status

    def problems(self) -> list[str]:
        """Device problems citizens should know of (a kiosk out of paper or offline),
        from the hall state's faults, then any set with :meth:`device_problem`."""
        out: list[str] = []
        for device in sorted(self._state.faults):
            fault = self._state.faults[device]
            words = kiosk_problem(device, fault.device_kind, fault.status)
            if words:
                out.append(words)
        return out + [self._problems[k] for k in sorted(self._problems)]

    def waiting(self) -> list[Waiting]:
        """Waiting people per zone this screen covers (per service when the hall has a
        single zone), in the hall's order; zones with nobody waiting are listed too.
        With ``now``, each row carries a newcomer's wait (:func:`hall.forecast.wait_over`)."""
        now = self._now() if self._now is not None else None
        key = (self._state.seq, f"{now:%Y-%m-%d %H:%M}" if now else "")
        if self._waits is not None and self._waits[0] == key:
            return list(self._waits[1])
        hall = self._hall
        counts = waiting_by_service(self._state)
        services = self._covered_services()
        zones = [z for z in hall.zones if any(s.zone == z.id for s in services)]
        groups: list[tuple[str, str, list[str]]]
        if len(zones) > 1:
            groups = [(z.id, z.name, [s.id for s in services if s.zone == z.id]) for z in zones]
        else:
            groups = [(s.id, s.name, [s.id]) for s in services]
        forecast = Snapshot(self._state, hall, now) if now is not None else None
        rows = tuple(
            Waiting(ident, name, sum(counts.get(s, 0) for s in ids),
                    wait_over(forecast, ids) if forecast is not None else None)
            for ident, name, ids in groups)
        self._waits = (key, rows)
        return list(rows)

    def _covered_services(self) -> list[Service]:
        """Services of the screen's zones, and services its listed windows serve."""
        hall = self._hall
        if self.screen.everything:
            return list(hall.services)
        served: set[str] = set()
        for number in self.screen.windows:
            window = hall.window(number)
            if window is not None:
                served.update(window.services)
        return [s for s in hall.services if s.id in served or s.zone in self.screen.zones]

    def paused(self) -> list[str]:
        """Names of this screen's paused windows, in window order."""
        hall = self._hall
        out = []
        for number in sorted(self._state.windows):
            if self._state.windows[number].paused and self.screen.covers_window(hall, number):
                window = hall.window(number)
                out.append(window.name if window else f"{number}号窗口")
        return out


def parse_windows(text: str) -> frozenset[int]:
    """``"1-10,12"`` → {1..10, 12}. Raises ValueError on anything else."""
    out: set[int] = set()
    for part in filter(None, (p.strip() for p in text.split(","))):
        low, _, high = part.partition("-")
        if not low.isdigit() or (high and not high.isdigit()):
            raise ValueError(f"windows must look like 1-10,12, not {text!r}")
        first, last = int(low), int(high or low)
        if first < 1 or last < first:
            raise ValueError(f"bad window range {part!r} in {text!r}")
        out.update(range(first, last + 1))
    return frozenset(out)


def make_filter(zones: Iterable[str] = (), windows: Iterable[int] = ()) -> ScreenFilter:
    return ScreenFilter(frozenset(zones), frozenset(windows))
