"""The kiosk's behaviour, without Qt: what each touch does and what the screen shows.

The presenter takes the hall and its state (two callables, so it always reads the
replica's latest), a ``Requester`` for hub requests, a printer port, a way to run
blocking work off the GUI thread, and a clock. The window only draws ``self`` and
forwards touches; tests drive the presenter directly with fakes, or through the
window against a real hub and the virtual printer.

Issuing one ticket:
  1. ask the printer (off the GUI thread); paper out, cover open or offline: issue
     nothing, say why, report to the hub;
  2. ``take_ticket`` at the hub; a refusal is shown in plain words;
  3. show the number, then print it (off the GUI thread), exactly once; printing
     fails: the number and QR stay on screen, the hub is told it was not printed and
     a reprint (补打) is offered.
A second touch while this runs does nothing. Any unexpected exception is logged and
the screen goes home.

Over 600 lines: one screen flow (choose, ID card, issue, print, reprint, give
up) with every failure path; the pure rules are in kiosk/model.py.
"""

from __future__ import annotations

import functools
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import time, timedelta
from typing import Any, ParamSpec, Protocol, TypeVar
from zoneinfo import ZoneInfo

from hall.clock import Clock
from hall.config import HallConfig
from hall.state import HallState
from hall.words import ticket_mark
from kiosk.model import (
    PrinterCheck,
    PrintOutcome,
    Screen,
    ServiceView,
    Words,
    ZoneView,
    board,
    person_hash,
    refusal_text,
    service_views,
    valid_id_number,
)
from printer.layout import TicketContent
from printer.ticket import ticket_content
from qtkit.results import CONNECTION_LOST, TIMEOUT, Outcome, Reply, Requester

log = logging.getLogger(__name__)

P = ParamSpec("P")
R = TypeVar("R")

PAUSED_TEXT = "暂停取号：正在连接叫号系统，恢复后自动继续"
NEVER_REACHED_TEXT = "暂停取号：本机还没有连上叫号系统，请到服务台咨询"
NO_TICKET_TITLE = "没有出号"
UNSETTLED_TITLE = "这次取号没有完成"
#: The hub did not answer in time (or the link broke): the ticket may exist, and the
#: kiosk has it closed (give_up_ticket), so the citizen is told to take another.
UNSETTLED_TEXT = "叫号系统没有及时回应，这次的号作废。请重新取号，或到服务台咨询"
TAKE_AWAY_TEXT = "请取走您的号票"
NOT_PRINTED_TEXT = "号票没有打印出来。请记住号码或用手机扫描二维码，也可以点“补打号票”。"
BAD_ID_TEXT = "身份证号码无法识别，请重新放置身份证"
NO_SALT_TEXT = "本机未设置身份证读卡，请到服务台咨询"
BAD_BOOKING_TEXT = "预约码格式不对，请核对后重新输入"
#: How much longer than ``give_up_s`` the kiosk waits for the hub's answer: covers the
#: error of its estimate of the hub's clock (docs/kiosk.md, "A hub that does not answer").
GIVE_UP_MARGIN_S = 3.0
TEXT_SIZES = (22, 24, 27, 30)  # dp (at least 18); elderly mode starts at 27


class PrinterPort(Protocol):
    """The ticket printer as the presenter needs it (blocking calls, run off the GUI
    thread): ``check`` before issuing, ``print_ticket`` after."""

    def check(self) -> PrinterCheck: ...

    def print_ticket(self, content: TicketContent) -> PrintOutcome: ...


#: Reply codes after which a take_ticket's fate at the hub is unknown.
UNSETTLED_CODES = (TIMEOUT, CONNECTION_LOST)

RunBlocking = Callable[[Callable[[], Any], Callable[[Outcome], None]], None]


def run_now(fn: Callable[[], Any], on_done: Callable[[Outcome], None]) -> None:
    """A ``RunBlocking`` that runs at once (tests, and the benchmark's baseline)."""
    try:
        outcome = Outcome(value=fn())
    except Exception as exc:
        outcome = Outcome(error=exc)
    on_done(outcome)


@dataclass(frozen=True)
class KioskSettings:
    """The station file's ``[app]`` table (docs/kiosk.md)."""

    notice: str = ""
    elderly_default: bool = False
    after_take_s: float = 20.0  # the number stays this long, then home
    idle_home_s: float = 60.0  # no touch on another screen: home
    idle_screen_s: float = 180.0  # no touch at home: the idle screen
    more_time_s: float = 30.0  # elderly mode: how long "need more time?" waits
    #: take_ticket's give_up_at: this long after the request is sent (in the hub's
    #: clock) the hub issues nothing for it; the bridge waits GIVE_UP_MARGIN_S longer
    give_up_s: float = 7.0
    id_salt: str = field(default="", repr=False)  # the hall's; see docs/kiosk.md
    #: the hall's name before the hub was ever reached (station ``[app] hall_name``)
    hall_name: str = ""


@dataclass(frozen=True)
class Taken:
    """A ticket issued at this kiosk, as the after-take screen shows it."""

    id: int
    number: str
    service: str
    service_en: str
    ahead: int
    wait_min: int
    qr: str
    content: TicketContent
    #: the 80 % range of the wait (take_ticket's wait_range_min); None: no estimate
    wait_range: tuple[int, ...] | None = (0, 0)
    printed: bool | None = None  # None: printing
    problem: str = ""  # why it was not printed
    warning: str = ""
    mark: str = ""  # 优先 or 预约 (hall.words.ticket_mark); "" for an ordinary ticket


def _safe(method: Callable[P, R]) -> Callable[P, R | None]:
    """Log an unexpected exception and go home instead of crashing."""

    @functools.wraps(method)
    def run(*args: P.args, **kwargs: P.kwargs) -> R | None:
        try:
            return method(*args, **kwargs)
        except Exception:
            log.exception("kiosk: %s failed; back to the home screen", method.__name__)
            self = args[0]
            assert isinstance(self, KioskPresenter)
            self._recover()
            return None

    return run


class KioskPresenter:
    def __init__(
        self,
        hall: Callable[[], HallConfig],
        state: Callable[[], HallState],
        requester: Requester,
        printer: PrinterPort,
        run_blocking: RunBlocking = run_now,
        settings: KioskSettings | None = None,
        *,
        clock: Clock,
        monotonic: Callable[[], float] | None = None,
        speak: Callable[[str], None] | None = None,
        last_hall_name: tuple[str, str] = ("", ""),
    ) -> None:
        import time as _time

        self._hall = hall
        self._state = state
        self._requester = requester
        self._printer = printer
        self._run = run_blocking
        self.settings = settings or KioskSettings()
        self._clock = clock
        self._mono = monotonic or _time.monotonic
        self._speak = speak
        #: the hub's name for the hall in an earlier run (kiosk.memory), before a welcome
        self._last_hall_name = last_hall_name
        self.listeners: list[Callable[[], None]] = []

        self.screen = Screen.HOME
        self.zone: str | None = None
        self.priority = False
        self.booking: str | None = None  # a checked-in booking code (services follow)
        self.person: str | None = None  # salted hash of a read ID card
        self.code = ""  # keypad input
        self.message = ""
        self.message_words = Words("")  # the message as shown (translatable)
        #: the MESSAGE screen's heading: 没有出号 only when no ticket can exist
        self.message_title = NO_TICKET_TITLE
        self.taken: Taken | None = None
        #: request keys of take_tickets given up on, to tell the hub (give_up_ticket)
        self.unsettled: list[str] = []
        self._settling = False
        self.busy = False
        self.online = False
        self.elderly = False
        self.english = False
        self.text_dp = TEXT_SIZES[0]
        self._defaults()
        self.asking_more_time = False
        self.printer_status = "unknown"  # last status reported to the hub
        self._reported: str | None = None
        self._printed: set[int] = set()  # ticket ids printed (exactly once, unless 补打)
        self._scan = ""
        self._last_touch = self._mono()
        self._asked_at = 0.0

    # -- what the window reads -------------------------------------------------------

    @property
    def hall(self) -> HallConfig:
        return self._hall()

    def now(self) -> time:
        tz = ZoneInfo(self.hall.hall.timezone)
        return self._clock().astimezone(tz).time()

    def zones(self) -> list[ZoneView]:
        return board(self.hall, self._state(), self.now(), self._clock(), bool(self.booking))

    def services(self) -> list[ServiceView]:
        """The services the SERVICES screen lists: the chosen zone's (all of them
        before a zone is chosen)."""
        views = service_views(self.hall, self._state(), self.now(), self._clock(),
                              bool(self.booking))
        if self.zone is None:
            return views
        return [v for v in views if v.zone == self.zone]

    @property
    def paused(self) -> bool:
        return not self.online

    @property
    def hall_name(self) -> tuple[str, str]:
        """The hall's name (Chinese, English): the hub's, else the one it last sent
        (an earlier run's), else the station file's."""
        hall = self.hall.hall
        if hall.name:
            return hall.name, hall.name_en
        if self._last_hall_name[0]:
            return self._last_hall_name
        return self.settings.hall_name, ""

    @property
    def never_reached(self) -> bool:
        """Whether this kiosk has never heard the hall from the hub (no zones known)."""
        return not self.hall.zones and not self.hall.services

    @property
    def offline_text(self) -> str:
        """The one sentence shown while no ticket can be taken ("" when online)."""
        if self.online:
            return ""
        return NEVER_REACHED_TEXT if self.never_reached else PAUSED_TEXT

    def _changed(self) -> None:
        for listener in list(self.listeners):
            listener()

    def _say(self, text: str) -> None:
        if self.elderly and self._speak is not None:
            try:
                self._speak(text)
            except Exception:
                log.warning("speech failed", exc_info=True)

    # -- touches ---------------------------------------------------------------------

    def touch(self) -> None:
        """Any touch anywhere: the idle timers start over; the idle screen wakes."""
        self._last_touch = self._mono()
        if self.screen is Screen.IDLE:
            self._home()
        elif self.asking_more_time:
            self.asking_more_time = False
            self._changed()

    @_safe
    def wake(self) -> None:
        self.touch()
        if self.screen is Screen.IDLE:
            self._home()

    def _closed(self) -> bool:
        """No ticket can be taken now (offline): say so; True when it said so."""
        if self.online:
            return False
        self._show_message(self.offline_text)
        return True

    @_safe
    def open_zone(self, zone_id: str) -> None:
        self.touch()
        if self.busy or self._closed():
            return
        self.zone = zone_id
        self.screen = Screen.SERVICES
        zone = self.hall.zone(zone_id)
        self._say(f"{zone.name if zone else ''}，请选择业务")
        self._changed()

    @_safe
    def start_priority(self) -> None:
        """老年人、残疾人、孕妇、军人等: every service, issued as priority tickets."""
        self.touch()
        if self.busy or self._closed():
            return
        self.priority, self.zone, self.booking = True, None, None
        self.screen = Screen.HOME  # the zones, then the zone's services, as priority
        self._say("优先取号，请选择办理区域")
        self._changed()

    @_safe
    def start_booking(self) -> None:
        self.touch()
        if self.busy or self._closed():
            return
        self.code = ""
        self.screen = Screen.BOOKING
        self._say("请输入预约码，或扫描预约二维码")
        self._changed()

    @_safe
    def key(self, char: str) -> None:
        """One key of the on-screen keypad."""
        self.touch()
        if self.screen is Screen.BOOKING and len(self.code) < 32 and (
            char.isalnum() or char in "-_"
        ):
            self.code += char.upper()
            self._changed()

    @_safe
    def backspace(self) -> None:
        self.touch()
        self.code = self.code[:-1]
        self._changed()

    @_safe
    def submit_booking(self, code: str | None = None) -> None:
        """A booking code from the keypad or a scanner: choose its service next."""
        self.touch()
        text = (code if code is not None else self.code).strip().upper()
        if not text or self.busy:
            return
        if len(text) > 64 or not all(c.isalnum() or c in "-_" for c in text):
            self._show_message(BAD_BOOKING_TEXT)
            return
        if self._closed():
            return
        # Checked at once: a used code is refused before a zone and service are chosen.
        self.busy = True
        self.code = ""
        self._requester.request("check_booking", {"booking": text},
                                lambda reply: self._booking_checked(text, reply))

    @_safe
    def _booking_checked(self, code: str, reply: Reply) -> None:
        self.busy = False
        if not reply.ok:
            self._show_message(refusal_text(reply.code, reply.message))
            return
        if reply.data.get("used"):
            self._show_message(refusal_text("booking_used"))
            return
        self.booking, self.priority, self.zone = code, False, None
        self.screen = Screen.HOME
        self._say("请选择预约业务所在的区域")
        self._changed()

    @_safe
    def scanned(self, char: str) -> None:
        """A key from a scanner or ID-card reader acting as a keyboard, on any screen:
        characters gather until Enter (``"\\n"``)."""
        if char in ("\n", "\r"):
            text, self._scan = self._scan.strip(), ""
            if not text:
                return
            if len(text) == 18 and text[:17].isdigit():
                self.id_card(text)
            else:
                self.submit_booking(text)
            return
        if len(self._scan) < 80:
            self._scan += char

    @_safe
    def id_card(self, id_number: str) -> None:
        """An ID card was read: its salted hash goes with the ticket (one ticket per
        business per day), the number itself is forgotten here."""
        self.touch()
        if self.busy:
            return
        if not self.settings.id_salt:
            self._show_message(NO_SALT_TEXT)
            return
        if not valid_id_number(id_number):
            self._show_message(BAD_ID_TEXT)
            return
        self.person = person_hash(id_number, self.settings.id_salt)
        self.priority, self.zone = False, None
        self.screen = Screen.HOME
        self._say("已读取身份证，请选择办理区域")
        self._changed()

    @_safe
    def back(self) -> None:
        self.touch()
        if not self.busy:
            # the citizen is done with their ticket: the next person gets the defaults
            self._home(reset=self.screen is Screen.TAKEN)

    @_safe
    def toggle_elderly(self) -> None:
        self.touch()
        self.elderly = not self.elderly
        self.text_dp = TEXT_SIZES[2] if self.elderly else TEXT_SIZES[0]
        self._say("已进入长辈模式" if self.elderly else "")
        self._changed()

    @_safe
    def bigger_text(self) -> None:
        """Step the text size through 18, 22, 26, 30 dp (and round again)."""
        self.touch()
        i = TEXT_SIZES.index(self.text_dp) if self.text_dp in TEXT_SIZES else 0
        self.text_dp = TEXT_SIZES[(i + 1) % len(TEXT_SIZES)]
        self._changed()

    @_safe
    def toggle_english(self) -> None:
        self.touch()
        self.english = not self.english
        self._changed()

    @_safe
    def more_time(self) -> None:
        self.touch()

    # -- issuing -----------------------------------------------------------------------

    @_safe
    def take(self, service_id: str) -> None:
        """Issue one ticket of ``service_id`` (see the module doc)."""
        self.touch()
        if self.busy:
            return  # a second touch while one is issued
        if self._closed():
            return
        view = next((v for v in service_views(self.hall, self._state(), self.now(),
                                              self._clock(), bool(self.booking))
                     if v.id == service_id), None)
        if view is None:
            self._show_message(refusal_text("unknown_service"))
            return
        if view.why is not None:
            self._show_message(view.why)
            return
        fields: dict[str, Any] = {"service": service_id, "request": secrets.token_hex(8)}
        if self.priority:
            fields["priority"] = True
        if self.booking:
            fields["booking"] = self.booking
        if self.person:
            fields["person"] = self.person
        self.busy = True
        self.screen = Screen.ISSUING
        self._changed()
        self._run(self._printer.check, lambda outcome: self._checked(fields, outcome))

    @_safe
    def _checked(self, fields: dict[str, Any], outcome: Outcome) -> None:
        check = outcome.value if outcome.ok else PrinterCheck(
            "offline", str(outcome.error), "打印机无法使用，请到服务台取号")
        assert isinstance(check, PrinterCheck)
        self._report(check.status, check.detail)
        if check.blocks:
            self.busy = False
            self._show_message(check.problem)
            return
        if getattr(self._clock, "synced", True):  # the hub's time is known
            give_up = self._clock() + timedelta(seconds=self.settings.give_up_s)
            fields["give_up_at"] = give_up.isoformat()
        key = fields["request"]
        self._requester.request("take_ticket", fields, lambda reply: self._issued(key, reply))

    @_safe
    def _issued(self, key: str, reply: Reply) -> None:
        if not reply.ok:
            self.busy = False
            if reply.code in UNSETTLED_CODES:
                # The hub may have issued it: never say 没有出号; have it closed.
                self.unsettled.append(key)
                self._show_message(UNSETTLED_TEXT, UNSETTLED_TITLE)
                self._settle()
                return
            self._show_message(refusal_text(reply.code, reply.message))
            return
        self.taken = self._taken_from(reply.data)
        self.screen = Screen.TAKEN
        self._print(self.taken)  # the printer starts while the screen is drawn
        self._changed()

    def _taken_from(self, data: dict[str, Any]) -> Taken:
        """A take_ticket (or reprint) answer as the after-take screen shows it."""
        ticket = data["ticket"]
        mark = ticket_mark(bool(ticket.get("priority")), self.booking is not None)
        # the QR code is the hub's link; a ticket taken in English prints both languages
        content = ticket_content(self.hall, data, mark=mark, english=self.english)
        service = self.hall.service(str(ticket["service"]))
        return Taken(
            id=int(ticket["id"]), number=content.number, service=content.service_name,
            service_en=service.name_en if service else "", ahead=content.people_ahead,
            wait_min=int(data.get("estimated_wait_min") or 0), qr=content.qr_payload,
            content=content, mark=mark,
            wait_range=content.wait_range_min if content.wait_known else None,
        )

    @_safe
    def reprint_lost(self) -> None:
        """补打 a lost ticket: the read ID card's latest waiting ticket, found by the hub."""
        self.touch()
        if self.person is None or self.busy:
            return
        if not self.online:
            self._show_message(PAUSED_TEXT)
            return
        self.busy = True
        self.screen = Screen.ISSUING
        self._changed()
        self._requester.request("reprint", {"person": self.person}, self._lost_found)

    @_safe
    def _lost_found(self, reply: Reply) -> None:
        if not reply.ok:
            self.busy = False
            code = "no_lost_ticket" if reply.code == "unknown_ticket" else reply.code
            self._show_message(refusal_text(code, reply.message))
            return
        self.taken = self._taken_from(reply.data)
        self.screen = Screen.TAKEN
        self._printed.discard(self.taken.id)  # printing again is the purpose here
        self._print(self.taken)
        self._changed()

    def _print(self, taken: Taken) -> None:
        if taken.id in self._printed:
            log.error("ticket %s was already printed; not printing it again", taken.number)
            self.busy = False
            return
        self._printed.add(taken.id)
        self._run(lambda: self._printer.print_ticket(taken.content),
                  lambda outcome: self._printed_out(taken, outcome))

    @_safe
    def _printed_out(self, taken: Taken, outcome: Outcome) -> None:
        self.busy = False
        result = outcome.value if outcome.ok else PrintOutcome(
            False, "offline", str(outcome.error), "打印机故障")
        assert isinstance(result, PrintOutcome)
        self._report(result.status, result.detail)
        if result.ok:
            warning = "打印纸即将用完" if result.status == "paper_near_end" else ""
            done = replace(taken, printed=True, warning=warning)
            self._say(f"{taken.number}号，{TAKE_AWAY_TEXT}")
        else:
            done = replace(taken, printed=False, problem=result.problem or "打印失败")
            self._requester.request("ticket_not_printed", {"ticket": taken.id},
                                    self._logged("ticket_not_printed"))
        if self.taken is not None and self.taken.id == taken.id:
            self.taken = done
        self._last_touch = self._mono()
        self._changed()

    @_safe
    def reprint(self) -> None:
        """补打: print the ticket on screen again, on purpose (the hub records it)."""
        self.touch()
        taken = self.taken
        if taken is None or self.busy or not self.online:
            if not self.online:
                self._show_message(PAUSED_TEXT)
            return
        self.busy = True
        self.taken = replace(taken, printed=None, problem="")
        self._changed()
        self._requester.request("reprint", {"ticket": taken.id},
                                lambda reply: self._reprint_allowed(taken, reply))

    @_safe
    def _reprint_allowed(self, taken: Taken, reply: Reply) -> None:
        if not reply.ok:
            self.busy = False
            self.taken = replace(taken, printed=False,
                                 problem=refusal_text(reply.code, reply.message))
            self._changed()
            return
        self._printed.discard(taken.id)  # printing again is the purpose here
        self._print(taken)

    # -- hub link, printer reports, timers ---------------------------------------------

    def _settle(self) -> None:
        """Tell the hub, one key at a time, which take_tickets this kiosk gave up on
        (it closes a ticket issued for one); a key stays until the hub has answered."""
        if self._settling or not self.unsettled or not self.online:
            return
        self._settling = True
        key = self.unsettled[0]
        self._requester.request("give_up_ticket", {"request": key},
                                lambda reply: self._settled(key, reply))

    def _settled(self, key: str, reply: Reply) -> None:
        self._settling = False
        if not reply.ok and reply.code in (*UNSETTLED_CODES, "offline", "rate_limited"):
            log.warning("give_up_ticket %s: %s; asking again later", key, reply.code)
            return  # again on reconnect or on the next tick
        if not reply.ok:
            log.error("give_up_ticket %s refused: %s %s", key, reply.code, reply.message)
        else:
            ticket = reply.data.get("ticket")
            if ticket:
                log.warning("ticket %s was issued after this kiosk gave up on it; now %s",
                            ticket.get("number"), ticket.get("status"))
        if key in self.unsettled:
            self.unsettled.remove(key)
        self._settle()

    def set_online(self, up: bool) -> None:
        """The bridge's connection_changed: paused while down, resumes by itself."""
        if up == self.online:
            return
        self.online = up
        if up:
            self._settle()
        if up and self._reported is not None and self.printer_status != self._reported:
            self._report(self.printer_status, "")
        if up and self._reported is None and self.printer_status != "unknown":
            self._report(self.printer_status, "")
        self._changed()

    def refresh(self) -> None:
        """The hall's state changed (counts, estimates): redraw."""
        self._changed()

    def _report(self, status: str, detail: str) -> None:
        """Tell the hub when the printer's status changes (managers see it)."""
        self.printer_status = status
        if status == self._reported or not self.online:
            return
        self._reported = status
        self._requester.request(
            "device_status", {"device_kind": "printer", "status": status, "detail": detail[:200]},
            self._logged("device_status"),
        )

    def _logged(self, what: str) -> Callable[[Reply], None]:
        def done(reply: Reply) -> None:
            if not reply.ok:
                log.warning("%s: %s %s", what, reply.code, reply.message)
                if what == "device_status":
                    self._reported = None  # try again on the next change or reconnect

        return done

    def tick(self) -> None:
        """Once a second: idle timeouts (elderly mode asks before it goes home)."""
        try:
            self._tick()
        except Exception:
            log.exception("kiosk: timer failed")
            self._recover()

    def _tick(self) -> None:
        self._settle()
        idle = self._mono() - self._last_touch
        if self.busy or self.screen is Screen.IDLE:
            return
        if self.screen is Screen.HOME:
            if idle >= self.settings.idle_screen_s:
                self._go_idle()
            return
        limit = (self.settings.after_take_s if self.screen in (Screen.TAKEN, Screen.MESSAGE)
                 else self.settings.idle_home_s)
        if self.taken is not None and self.taken.printed is False and self.screen is Screen.TAKEN:
            limit = max(limit, self.settings.idle_home_s)  # time to note the number
        if idle < limit:
            return
        if self.elderly and self.screen is not Screen.TAKEN:
            if not self.asking_more_time:
                self.asking_more_time = True
                self._asked_at = self._mono()
                self._say("需要更多时间吗？")
                self._changed()
                return
            if self._mono() - self._asked_at < self.settings.more_time_s:
                self._changed()  # the countdown moves
                return
        self._home(reset=self.screen is Screen.TAKEN)

    # -- screens -----------------------------------------------------------------------

    def _show_message(self, text: str | Words, title: str = NO_TICKET_TITLE) -> None:
        self.message_words = text if isinstance(text, Words) else Words(text)
        self.message = self.message_words.text()
        self.message_title = title
        self.screen = Screen.MESSAGE
        self._say(self.message)
        self._changed()

    @property
    def more_time_left(self) -> int:
        """Seconds until the "need more time?" prompt gives up and goes home."""
        left = self.settings.more_time_s - (self._mono() - self._asked_at)
        return max(0, int(left + 0.999))

    def _defaults(self) -> None:
        """The hall's language, mode and text size, for the next person."""
        self.english = False
        self.elderly = self.settings.elderly_default
        self.text_dp = TEXT_SIZES[2] if self.elderly else TEXT_SIZES[0]

    def _home(self, reset: bool = False) -> None:
        if reset:
            self._defaults()
        self.screen = Screen.HOME
        self.zone = None
        self.priority = False
        self.booking = None
        self.person = None
        self.code = ""
        self.message = ""
        self.taken = None
        self.asking_more_time = False
        self._last_touch = self._mono()
        self._changed()

    def _go_idle(self) -> None:
        self._home(reset=True)
        self.screen = Screen.IDLE
        self._changed()

    def _recover(self) -> None:
        try:
            self.busy = False
            self._home()
        except Exception:
            log.exception("kiosk: could not even go home")
