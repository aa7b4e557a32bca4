"""Typed payloads of protocol v1: the fields of every event kind and of every result.

Each payload is a frozen dataclass whose fields are the wire keys, in wire order.
``parse`` builds one from a decoded JSON object (raising :class:`ProtocolError`) and
``to_json`` gives the object back, key for key. Fields with a default may be absent
(events stored by older hubs); a field marked ``omit_none`` is left out when it is None.
:mod:`hall.protocol` re-exports all of this; docs/protocol.md's tables are checked
against :data:`EVENT_FIELDS` and :data:`RESULT_FIELDS`, which come from here.

Over 600 lines: a frozen dataclass for every event kind and every result, the
wire's field lists; split, the contract would be scattered.
"""

from __future__ import annotations

import copyreg
from dataclasses import MISSING, dataclass, field, fields
from enum import StrEnum
from types import MappingProxyType, UnionType
from typing import Any, ClassVar, TypeVar, get_args, get_type_hints

from hall.errors import ProtocolError

#: Fields kept in the store but never broadcast (personal data).
PRIVATE_FIELDS = frozenset({"booking", "person", "request"})


class EventKind(StrEnum):
    TICKET_ISSUED = "ticket_issued"
    TICKET_CALLED = "ticket_called"
    TICKET_FINISHED = "ticket_finished"
    TICKET_SKIPPED = "ticket_skipped"
    TICKET_REINSTATED = "ticket_reinstated"
    TICKET_TRANSFERRED = "ticket_transferred"
    WINDOW_PAUSED = "window_paused"
    WINDOW_RESUMED = "window_resumed"
    CLERK_SIGNED_IN = "clerk_signed_in"
    CLERK_SIGNED_OUT = "clerk_signed_out"
    RATING_RECORDED = "rating_recorded"
    DAY_CLOSED = "day_closed"
    DEVICE_STATUS_REPORTED = "device_status_reported"
    TICKET_NOT_PRINTED = "ticket_not_printed"
    TICKET_REPRINTED = "ticket_reprinted"
    ANNOUNCEMENT = "announcement"
    ALERT_RAISED = "alert_raised"
    ALERT_CLEARED = "alert_cleared"
    CASE_OPENED = "case_opened"
    CASE_UPDATED = "case_updated"
    ASSIST_RECORDED = "assist_recorded"
    WITHHELD = "withheld"


def _reduce_mapping(mapping: MappingProxyType[Any, Any]) -> tuple[Any, tuple[Any, ...]]:
    return MappingProxyType, (dict(mapping),)


# Free-form objects inside payloads are read-only mappings; let copy.deepcopy (the Qt
# kit hands the GUI thread deep copies of events) and pickle rebuild them.
copyreg.pickle(MappingProxyType, _reduce_mapping)


def _omit_none() -> Any:
    return field(default=None, metadata={"omit_none": True})


P = TypeVar("P", bound="Payload")
_HINTS: dict[type, dict[str, Any]] = {}


@dataclass(frozen=True, slots=True)
class Payload:
    """Base of every payload: generic, type-checked parse and key-for-key to_json."""

    what: ClassVar[str] = "payload"

    def to_json(self) -> dict[str, Any]:
        """The wire object, private fields included (strip them before broadcasting)."""
        out: dict[str, Any] = {}
        for name, omit_none in _wire_fields(type(self)):
            value = getattr(self, name)
            if value is None:
                if not omit_none:
                    out[name] = None
            elif type(value) in _PLAIN:
                out[name] = value
            else:
                out[name] = _encode(value)
        return out

    def to_store(self) -> dict[str, Any]:
        """The stored object: ``to_json`` except where a private field is always kept."""
        return self.to_json()

    @classmethod
    def parse(cls: type[P], obj: Any) -> P:
        """Raises ProtocolError when a field is missing or of the wrong type."""
        if not isinstance(obj, dict):
            raise ProtocolError(f"{cls.what}: expected a JSON object")
        hints = _HINTS.get(cls)
        if hints is None:
            hints = _HINTS[cls] = get_type_hints(cls)
        values: dict[str, Any] = {}
        for f in fields(cls):
            if f.name not in obj:
                if f.default is MISSING:
                    raise ProtocolError(f"{cls.what}: missing field {f.name!r}")
                continue
            values[f.name] = _decode(cls.what, f.name, obj[f.name], hints[f.name])
        return cls(**values)


#: Field names of each payload class, each with whether it is left out when None.
_WIRE_FIELDS: dict[type, tuple[tuple[str, bool], ...]] = {}
_PLAIN = frozenset({str, int, float, bool})


def _wire_fields(cls: type) -> tuple[tuple[str, bool], ...]:
    spec = _WIRE_FIELDS.get(cls)
    if spec is None:
        spec = _WIRE_FIELDS[cls] = tuple(
            (f.name, bool(f.metadata.get("omit_none"))) for f in fields(cls))
    return spec


def _encode(value: Any) -> Any:
    if isinstance(value, Payload):
        return value.to_json()
    if isinstance(value, tuple):
        return list(value)
    if isinstance(value, MappingProxyType):
        return dict(value)
    return value


def _decode(owner: str, name: str, value: Any, expected: Any) -> Any:
    options = get_args(expected) if isinstance(expected, UnionType) else (expected,)
    for option in options:
        if option is type(None):
            if value is None:
                return None
        elif option is bool:
            if isinstance(value, bool):
                return value
        elif option is int:
            if isinstance(value, int) and not isinstance(value, bool):
                return value
        elif option is float:
            if isinstance(value, int | float) and not isinstance(value, bool):
                return value
        elif option is str:
            if isinstance(value, str):
                return value
        elif isinstance(option, type) and issubclass(option, Payload):
            if isinstance(value, dict):
                return option.parse(value)
        elif getattr(option, "__origin__", None) is tuple:
            if isinstance(value, list) and get_args(option)[0] is Any:
                return tuple(value)  # free-form rows (statistics, ticket history)
            if isinstance(value, list) and all(
                isinstance(v, int) and not isinstance(v, bool) for v in value
            ):
                return tuple(value)
        elif isinstance(value, dict):  # free-form objects (status counts)
            return MappingProxyType(dict(value))
    raise ProtocolError(f"{owner}: field {name!r} has the wrong type")


# -- the ticket object -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TicketData(Payload):
    """The protocol's ticket object. ``booking`` is private: only ``ticket_issued``
    stores it, and it is never broadcast."""

    what: ClassVar[str] = "ticket"

    id: int
    number: str
    service: str
    priority: bool
    status: str
    issued_at: str
    window: int | None = None
    order: int | None = None  # absent in very old events: the id then
    called_at: str | None = None
    recalls: int = 0
    booking: str | None = _omit_none()
    #: salted hash of the citizen's ID number (kiosk ID-card reader); private like booking
    person: str | None = field(default=None, repr=False, metadata={"omit_none": True})

    def public(self) -> dict[str, Any]:
        """The ticket object without personal data (results, welcome, ticket_called)."""
        return {"id": self.id, "number": self.number, "service": self.service,
                "priority": self.priority, "status": self.status, "issued_at": self.issued_at,
                "window": self.window, "order": self.id if self.order is None else self.order,
                "called_at": self.called_at, "recalls": self.recalls}

    def stored(self) -> dict[str, Any]:
        """With the booking code (``ticket_issued`` in the store)."""
        out = {**self.public(), "booking": self.booking}
        if self.person is not None:
            out["person"] = self.person
        return out


# -- events ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class EventPayload(Payload):
    kind: ClassVar[EventKind]


@dataclass(frozen=True, slots=True)
class TicketIssued(EventPayload):
    kind: ClassVar[EventKind] = EventKind.TICKET_ISSUED
    what: ClassVar[str] = "ticket_issued"
    day: str
    ticket: TicketData
    slot: str | None = None
    #: the kiosk's request key (take_ticket ``request``): kept by the hub, never broadcast
    request: str | None = _omit_none()
    #: The wait promised at issue (hall/forecast.py), kept so that the first call
    #: tells how true it was: minutes, and the 80 % range (absent: none could be given).
    estimated_wait_min: int | None = _omit_none()
    wait_range_min: tuple[int, ...] | None = _omit_none()
    #: 延时错时: ``extended`` (延时) or ``off_hours`` (错时) when taken in such a period of
    #: its service (hall/rules.py); absent in regular hours.
    period: str | None = _omit_none()

    def to_store(self) -> dict[str, Any]:
        out: dict[str, Any] = {"day": self.day, "ticket": self.ticket.stored(),
                               "slot": self.slot}
        if self.request is not None:
            out["request"] = self.request
        if self.estimated_wait_min is not None:
            out["estimated_wait_min"] = self.estimated_wait_min
        if self.wait_range_min is not None:
            out["wait_range_min"] = list(self.wait_range_min)
        if self.period is not None:
            out["period"] = self.period
        return out


@dataclass(frozen=True, slots=True)
class TicketCalled(EventPayload):
    kind: ClassVar[EventKind] = EventKind.TICKET_CALLED
    what: ClassVar[str] = "ticket_called"
    ticket: TicketData
    window: int
    recall: int = 0
    staff: str | None = None
    tier: int | None = None
    streak: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {"ticket": self.ticket.public(), "window": self.window, "recall": self.recall,
                "staff": self.staff, "tier": self.tier, "streak": self.streak}


@dataclass(frozen=True, slots=True)
class TicketFinished(EventPayload):
    kind: ClassVar[EventKind] = EventKind.TICKET_FINISHED
    what: ClassVar[str] = "ticket_finished"
    ticket_id: int
    number: str
    window: int
    service: str
    duration_s: float = 0.0


@dataclass(frozen=True, slots=True)
class TicketSkipped(EventPayload):
    kind: ClassVar[EventKind] = EventKind.TICKET_SKIPPED
    what: ClassVar[str] = "ticket_skipped"
    ticket_id: int
    number: str
    window: int


@dataclass(frozen=True, slots=True)
class TicketReinstated(EventPayload):
    kind: ClassVar[EventKind] = EventKind.TICKET_REINSTATED
    what: ClassVar[str] = "ticket_reinstated"
    ticket_id: int
    number: str
    window: int
    order: int


@dataclass(frozen=True, slots=True)
class TicketTransferred(EventPayload):
    kind: ClassVar[EventKind] = EventKind.TICKET_TRANSFERRED
    what: ClassVar[str] = "ticket_transferred"
    ticket_id: int
    number: str
    window: int
    from_service: str
    service: str


@dataclass(frozen=True, slots=True)
class WindowPaused(EventPayload):
    kind: ClassVar[EventKind] = EventKind.WINDOW_PAUSED
    what: ClassVar[str] = "window_paused"
    window: int
    reason: str | None = None  # why, as the clerk said (会议, 午休 …)


@dataclass(frozen=True, slots=True)
class Announcement(EventPayload):
    kind: ClassVar[EventKind] = EventKind.ANNOUNCEMENT
    what: ClassVar[str] = "announcement"
    window: int
    call: str  # rating | manager (hall.protocol.SPECIAL_CALLS)
    text: str  # what displays show, voices say and the window's bar shows


@dataclass(frozen=True, slots=True)
class WindowResumed(EventPayload):
    kind: ClassVar[EventKind] = EventKind.WINDOW_RESUMED
    what: ClassVar[str] = "window_resumed"
    window: int


@dataclass(frozen=True, slots=True)
class ClerkSignedIn(EventPayload):
    kind: ClassVar[EventKind] = EventKind.CLERK_SIGNED_IN
    what: ClassVar[str] = "clerk_signed_in"
    window: int
    staff: str
    name: str | None = None  # from the staff list (null without one)


@dataclass(frozen=True, slots=True)
class ClerkSignedOut(EventPayload):
    kind: ClassVar[EventKind] = EventKind.CLERK_SIGNED_OUT
    what: ClassVar[str] = "clerk_signed_out"
    window: int
    staff: str


@dataclass(frozen=True, slots=True)
class RatingRecorded(EventPayload):
    kind: ClassVar[EventKind] = EventKind.RATING_RECORDED
    what: ClassVar[str] = "rating_recorded"
    ticket_id: int
    number: str | None
    window: int
    service: str | None
    zone: str | None
    staff: str | None
    score: int
    points: int | None = None
    channel: str | None = None
    #: Why, for a 差评 on a pad that asks (等候时间长 …); absent otherwise.
    reason: str | None = _omit_none()
    #: The citizen's own words, typed on the phone page (≤ 200 characters); absent otherwise.
    comment: str | None = _omit_none()


@dataclass(frozen=True, slots=True)
class AssistRecorded(EventPayload):
    """帮办代办: a clerk did the business with the citizen (``help``, 帮办) or for them
    (``proxy``, 代办; the citizen possibly absent). ``ticket_id`` and ``number`` are
    absent for a 代办 item opened without a ticket (a request by phone or from a
    village station: ``source``)."""

    kind: ClassVar[EventKind] = EventKind.ASSIST_RECORDED
    what: ClassVar[str] = "assist_recorded"
    window: int
    assist: str  # help | proxy
    service: str
    zone: str | None
    staff: str | None
    ticket_id: int | None = _omit_none()
    number: str | None = _omit_none()
    source: str | None = _omit_none()
    note: str | None = _omit_none()


@dataclass(frozen=True, slots=True)
class DayClosed(EventPayload):
    kind: ClassVar[EventKind] = EventKind.DAY_CLOSED
    what: ClassVar[str] = "day_closed"
    day: str
    next_day: str
    closed: tuple[int, ...] = ()
    reason: str = "day_end"
    next_id: int | None = None
    forget_before: str | None = _omit_none()


#: What a device may report about itself (``device_status``).
DEVICE_STATUSES = frozenset(
    {"ok", "paper_near_end", "paper_out", "cover_open", "offline", "unknown"}
)


@dataclass(frozen=True, slots=True)
class DeviceStatusReported(EventPayload):
    """A device (a kiosk's printer) reported its health; managers see it."""

    kind: ClassVar[EventKind] = EventKind.DEVICE_STATUS_REPORTED
    what: ClassVar[str] = "device_status_reported"
    device: str
    device_kind: str
    status: str
    detail: str = ""


@dataclass(frozen=True, slots=True)
class TicketNotPrinted(EventPayload):
    """A ticket was issued but its paper ticket did not come out."""

    kind: ClassVar[EventKind] = EventKind.TICKET_NOT_PRINTED
    what: ClassVar[str] = "ticket_not_printed"
    ticket_id: int
    number: str
    #: the kiosk gave up waiting for the hub's answer: nobody holds this ticket, so it is
    #: closed (never called); absent: the citizen was shown the number, which stands
    given_up: bool | None = _omit_none()


@dataclass(frozen=True, slots=True)
class TicketReprinted(EventPayload):
    """A ticket was printed again on purpose (补打)."""

    kind: ClassVar[EventKind] = EventKind.TICKET_REPRINTED
    what: ClassVar[str] = "ticket_reprinted"
    ticket_id: int
    number: str


@dataclass(frozen=True, slots=True)
class AlertRaised(EventPayload):
    """Something in the hall needs a manager: a long wait or queue, a window paused or a
    citizen served too long, a device in trouble. Raised once, cleared once."""

    kind: ClassVar[EventKind] = EventKind.ALERT_RAISED
    what: ClassVar[str] = "alert_raised"
    alert: str  # stable id, e.g. "wait:zone:tax"
    category: str  # wait | queue | overdue | pause | device
    scope: str = ""  # zone:<id> | service:<id> | window:<n> | device:<id>
    level: str = "warning"  # warning | critical
    message: str = ""
    value: float | None = None
    limit: float | None = None
    since: str = ""


@dataclass(frozen=True, slots=True)
class AlertCleared(EventPayload):
    kind: ClassVar[EventKind] = EventKind.ALERT_CLEARED
    what: ClassVar[str] = "alert_cleared"
    alert: str
    since: str = ""
    cleared: str = ""


@dataclass(frozen=True, slots=True)
class CaseOpened(EventPayload):
    """A rating of 1 or 2 opened a 差评 follow-up case (docs/supervision.md)."""

    kind: ClassVar[EventKind] = EventKind.CASE_OPENED
    what: ClassVar[str] = "case_opened"
    case: MappingProxyType[str, Any]


@dataclass(frozen=True, slots=True)
class CaseUpdated(EventPayload):
    """A manager acted on a case: ``action``, the case as it is now without its notes
    and call-back records, and the ``note`` or ``callback`` record the action added
    (the change, not the whole case: a case's history is its events)."""

    kind: ClassVar[EventKind] = EventKind.CASE_UPDATED
    what: ClassVar[str] = "case_updated"
    action: str
    by: str
    case: MappingProxyType[str, Any]
    note: MappingProxyType[str, Any] | None = field(default=None, metadata={"omit_none": True})
    callback: MappingProxyType[str, Any] | None = field(
        default=None, metadata={"omit_none": True})


@dataclass(frozen=True, slots=True)
class Withheld(EventPayload):
    """In place of an event this device may not see (a 差评 case is for admins only):
    its seq and time, nothing else, so that a replica's sequence stays unbroken."""

    kind: ClassVar[EventKind] = EventKind.WITHHELD
    what: ClassVar[str] = "withheld"


EVENT_PAYLOADS: dict[EventKind, type[EventPayload]] = {
    cls.kind: cls
    for cls in (
        TicketIssued, TicketCalled, TicketFinished, TicketSkipped, TicketReinstated,
        TicketTransferred, WindowPaused, WindowResumed, ClerkSignedIn, ClerkSignedOut,
        RatingRecorded, DayClosed, DeviceStatusReported, TicketNotPrinted, TicketReprinted,
        Announcement, AlertRaised, AlertCleared, CaseOpened, CaseUpdated, Withheld,
        AssistRecorded,
    )
}

#: Fields of each event kind beside type/seq/at/kind (documented in docs/protocol.md).
EVENT_FIELDS: dict[EventKind, tuple[str, ...]] = {
    kind: tuple(f.name for f in fields(cls)) for kind, cls in EVENT_PAYLOADS.items()
}


def parse_event_payload(kind: EventKind, obj: Any) -> EventPayload:
    """The payload of an event of ``kind``. Raises ProtocolError."""
    return EVENT_PAYLOADS[kind].parse(obj)


# -- results -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ResultPayload(Payload):
    """``data`` of a successful result."""


@dataclass(frozen=True, slots=True)
class Empty(ResultPayload):
    what: ClassVar[str] = "empty result"


@dataclass(frozen=True, slots=True)
class TicketResult(ResultPayload):
    """The ticket acted on (``call_next``: null when nobody waits)."""

    what: ClassVar[str] = "ticket result"
    ticket: TicketData | None

    def to_json(self) -> dict[str, Any]:
        return {"ticket": self.ticket.public() if self.ticket is not None else None}


@dataclass(frozen=True, slots=True)
class Estimate(ResultPayload):
    """A waiting ticket, the people ahead of it and its wait: the point estimate and the
    80 % range ``[low, high]`` in minutes (null: no window can serve it now)."""

    what: ClassVar[str] = "estimate"
    ticket: TicketData
    ahead: int
    estimated_wait_min: int
    wait_range_min: tuple[int, ...] | None = None

    def to_json(self) -> dict[str, Any]:
        return {"ticket": self.ticket.public(), "ahead": self.ahead,
                "estimated_wait_min": self.estimated_wait_min,
                "wait_range_min": (list(self.wait_range_min)
                                   if self.wait_range_min is not None else None)}


@dataclass(frozen=True, slots=True)
class Issued(Estimate):
    """A new ticket's estimate and, for the kiosk that took it, its public page."""

    what: ClassVar[str] = "take_ticket result"
    #: ``{public_url}/t/{token}``: printed as the ticket's QR code (docs/web.md).
    link: str | None = _omit_none()

    def to_json(self) -> dict[str, Any]:
        out = Estimate.to_json(self)
        if self.link is not None:
            out["link"] = self.link
        return out


@dataclass(frozen=True, slots=True)
class BookingCheck(ResultPayload):
    """Whether a booking code was already checked in (within the hall's memory)."""

    what: ClassVar[str] = "check_booking result"
    used: bool


@dataclass(frozen=True, slots=True)
class AssistResult(ResultPayload):
    what: ClassVar[str] = "assist result"
    assist: str
    service: str
    number: str | None = None


@dataclass(frozen=True, slots=True)
class RatingResult(ResultPayload):
    what: ClassVar[str] = "rating result"
    score: int
    points: int


@dataclass(frozen=True, slots=True)
class DayResult(ResultPayload):
    what: ClassVar[str] = "close_day result"
    day: str
    next_day: str
    closed: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class StatusResult(ResultPayload):
    """Waiting counts (``by_service``, ``by_zone``, ``by_window``) and, per service, the
    wait of a ticket taken now: point and 80 % range (null: no window serves it now)."""

    what: ClassVar[str] = "status result"
    day: str
    waiting: MappingProxyType[str, Any]
    estimated_wait_min: MappingProxyType[str, Any]
    wait_range_min: MappingProxyType[str, Any] = field(
        default_factory=lambda: MappingProxyType({}))


@dataclass(frozen=True, slots=True)
class StatsResult(ResultPayload):
    """Figures of a range of days per dimension; rows as docs/supervision.md says."""

    what: ClassVar[str] = "stats result"
    start: str
    end: str
    total: MappingProxyType[str, Any]
    by_day: tuple[Any, ...]
    by_hour: tuple[Any, ...]
    by_zone: tuple[Any, ...]
    by_service: tuple[Any, ...]
    by_window: tuple[Any, ...]
    by_clerk: tuple[Any, ...]
    #: The push to the province now (ledger/push.py ``status``); absent without one.
    push: MappingProxyType[str, Any] | None = field(default=None, metadata={"omit_none": True})


@dataclass(frozen=True, slots=True)
class PlanResult(ResultPayload):
    """The staffing plan of one weekday: per zone and half hour the windows needed for
    the target (``rows``, as ledger/plan.py's ``Row``), over ``days`` days of history."""

    what: ClassVar[str] = "plan result"
    weekday: int  # 1 = Monday … 7
    weeks: int
    days: int  # days of that weekday in the history read
    target_min: int
    target_percent: int
    rows: tuple[Any, ...]


@dataclass(frozen=True, slots=True)
class HistoryResult(ResultPayload):
    """The tickets of one number on one date, each with its stored events."""

    what: ClassVar[str] = "ticket_history result"
    tickets: tuple[Any, ...]


@dataclass(frozen=True, slots=True)
class CasesResult(ResultPayload):
    what: ClassVar[str] = "cases result"
    cases: tuple[Any, ...]


@dataclass(frozen=True, slots=True)
class CaseResult(ResultPayload):
    what: ClassVar[str] = "case_update result"
    case: MappingProxyType[str, Any]


#: The result payload of each request type.
RESULTS: dict[str, type[ResultPayload]] = {
    "take_ticket": Issued,
    "call_next": TicketResult,
    "recall": TicketResult,
    "skip": TicketResult,
    "finish": TicketResult,
    "transfer": Estimate,
    "pause": Empty,
    "announce": Empty,
    "resume": Empty,
    "sign_in": Empty,
    "sign_out": Empty,
    "rate": RatingResult,
    "reinstate": Estimate,
    "call_number": TicketResult,
    "close_day": DayResult,
    "status": StatusResult,
    "ticket_info": Estimate,
    "device_status": Empty,
    "ticket_not_printed": Empty,
    "give_up_ticket": TicketResult,
    "check_booking": BookingCheck,
    "reprint": Estimate,
    "stats": StatsResult,
    "plan": PlanResult,
    "ticket_history": HistoryResult,
    "cases": CasesResult,
    "case_update": CaseResult,
    "assist": AssistResult,
}

#: Fields of each request's result ``data`` (documented in docs/protocol.md).
RESULT_FIELDS: dict[str, tuple[str, ...]] = {
    name: tuple(f.name for f in fields(cls)) for name, cls in RESULTS.items()
}
