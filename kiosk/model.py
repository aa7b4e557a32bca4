"""What the kiosk shows, computed from the hall and its state; no Qt, no I/O.

``board(hall, state, now)`` lists zones and their services with waiting counts, wait
estimates and, for a service that cannot be taken now, the reason in plain words.
``refusal_text`` turns a hub refusal (or a transport failure) into words for a
citizen; ``printer_report`` maps a printer's status to a ``device_status`` report.
ID numbers (居民身份证号) are checked and hashed here: only the salted hash leaves.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time
from enum import StrEnum
from zoneinfo import ZoneInfo

from hall.config import HallConfig
from hall.forecast import Snapshot
from hall.rules import Closed, Refusal, refusal, rest_day
from hall.state import HallState, estimated_wait_min, waiting_by_service


class Screen(StrEnum):
    IDLE = "idle"  # hall name and notice, waiting for a touch
    HOME = "home"  # zones
    SERVICES = "services"  # services of one zone (or all, on the priority path)
    BOOKING = "booking"  # keypad for a booking code
    ISSUING = "issuing"  # a ticket is being issued and printed
    TAKEN = "taken"  # the number, huge
    MESSAGE = "message"  # why no ticket was issued


#: Why a service cannot be taken now: templates (the Qt translation keys) whose
#: fields the model fills in (``ServiceView.why``).
CLOSED_HOURS = "现在不取号（取号时间 {hours}）"
CAP_REACHED = "今日号已取完"
NOT_SERVED = "今日不办理"
SLOT_FULL = "本时段号已取完（{hours}）"
BOOKING_ONLY = "仅限预约取号（{hours}）"
#: A zone's button when its services cannot be taken now (``ZoneView.note``).
ZONE_ALL_CLOSED = "本区业务现在都不能取号"
ZONE_MOSTLY_CLOSED = "现在仅 {k}/{n} 项业务可取号"
#: The hall's rulebook's reasons (hall/rules.py) in the kiosk's words.
CLOSED_WORDS = {
    Closed.OUTSIDE_HOURS: CLOSED_HOURS,
    Closed.DAILY_CAP: CAP_REACHED,
    Closed.NO_WINDOW: NOT_SERVED,
    Closed.SLOT_CAP: SLOT_FULL,
    Closed.BOOKING_ONLY: BOOKING_ONLY,
}


def closed_words(refusal: Refusal) -> Words:
    """Why the rulebook says a service cannot be taken now, as the kiosk shows it."""
    return Words(CLOSED_WORDS[refusal.why], (("hours", refusal.hours),) if refusal.hours else ())


@dataclass(frozen=True)
class Words:
    """Text to show: a template (the translation key) and its fields."""

    template: str
    fields: tuple[tuple[str, str], ...] = ()

    def text(self, translate: Callable[[str], str] | None = None) -> str:
        """The words, the template through ``translate`` first (Qt's, when English)."""
        template = translate(self.template) if translate else self.template
        return template.format(**dict(self.fields)) if self.fields else template


@dataclass(frozen=True)
class ServiceView:
    id: str
    name: str
    name_en: str
    zone: str
    waiting: int
    wait_min: int
    why: Words | None = None  # None: it can be taken
    #: the 80 % range of a newcomer's wait (hall/forecast.py); None: no window serves
    #: the service now (暂无法估计). Show with hall.words.wait_words(range_min=…).
    wait_range: tuple[int, int] | None = (0, 0)

    @property
    def wait_known(self) -> bool:
        return self.wait_range is not None

    @property
    def available(self) -> bool:
        return self.why is None

    @property
    def reason(self) -> str:
        """Why it cannot be taken now, in Chinese ("" when it can)."""
        return self.why.text() if self.why else ""


@dataclass(frozen=True)
class ZoneView:
    id: str
    name: str
    name_en: str
    services: tuple[ServiceView, ...]

    @property
    def waiting(self) -> int:
        return sum(s.waiting for s in self.services)

    def note(self, translate: Callable[[str], str] | None = None) -> str | None:
        """What the zone's button says of services that cannot be taken now, so nobody
        walks in to find them closed: that none can (the reason, when they share one),
        or, when more than half cannot, how many can. None when at most half are
        closed. ``translate``: Qt's, for the English kiosk."""
        closed = [s.why for s in self.services if s.why is not None]
        if not closed:
            return None
        tr = translate or (lambda text: text)
        if len(closed) == len(self.services):
            if len(set(closed)) == 1:
                return closed[0].text(translate)  # the one reason says it for all
            return tr(ZONE_ALL_CLOSED)
        if 2 * len(closed) > len(self.services):
            return tr(ZONE_MOSTLY_CLOSED).format(k=len(self.services) - len(closed),
                                                 n=len(self.services))
        return None


def service_views(hall: HallConfig, state: HallState, now: time,
                  moment: datetime | None = None, booked: bool = False) -> list[ServiceView]:
    """Every service with its counts and, when it cannot be taken now, why. With
    ``moment`` (the timezone-aware now), the wait of a newcomer as the hub forecasts it;
    without, the plain estimate (people × average ÷ windows). ``booked``: a booking is
    being checked in (appointment-only hours are open to it); ``moment`` also tells
    whether today is a rest day (``rest_day_hours``)."""
    waiting = waiting_by_service(state)
    forecast = Snapshot(state, hall, moment) if moment is not None else None
    resting = moment is not None and rest_day(
        hall, moment.astimezone(ZoneInfo(hall.hall.timezone)).date())
    out = []
    for s in hall.services:
        n = waiting.get(s.id, 0)
        closed = refusal(hall, state, s, now, resting=resting,
                         booked=booked)  # the hub's own rulebook
        why = closed_words(closed) if closed is not None else None
        if forecast is None:
            wait = estimated_wait_min(state, hall, s.id, n)
            span: tuple[int, int] | None = (wait, wait) if wait else (0, 0)
        else:
            newcomer = forecast.newcomer(s.id)
            wait = newcomer.minutes
            span = (newcomer.low, newcomer.high) if newcomer.known else None
        out.append(ServiceView(s.id, s.name, s.name_en, s.zone, n, wait, why, span))
    return out


def board(hall: HallConfig, state: HallState, now: time,
          moment: datetime | None = None, booked: bool = False) -> list[ZoneView]:
    """Zones in config order, each with its services; zones without services left out."""
    views = service_views(hall, state, now, moment, booked)
    zones = []
    for z in hall.zones:
        mine = tuple(v for v in views if v.zone == z.id)
        if mine:
            zones.append(ZoneView(z.id, z.name, z.name_en, mine))
    loose = tuple(v for v in views if hall.zone(v.zone) is None)
    if loose:
        zones.append(ZoneView("", "其他业务", "Other services", loose))
    return zones


# -- words for refusals --------------------------------------------------------------------

#: Hub error codes and transport codes → what the citizen reads. Unknown codes fall back
#: to the hub's own message.
REFUSALS = {
    "offline": "暂停取号：正在连接叫号系统，请稍候",
    # (a take_ticket without an answer says UNSETTLED_TEXT instead: kiosk/presenter.py)
    "connection_lost": "网络中断，请稍后再试，或到服务台咨询",
    "timeout": "叫号系统没有回应，请稍后再试",
    "outside_hours": "现在不在该业务的取号时间内",
    "daily_cap_reached": "该业务今日号已取完，请明天再来或到服务台咨询",
    "slot_cap_reached": "该业务本时段号已取完，请稍后再来",
    "booking_only": "该业务现在仅限预约取号，请先预约或在预约码签到后取号",
    "booking_used": "该预约码已经签到取号，不能重复使用",
    "unknown_service": "该业务暂不办理，请到服务台咨询",
    "already_taken": "您今天已经取过该业务的号",
    "not_waiting": "该号已经叫过或已办结，不能补打",
    "unknown_ticket": "没有找到这张号票",
    "no_lost_ticket": "这张身份证今天没有等候中的号",
    "rate_limited": "操作太快，请稍后再试",
    "request_expired": "叫号系统响应太慢，这次没有出号，请重新取号",
}
FALLBACK_REFUSAL = "暂时无法取号，请到服务台咨询"


def refusal_text(code: str, message: str = "") -> str:
    """Plain words for a refused request; the hub's own message when the code is new."""
    return REFUSALS.get(code) or message or FALLBACK_REFUSAL


# -- printer status ------------------------------------------------------------------------

#: Printer problem (``printer.status.Problem`` value) → (device_status status, screen text).
PRINTER_PROBLEMS = {
    "paper_out": ("paper_out", "打印机缺纸，请到服务台取号"),
    "cover_open": ("cover_open", "打印机盖未关好，请到服务台取号"),
    "offline": ("offline", "打印机离线，请到服务台取号"),
    "unreachable": ("offline", "打印机无法连接，请到服务台取号"),
    "printer_error": ("offline", "打印机故障，请到服务台取号"),
    "disconnected": ("offline", "打印机连接中断，请到服务台取号"),
    "no_font": ("offline", "打印机无法打印中文，请到服务台取号"),
}


@dataclass(frozen=True)
class PrinterCheck:
    """What the printer said before a ticket: ``status`` as reported to the hub
    (ok, paper_near_end, paper_out, cover_open, offline, unknown) and a problem text
    when no ticket may be issued."""

    status: str
    detail: str = ""
    problem: str = ""  # screen text; empty: issue

    @property
    def blocks(self) -> bool:
        return bool(self.problem)


@dataclass(frozen=True)
class PrintOutcome:
    ok: bool
    status: str  # as for PrinterCheck
    detail: str = ""
    problem: str = ""  # screen text when not ok


# -- ID cards ------------------------------------------------------------------------------

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"


def valid_id_number(text: str) -> bool:
    """A mainland resident ID number: 17 digits and an ISO 7064 check character."""
    t = text.strip().upper()
    if len(t) != 18 or not t[:17].isdigit() or not (t[17].isdigit() or t[17] == "X"):
        return False
    total = sum(int(c) * w for c, w in zip(t[:17], _WEIGHTS, strict=True))
    return _CHECK[total % 11] == t[17]


def person_hash(id_number: str, salt: str) -> str:
    """The salted hash the hub may keep (HMAC-SHA-256, hex). The number itself never
    leaves the kiosk. Raises ValueError for an empty salt."""
    if not salt:
        raise ValueError("an ID-card hash needs the hall's salt (station [app] id_salt)")
    return hmac.new(salt.encode(), id_number.strip().upper().encode(),
                    hashlib.sha256).hexdigest()
