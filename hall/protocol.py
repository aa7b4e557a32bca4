"""Protocol v1, the public contract: one typed module for every message on the wire.

A WebSocket text frame carries one JSON object with a ``type``. Clients send
``hello`` then requests (each with an ``id`` of their choosing); the hub answers
``welcome``, then a ``result`` per request and an ``event`` per change. Every
message here has a type with ``parse`` (from a decoded JSON object, raising
:class:`hall.errors.ProtocolError` subclasses) and ``to_json``: the requests are
msgspec Structs like the payloads (hall/payloads.py), the envelopes dataclasses.

Over 600 lines: it is the whole wire contract, a type per message, kept in one
module so docs/protocol.md is checked against one place.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from enum import IntEnum
from types import MappingProxyType
from typing import Any, ClassVar

import msgspec

from hall.config import Role
from hall.errors import NotJson, ProtocolError, QueueError, UnknownType
from hall.payloads import (
    DEVICE_STATUSES,
    EVENT_FIELDS,
    EVENT_PAYLOADS,
    PRIVATE_FIELDS,
    RESULT_FIELDS,
    RESULTS,
    AlertCleared,
    AlertRaised,
    Announcement,
    AssistRecorded,
    AssistResult,
    BookingCheck,
    CaseOpened,
    CaseResult,
    CasesResult,
    CaseUpdated,
    ClerkSignedIn,
    ClerkSignedOut,
    DayClosed,
    DayResult,
    DeviceStatusReported,
    Empty,
    Estimate,
    EventKind,
    EventPayload,
    Issued,
    RatingRecorded,
    RatingResult,
    ResultPayload,
    StatusResult,
    TicketCalled,
    TicketData,
    TicketFinished,
    TicketIssued,
    TicketNotPrinted,
    TicketReinstated,
    TicketReprinted,
    TicketResult,
    TicketSkipped,
    TicketTransferred,
    WindowPaused,
    WindowResumed,
    Withheld,
    parse_event_payload,
    public_wire,
    without,
)
from hall.rating import COMMENT_MAX

PROTOCOL_VERSION = 1

#: Largest text frame the hub accepts, in bytes.
MAX_FRAME_BYTES = 64 * 1024


class CloseCode(IntEnum):
    """WebSocket close codes the hub uses (4000-4999 are the application's own).

    The close reason starts with the code's name in lower case (``bad_credentials: …``).
    """

    GOING_AWAY = 1001  # the hub is shutting down: reconnect later
    STORE_FAILED = 1011  # the hub cannot read its store: reconnect later
    BAD_CREDENTIALS = 4001  # unknown device or wrong token: retrying cannot help
    UNSUPPORTED_PROTOCOL = 4002  # retrying cannot help
    RATE_LIMITED = 4008
    TOO_SLOW = 4009  # the client did not read its messages: reconnect with since
    HELLO_TIMEOUT = 4010  # no hello soon enough after connecting: reconnect and say hello
    TRY_AGAIN_LATER = 1013  # the device has too many connections open: reconnect later

    @property
    def fatal(self) -> bool:
        """Whether reconnecting cannot help (the device must be reconfigured)."""
        return self in (CloseCode.BAD_CREDENTIALS, CloseCode.UNSUPPORTED_PROTOCOL)


@dataclass(frozen=True, slots=True)
class Event:
    """One change of hall state: its sequence number, time and typed payload.

    ``data`` is the payload's wire object as a read-only mapping (personal data
    included; ``to_json`` strips it for broadcast).
    """

    seq: int
    at: str  # ISO-8601 in the hall's time zone
    payload: EventPayload
    #: The payload's wire object, built once (the hub broadcasts, stores and reads it).
    _wire: dict[str, Any] | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def kind(self) -> EventKind:
        return self.payload.kind

    def _payload_json(self) -> dict[str, Any]:
        wire = self._wire
        if wire is None:
            wire = self.payload.to_json()
            object.__setattr__(self, "_wire", wire)
        return wire

    @property
    def data(self) -> Mapping[str, Any]:
        return MappingProxyType(self._payload_json())

    def to_json(self) -> dict[str, Any]:
        """The broadcast form: personal data stripped."""
        return {"type": "event", "seq": self.seq, "at": self.at, "kind": str(self.kind),
                **public_wire(type(self.payload), self._payload_json())}

    def to_store(self) -> dict[str, Any]:
        """Everything, personal data included, for the hub's own database."""
        return self.payload.stored_from(self._payload_json())

    def withheld(self) -> Event:
        """This event as a device that may not see it gets it: seq and time only."""
        return Event(seq=self.seq, at=self.at, payload=Withheld())

    @classmethod
    def of(cls, seq: int, at: str, kind: EventKind | str, data: Mapping[str, Any]) -> Event:
        """An event from its kind and wire fields. Raises ProtocolError."""
        return cls(seq=seq, at=at, payload=parse_event_payload(EventKind(kind), dict(data)))

    @classmethod
    def parse(cls, obj: dict[str, Any]) -> Event:
        """Raises ProtocolError when seq/at/kind are missing or wrong, or a field of
        the kind's payload is."""
        seq, at, kind = obj.get("seq"), obj.get("at"), obj.get("kind")
        kinds = EventKind.__members__.values()
        if not isinstance(seq, int) or not isinstance(at, str) or not isinstance(kind, str) or (
            kind not in kinds
        ):
            raise ProtocolError("event needs integer seq, string at and a known kind")
        data = {k: v for k, v in obj.items() if k not in ("type", "seq", "at", "kind")}
        return cls.of(int(seq), at, kind, data)


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


# -- requests ------------------------------------------------------------------------


class Request(msgspec.Struct, frozen=True):
    """Base of every client request. ``id`` is the client's, echoed in the result.

    A field without a default must be present; msgspec checks the types, and a refusal
    says what is wrong in the protocol's words (:meth:`_by_hand`)."""

    type: ClassVar[str] = ""
    #: Roles that may send it; callers only for their own window (see ``window``).
    roles: ClassVar[frozenset[Role]] = frozenset({Role.ADMIN})
    doc: ClassVar[str] = ""

    id: str | int

    def to_json(self) -> dict[str, Any]:
        return {"type": self.type, **msgspec.structs.asdict(self)}

    @classmethod
    def parse(cls, obj: dict[str, Any]) -> Request:
        """Build the request from a decoded JSON object.

        Raises:
            ProtocolError: a field is missing, of the wrong type or out of range.
        """
        try:
            request = msgspec.convert(obj, cls)
        except msgspec.ValidationError:
            request = cls._by_hand(obj)
        request.check()
        return request

    @classmethod
    def _by_hand(cls, obj: dict[str, Any]) -> Request:
        """What msgspec refused, field by field in order, as the protocol has always
        answered it: a null where none is allowed means the default, if there is one."""
        values: dict[str, Any] = {}
        for f in msgspec.structs.fields(cls):
            value = obj.get(f.name)
            if value is None:
                if f.name in obj and _allows_none(f.type):
                    values[f.name] = None
                elif f.required:
                    raise ProtocolError(f"{cls.type}: missing field {f.name!r}")
                continue
            try:
                values[f.name] = msgspec.convert(value, f.type)
            except msgspec.ValidationError:
                raise ProtocolError(
                    f"{cls.type}: field {f.name!r} must be {_describe(f.type)}") from None
        return cls(**values)

    def check(self) -> None:
        """Range checks beyond types; raises ProtocolError."""


def _allows_none(expected: Any) -> bool:
    return type(None) in getattr(expected, "__args__", ())


def _describe(expected: Any) -> str:
    options = getattr(expected, "__args__", None) or (expected,)
    names = {int: "an integer", str: "a string", bool: "true or false", type(None): "null"}
    return " or ".join(names.get(o, str(o)) for o in options)


def _is_key(text: str) -> bool:
    """A client-chosen key (booking code, request key): 1-64 letters, digits, - or _."""
    return 0 < len(text) <= 64 and all(c.isalnum() or c in "-_" for c in text)


def _aware_time(request: str, name: str, text: str) -> datetime:
    """An ISO-8601 date and time with its UTC offset. Raises ProtocolError."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ProtocolError(f"{request}: {name} must be an ISO-8601 time") from None
    if moment.tzinfo is None:
        raise ProtocolError(f"{request}: {name} needs its UTC offset (e.g. +08:00)")
    return moment


def _is_hash(text: str) -> bool:
    """A salted ID hash as kiosks send it: 64 lowercase hex digits."""
    return len(text) == 64 and all(c in "0123456789abcdef" for c in text)


CALLER_ROLES = frozenset({Role.CALLER, Role.ADMIN})
ANY_ROLE = frozenset(Role)


class TakeTicket(Request, frozen=True):
    type: ClassVar[str] = "take_ticket"
    roles: ClassVar[frozenset[Role]] = frozenset({Role.KIOSK, Role.ADMIN})
    doc: ClassVar[str] = "Issue a ticket. data: ticket, ahead, estimated_wait_min."
    service: str
    priority: bool = False
    booking: str | None = None
    #: salted hash (64 hex digits) of an ID number read at the kiosk: one open ticket
    #: per person and service per hall day. Never the number itself.
    person: str | None = None
    #: the kiosk's key for this one touch: the same key never gets a second ticket, and
    #: ``give_up_ticket`` names it when the kiosk stopped waiting for the answer.
    request: str | None = None
    #: ISO-8601 time in the hub's clock after which the kiosk no longer waits: a request
    #: that reaches the engine later is refused (``request_expired``), nothing issued.
    give_up_at: str | None = None

    def __repr__(self) -> str:
        return without(self, "person")

    def check(self) -> None:
        if not self.service:
            raise ProtocolError("take_ticket: service must not be empty")
        if self.request is not None and not _is_key(self.request):
            raise ProtocolError("take_ticket: request must be 1-64 letters, digits, - or _")
        if self.give_up_at is not None:
            _aware_time("take_ticket", "give_up_at", self.give_up_at)
        if self.person is not None and not _is_hash(self.person):
            raise ProtocolError("take_ticket: person must be a salted hash, 64 hex digits")
        if self.booking is not None and not _is_key(self.booking):
            raise ProtocolError("take_ticket: booking must be 1-64 letters, digits, - or _")


class WindowRequest(Request, frozen=True):
    """A request acting for one window (callers: their own only)."""

    roles: ClassVar[frozenset[Role]] = CALLER_ROLES
    window: int

    def check(self) -> None:
        if self.window < 1:
            raise ProtocolError(f"{self.type}: window must be a positive integer")


class CallNext(WindowRequest, frozen=True):
    type: ClassVar[str] = "call_next"
    doc: ClassVar[str] = (
        "Finish the window's current ticket, if any, and call the next. data.ticket or null."
    )


class Recall(WindowRequest, frozen=True):
    type: ClassVar[str] = "recall"
    doc: ClassVar[str] = "Call the window's current ticket again (limited by queue.recall_limit)."


class Skip(WindowRequest, frozen=True):
    type: ClassVar[str] = "skip"
    doc: ClassVar[str] = "Mark the window's current ticket as a no-show (过号)."


class Finish(WindowRequest, frozen=True):
    type: ClassVar[str] = "finish"
    doc: ClassVar[str] = "The window's current ticket is served (办结)."


class Transfer(WindowRequest, frozen=True):
    type: ClassVar[str] = "transfer"
    doc: ClassVar[str] = "Pass the current ticket to another service, keeping its place in time."
    service: str


#: The usual reasons for a pause (暂停原因), offered by terminals and keypads; any text
#: of up to 40 characters is accepted.
PAUSE_REASONS = ("临时离开", "会议", "午休", "业务咨询", "系统故障")


class Pause(WindowRequest, frozen=True):
    type: ClassVar[str] = "pause"
    doc: ClassVar[str] = "Stop calling at the window (暂停服务), optionally saying why."
    reason: str = ""

    def check(self) -> None:
        super().check()
        if len(self.reason) > 40:
            raise ProtocolError("pause: reason must be at most 40 characters")


class Resume(WindowRequest, frozen=True):
    type: ClassVar[str] = "resume"
    doc: ClassVar[str] = "Call again at a paused window."


class SignIn(WindowRequest, frozen=True):
    type: ClassVar[str] = "sign_in"
    doc: ClassVar[str] = "A clerk signs in at the window (attendance, 亮牌)."
    staff: str

    def check(self) -> None:
        super().check()
        if not self.staff.strip() or len(self.staff) > 32:
            raise ProtocolError("sign_in: staff must be a staff number of 1-32 characters")


class SignOut(WindowRequest, frozen=True):
    type: ClassVar[str] = "sign_out"
    doc: ClassVar[str] = "The clerk at the window signs out."


class Rate(WindowRequest, frozen=True):
    type: ClassVar[str] = "rate"
    doc: ClassVar[str] = (
        "Record the citizen's rating (5 非常满意 … 1 非常不满意) of a ticket served at the window."
    )
    ticket: int
    score: int
    channel: str = "pad"
    reason: str | None = None  # why, for a 差评 on a pad that asks
    comment: str | None = None  # the citizen's own words, from the phone page

    def check(self) -> None:
        super().check()
        if not 1 <= self.score <= 5:
            raise ProtocolError("rate: score must be 1 to 5")
        if self.reason is not None and not 1 <= len(self.reason.strip()) <= 40:
            raise ProtocolError("rate: reason must be 1-40 characters")
        if self.comment is not None and not 1 <= len(self.comment.strip()) <= COMMENT_MAX:
            raise ProtocolError(f"rate: comment must be 1-{COMMENT_MAX} characters")
        if self.channel not in ("pad", "phone", "kiosk", "web"):
            raise ProtocolError("rate: channel must be pad, phone, kiosk or web")


class Reinstate(WindowRequest, frozen=True):
    type: ClassVar[str] = "reinstate"
    doc: ClassVar[str] = (
        "A skipped ticket waits again, ahead of tickets issued after this moment."
    )
    ticket: int


class CallNumber(WindowRequest, frozen=True):
    type: ClassVar[str] = "call_number"
    doc: ClassVar[str] = "Call a specific waiting or skipped number (e.g. \"A012\") at the window."
    number: str


#: Special calls a window may make that are not tickets: id -> the words shown and said.
SPECIAL_CALLS: dict[str, str] = {
    "rating": "请对本次服务进行评价",
    "manager": "请大堂经理到{window}号窗口",
}


class Announce(WindowRequest, frozen=True):
    type: ClassVar[str] = "announce"
    doc: ClassVar[str] = (
        "A special call that is not a ticket (请评价, 大堂经理请到N号窗口), for displays, "
        "voice and the window's bar."
    )
    call: str

    def check(self) -> None:
        super().check()
        if self.call not in SPECIAL_CALLS:
            raise ProtocolError(f"announce: call must be one of {', '.join(SPECIAL_CALLS)}")


#: 帮办代办 kinds: 帮办 (with the citizen) and 代办 (for them).
ASSIST_KINDS = {"help": "帮办", "proxy": "代办"}
#: Where a 代办 item without a ticket came from.
ASSIST_SOURCES = {"phone": "电话", "village": "村（社区）代办点", "online": "网上", "other": "其他"}


class Assist(WindowRequest, frozen=True):
    type: ClassVar[str] = "assist"
    doc: ClassVar[str] = (
        "帮办代办: mark the window's ticket (or ``ticket``) as 帮办 (help) or 代办 (proxy), "
        "or record a 代办 item without a ticket (``service`` and ``source``)."
    )
    assist: str
    ticket: int | None = None
    service: str | None = None
    source: str | None = None
    note: str | None = None

    def check(self) -> None:
        super().check()
        if self.assist not in ASSIST_KINDS:
            raise ProtocolError("assist: assist must be help or proxy")
        if self.source is not None and self.source not in ASSIST_SOURCES:
            raise ProtocolError(f"assist: source must be one of {', '.join(ASSIST_SOURCES)}")
        if self.note is not None and not 1 <= len(self.note.strip()) <= 100:
            raise ProtocolError("assist: note must be 1-100 characters")


class CloseDay(Request, frozen=True):
    type: ClassVar[str] = "close_day"
    doc: ClassVar[str] = "Close the hall day now: unfinished tickets close, numbering restarts."
    reason: str = "manual"


class Status(Request, frozen=True):
    type: ClassVar[str] = "status"
    roles: ClassVar[frozenset[Role]] = ANY_ROLE
    doc: ClassVar[str] = "Waiting counts per service, zone and window, with wait estimates."


class TicketInfo(Request, frozen=True):
    type: ClassVar[str] = "ticket_info"
    roles: ClassVar[frozenset[Role]] = ANY_ROLE
    doc: ClassVar[str] = "One ticket of today with the people ahead of it and its wait estimate."
    ticket: int


class DeviceStatus(Request, frozen=True):
    type: ClassVar[str] = "device_status"
    roles: ClassVar[frozenset[Role]] = ANY_ROLE
    doc: ClassVar[str] = (
        "A device reports the health of its hardware (a kiosk: its printer); "
        "the hub stamps the sender's device id."
    )
    device_kind: str
    status: str
    detail: str = ""
    device: str = ""  # set by the hub from the connection, whatever the client sent

    def check(self) -> None:
        if not self.device_kind or len(self.device_kind) > 32:
            raise ProtocolError("device_status: device_kind must be 1-32 characters")
        if self.status not in DEVICE_STATUSES:
            raise ProtocolError(
                "device_status: status must be one of " + ", ".join(sorted(DEVICE_STATUSES)))
        if len(self.detail) > 200:
            raise ProtocolError("device_status: detail must be at most 200 characters")


class MarkNotPrinted(Request, frozen=True):
    type: ClassVar[str] = "ticket_not_printed"
    roles: ClassVar[frozenset[Role]] = frozenset({Role.KIOSK, Role.ADMIN})
    doc: ClassVar[str] = "The ticket was issued but its paper ticket did not come out."
    ticket: int


class CheckBooking(Request, frozen=True):
    type: ClassVar[str] = "check_booking"
    roles: ClassVar[frozenset[Role]] = frozenset({Role.KIOSK, Role.ADMIN})
    doc: ClassVar[str] = (
        "Whether a booking code was already checked in (the kiosk asks as soon as it is "
        "entered). data.used. Changes nothing."
    )
    booking: str

    def check(self) -> None:
        if not _is_key(self.booking):
            raise ProtocolError("check_booking: booking must be 1-64 letters, digits, - or _")


class GiveUpTicket(Request, frozen=True):
    type: ClassVar[str] = "give_up_ticket"
    roles: ClassVar[frozenset[Role]] = frozenset({Role.KIOSK, Role.ADMIN})
    doc: ClassVar[str] = (
        "The kiosk stopped waiting for the answer to the take_ticket with this request "
        "key: a ticket issued for it is closed (nobody holds it). data.ticket or null."
    )
    request: str

    def check(self) -> None:
        if not _is_key(self.request):
            raise ProtocolError("give_up_ticket: request must be 1-64 letters, digits, - or _")


class Reprint(Request, frozen=True):
    type: ClassVar[str] = "reprint"
    roles: ClassVar[frozenset[Role]] = frozenset({Role.KIOSK, Role.ADMIN})
    doc: ClassVar[str] = (
        "Print a waiting ticket again on purpose (补打): by id, or a lost one by the "
        "person's salted ID hash (their latest open ticket). data: as take_ticket."
    )
    ticket: int = 0
    person: str | None = None

    def __repr__(self) -> str:
        return without(self, "person")

    def check(self) -> None:
        if (self.ticket > 0) == (self.person is not None):
            raise ProtocolError("reprint: give either ticket (an id) or person (a hash)")
        if self.person is not None and not _is_hash(self.person):
            raise ProtocolError("reprint: person must be a salted hash, 64 hex digits")


#: Dates a request or a command may name: a hall's history lies well inside these, and
#: a day after the last one still exists (9999-12-31 + 1 day does not).
FIRST_DATE, LAST_DATE = date(2000, 1, 1), date(2199, 12, 31)
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def calendar_date(text: str) -> date:
    """``text`` as a calendar date written ``YYYY-MM-DD`` (not ``2026-W01-1``, not
    ``20260102``) from :data:`FIRST_DATE` to :data:`LAST_DATE`. Raises ValueError."""
    if not isinstance(text, str) or not _DATE.fullmatch(text):
        raise ValueError(f"not a date (YYYY-MM-DD): {text!r}")
    day = date.fromisoformat(text)
    if not FIRST_DATE <= day <= LAST_DATE:
        raise ValueError(f"{text}: a date from {FIRST_DATE} to {LAST_DATE}")
    return day


def _is_date(text: str) -> bool:
    try:
        calendar_date(text)
    except ValueError:
        return False
    return True


class StoreQuery(Request, frozen=True):
    """A read of the hall's history (admin only): answered from the store beside the
    writer, never delaying a call; it changes nothing and emits no event."""


class Stats(StoreQuery, frozen=True):
    type: ClassVar[str] = "stats"
    doc: ClassVar[str] = (
        "Figures of calendar dates start..end (default: today) per day, hour, zone, "
        "service, window and clerk, from the stored events (docs/supervision.md)."
    )
    start: str | None = None
    end: str | None = None

    def check(self) -> None:
        for name in ("start", "end"):
            value = getattr(self, name)
            if value is not None and not _is_date(value):
                raise ProtocolError(f"stats: {name} must be a date, YYYY-MM-DD, from "
                                    f"{FIRST_DATE} to {LAST_DATE}")
        if self.start and self.end and self.start > self.end:
            raise ProtocolError("stats: start must not be after end")
        if self.start and self.end and (
            date.fromisoformat(self.end) - date.fromisoformat(self.start)).days > MAX_STATS_DAYS:
            raise ProtocolError(f"stats: at most {MAX_STATS_DAYS} days at once")


class TicketHistory(StoreQuery, frozen=True):
    type: ClassVar[str] = "ticket_history"
    doc: ClassVar[str] = (
        "Every stored event of the ticket(s) with this number on a date (default: today), "
        "oldest first (电子监察)."
    )
    number: str
    day: str | None = None

    def check(self) -> None:
        if not 1 <= len(self.number.strip()) <= 16:
            raise ProtocolError("ticket_history: number must be 1-16 characters, e.g. A012")
        if self.day is not None and not _is_date(self.day):
            raise ProtocolError("ticket_history: day must be a date, YYYY-MM-DD, from "
                                f"{FIRST_DATE} to {LAST_DATE}")


class StaffingPlan(StoreQuery, frozen=True):
    type: ClassVar[str] = "plan"
    doc: ClassVar[str] = (
        "The windows each zone needs per half hour of a weekday for a waiting target, "
        "from the last weeks' arrivals and service times (docs/forecast.md)."
    )
    weeks: int = 6
    weekday: int | None = None  # 1 = Monday … 7; default: today's
    target_min: int = 15  # whole minutes
    target_percent: int = 80  # of citizens called within target_min

    def check(self) -> None:
        if not _is_int(self.weeks) or not 1 <= self.weeks <= MAX_PLAN_WEEKS:
            raise ProtocolError(f"plan: weeks must be 1 to {MAX_PLAN_WEEKS}")
        if self.weekday is not None and (not _is_int(self.weekday)
                                         or not 1 <= self.weekday <= 7):
            raise ProtocolError("plan: weekday must be 1 (Monday) to 7 (Sunday)")
        if not _is_int(self.target_min) or not 1 <= self.target_min <= 240:
            raise ProtocolError("plan: target_min must be 1 to 240 minutes")
        if not _is_int(self.target_percent) or not 1 <= self.target_percent <= 99:
            raise ProtocolError("plan: target_percent must be 1 to 99, e.g. 80")


class Cases(Request, frozen=True):
    type: ClassVar[str] = "cases"
    doc: ClassVar[str] = "The 差评 follow-up cases, newest first, optionally by state or overdue."
    state: str | None = None
    overdue: bool | None = None

    def check(self) -> None:
        if self.state is not None and self.state not in CASE_STATES:
            raise ProtocolError("cases: state must be one of " + ", ".join(CASE_STATES))


class CaseUpdate(Request, frozen=True):
    type: ClassVar[str] = "case_update"
    doc: ClassVar[str] = (
        "Act on a 差评 case: start, fix, cannot_fix, note, callback (回访) or extend; "
        "each an event in the audit trail."
    )
    case: int
    action: str
    text: str = ""
    reached: bool | None = None
    satisfied: bool | None = None
    days: int | None = None
    by: str = ""  # set by the hub from the connection, whatever the client sent

    def check(self) -> None:
        if self.case < 1:
            raise ProtocolError("case_update: case must be a case id")
        if self.action not in CASE_ACTIONS:
            raise ProtocolError("case_update: action must be one of " + ", ".join(CASE_ACTIONS))
        if len(self.text) > 500:
            raise ProtocolError("case_update: text must be at most 500 characters")
        if self.days is not None and not 1 <= self.days <= 60:
            raise ProtocolError("case_update: days must be 1 to 60")


CASE_STATES = ("open", "in_progress", "fixed", "cannot_fix")
CASE_ACTIONS = ("start", "fix", "cannot_fix", "note", "callback", "extend")

#: The longest range one ``stats`` request may cover (a year and a bit).
MAX_STATS_DAYS = 400
#: The most weeks of history one ``plan`` request may read (half a year).
MAX_PLAN_WEEKS = 26


REQUESTS: dict[str, type[Request]] = {
    cls.type: cls
    for cls in (
        TakeTicket, CallNext, Recall, Skip, Finish, Transfer, Pause, Resume, SignIn, SignOut,
        Rate, Reinstate, CallNumber, Announce, CloseDay, Status, TicketInfo, DeviceStatus,
        MarkNotPrinted, GiveUpTicket, CheckBooking, Reprint, Stats, TicketHistory, Cases,
        CaseUpdate, Assist, StaffingPlan,
    )
}


#: Event kinds only admins receive: a 差评 case holds what a citizen said and who was
#: rated, for the managers who follow it up (a display or a kiosk never needs it).
ADMIN_KINDS = frozenset({EventKind.CASE_OPENED, EventKind.CASE_UPDATED})


@dataclass(frozen=True)
class Hello:
    type: ClassVar[str] = "hello"
    device: str
    token: str
    protocol: int = PROTOCOL_VERSION
    since: int | None = None
    #: Which events to push: all (true), none (false: a load generator or a kiosk
    #: that only takes tickets), or a list of event kinds.
    subscribe: bool | tuple[EventKind, ...] = True
    #: Kinds asked for that this device's role may not see (set by :meth:`for_role`).
    withheld: frozenset[EventKind] = frozenset()

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": "hello", "device": self.device, "token": self.token,
                               "protocol": self.protocol, "since": self.since}
        if self.subscribe is not True:
            out["subscribe"] = (
                self.subscribe if isinstance(self.subscribe, bool)
                else [str(k) for k in self.subscribe]
            )
        return out

    def wants(self, kind: EventKind) -> bool:
        """Whether this connection asked for events of ``kind``."""
        if isinstance(self.subscribe, bool):
            return self.subscribe
        return kind in self.subscribe

    def for_role(self, role: Role) -> Hello:
        """This hello as the hub serves it to a device of ``role``: only admins get
        the :data:`ADMIN_KINDS`, whatever they asked for; the others get a ``withheld``
        event in their place (:meth:`withholds`)."""
        if role is Role.ADMIN or self.subscribe is False:
            return self
        asked = tuple(EventKind) if self.subscribe is True else self.subscribe
        return replace(self, subscribe=tuple(k for k in asked if k not in ADMIN_KINDS),
                       withheld=frozenset(k for k in asked if k in ADMIN_KINDS))

    def withholds(self, kind: EventKind) -> bool:
        """Whether this connection gets a ``withheld`` event in place of one of ``kind``
        (it asked for it, its role may not see it)."""
        return kind in self.withheld

    @classmethod
    def parse(cls, obj: dict[str, Any]) -> Hello:
        """Raises ProtocolError on a malformed hello."""
        device, token = obj.get("device"), obj.get("token")
        protocol, since = obj.get("protocol", PROTOCOL_VERSION), obj.get("since")
        if not isinstance(device, str) or not isinstance(token, str):
            raise ProtocolError("hello: device and token must be strings")
        if not isinstance(protocol, int) or isinstance(protocol, bool):
            raise ProtocolError("hello: protocol must be an integer")
        if since is not None and (not _is_int(since) or since < 0):
            raise ProtocolError("hello: since must be null or a non-negative integer")
        raw = obj.get("subscribe", True)
        subscribe: bool | tuple[EventKind, ...]
        if isinstance(raw, bool):
            subscribe = raw
        elif isinstance(raw, list) and all(
            isinstance(k, str) and k in EventKind.__members__.values() for k in raw
        ):
            subscribe = tuple(EventKind(k) for k in raw)
        else:
            raise ProtocolError("hello: subscribe must be true, false or a list of event kinds")
        return cls(device=device, token=token, protocol=protocol, since=since,
                   subscribe=subscribe)


@dataclass(frozen=True)
class Welcome:
    type: ClassVar[str] = "welcome"
    role: Role
    seq: int
    hall: dict[str, Any]
    state: dict[str, Any] | None  # None when resuming: the events after `since` follow
    device: str = ""
    window: int | None = None
    resumed: bool = False
    protocol: int = PROTOCOL_VERSION
    #: The hub's clock when it sent this (ISO-8601, hall time zone; "" from an older
    #: hub): clients judge opening hours by it, not by their own clocks.
    now: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"type": "welcome", "protocol": self.protocol, "role": str(self.role),
                "device": self.device, "window": self.window, "seq": self.seq,
                "resumed": self.resumed, "now": self.now, "hall": self.hall,
                "state": self.state}

    @classmethod
    def parse(cls, obj: dict[str, Any]) -> Welcome:
        role, seq = obj.get("role"), obj.get("seq")
        if not isinstance(role, str) or role not in Role.__members__.values() or (
            not isinstance(seq, int)
        ):
            raise ProtocolError("welcome needs a role and an integer seq")
        return cls(role=Role(role), seq=int(seq), hall=obj.get("hall") or {},
                   state=obj.get("state"), device=str(obj.get("device", "")),
                   window=obj.get("window"), resumed=bool(obj.get("resumed", False)),
                   now=str(obj.get("now") or ""))


@dataclass(frozen=True)
class Result:
    type: ClassVar[str] = "result"
    id: str | int | None
    ok: bool
    data: dict[str, Any] | None = None
    error_code: str = ""
    error_message: str = ""

    def to_json(self) -> dict[str, Any]:
        if self.ok:
            return {"type": "result", "id": self.id, "ok": True, "data": self.data or {}}
        return {"type": "result", "id": self.id, "ok": False,
                "error": {"code": self.error_code, "message": self.error_message}}

    @classmethod
    def success(cls, request_id: str | int | None, data: dict[str, Any]) -> Result:
        return cls(id=request_id, ok=True, data=data)

    @classmethod
    def failure(cls, request_id: str | int | None, error: QueueError) -> Result:
        return cls(id=request_id, ok=False, error_code=error.code, error_message=error.message)

    @classmethod
    def parse(cls, obj: dict[str, Any]) -> Result:
        ok = obj.get("ok")
        if not isinstance(ok, bool):
            raise ProtocolError("result needs ok: true or false")
        if ok:
            data = obj.get("data")
            return cls(id=obj.get("id"), ok=True, data=data if isinstance(data, dict) else {})
        error = obj.get("error") if isinstance(obj.get("error"), dict) else {}
        assert isinstance(error, dict)
        return cls(id=obj.get("id"), ok=False, error_code=str(error.get("code", "error")),
                   error_message=str(error.get("message", "")))


_DECODER = msgspec.json.Decoder()


def decode_frame(text: str | bytes) -> dict[str, Any]:
    """Decode one frame into a JSON object with a string ``type``.

    Raises:
        NotJson: binary frame, not JSON, or not an object with a string ``type``.
    """
    if isinstance(text, bytes):
        raise NotJson("binary frames are not part of protocol v1; send JSON text")
    try:
        obj = _DECODER.decode(text)
    except (msgspec.DecodeError, RecursionError):  # what json reads besides (NaN, a lone
        try:  # surrogate, 1e400), or not JSON, in json's words: as read before msgspec
            obj = json.loads(text)
        except (ValueError, RecursionError) as exc:
            raise NotJson(f"not JSON: {exc}") from exc
    if not isinstance(obj, dict) or not isinstance(obj.get("type"), str):
        raise NotJson("a message must be a JSON object with a string \"type\"")
    return obj


def parse_request(obj: dict[str, Any]) -> Request:
    """The request in a decoded client frame.

    Raises:
        UnknownType: not a request type of protocol v1.
        ProtocolError: a field is missing or wrong.
    """
    cls = REQUESTS.get(obj["type"])
    if cls is None:
        raise UnknownType(f"unknown message type {obj['type']!r}")
    request_id = obj.get("id")
    if not (isinstance(request_id, str) or _is_int(request_id)):
        raise ProtocolError(f"{cls.type}: every request needs an id (string or integer)")
    return cls.parse(obj)


#: msgspec's encoder writes what ``json.dumps(ensure_ascii=False, separators=(",", ":"))``
#: writes for every message of the protocol, ten times faster (docs/benchmarks.md).
_ENCODER = msgspec.json.Encoder()


def encode(message: dict[str, Any]) -> str:
    """One frame of compact JSON, Chinese kept readable."""
    return _ENCODER.encode(message).decode()


def encode_bytes(message: dict[str, Any]) -> bytes:
    """:func:`encode` as the UTF-8 bytes a frame carries."""
    return _ENCODER.encode(message)


__all__ = [
    "DEVICE_STATUSES",
    "EVENT_FIELDS",
    "EVENT_PAYLOADS",
    "MAX_FRAME_BYTES",
    "PRIVATE_FIELDS",
    "PROTOCOL_VERSION",
    "REQUESTS",
    "RESULTS",
    "RESULT_FIELDS",
    "SPECIAL_CALLS",
    "AlertCleared",
    "AlertRaised",
    "Announce",
    "Announcement",
    "Assist",
    "AssistRecorded",
    "AssistResult",
    "BookingCheck",
    "CaseOpened",
    "CaseResult",
    "CaseUpdated",
    "CasesResult",
    "ClerkSignedIn",
    "ClerkSignedOut",
    "CloseCode",
    "DayClosed",
    "DayResult",
    "DeviceStatus",
    "DeviceStatusReported",
    "Empty",
    "Estimate",
    "Event",
    "EventKind",
    "EventPayload",
    "Hello",
    "Issued",
    "MarkNotPrinted",
    "RatingRecorded",
    "RatingResult",
    "Reprint",
    "Request",
    "Result",
    "ResultPayload",
    "StatusResult",
    "TicketCalled",
    "TicketData",
    "TicketFinished",
    "TicketIssued",
    "TicketNotPrinted",
    "TicketReinstated",
    "TicketReprinted",
    "TicketResult",
    "TicketSkipped",
    "TicketTransferred",
    "Welcome",
    "WindowPaused",
    "WindowResumed",
    "decode_frame",
    "encode",
    "encode_bytes",
    "parse_request",
]
