"""Typed payloads of protocol v1: the fields of every event kind and of every result.

Each payload is a frozen msgspec Struct whose fields are the wire keys, in wire order.
``parse`` builds one from a decoded JSON object (msgspec checks the types; a refusal is
a :class:`ProtocolError` in the words the protocol has always used) and ``to_json``
gives the object back, key for key. Fields with a default may be absent (events stored
by older hubs). A field whose default is a plain ``None`` is left out of the wire when
it is None; every other default is written like any value (:func:`kept`).
:mod:`hall.protocol` re-exports all of this; docs/protocol.md's tables are checked
against :data:`EVENT_FIELDS` and :data:`RESULT_FIELDS`, which come from here.

Over 600 lines: a Struct for every event kind and every result, the wire's field
lists; split, the contract would be scattered.
"""

from __future__ import annotations

import copyreg
from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType, UnionType
from typing import Any, ClassVar, TypeVar, get_args, get_origin

import msgspec

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


# The engine hands free-form objects to payloads as read-only mappings; let copy.deepcopy
# (the Qt kit hands the GUI thread deep copies of events) and pickle rebuild them.
copyreg.pickle(MappingProxyType, _reduce_mapping)


def kept(value: Any) -> Any:
    """A field default written to the wire like any other value (a plain default of
    ``None`` is left out instead: the Structs omit fields left at their default)."""
    return msgspec.field(default_factory=lambda: value)


def plain(value: Any) -> Any:
    """msgspec's ``enc_hook``: a read-only mapping is written as the object it is."""
    if isinstance(value, MappingProxyType):
        return dict(value)
    raise NotImplementedError(f"cannot encode {type(value).__name__}")


def without(obj: msgspec.Struct, *hidden: str) -> str:
    """A Struct's repr without some fields (a salted ID hash stays out of logs)."""
    shown = ", ".join(f"{name}={getattr(obj, name)!r}" for name in obj.__struct_fields__
                      if name not in hidden)
    return f"{type(obj).__name__}({shown})"


P = TypeVar("P", bound="Payload")


class Payload(msgspec.Struct, frozen=True, omit_defaults=True):
    """Base of every payload: validated parse, key-for-key to_json."""

    what: ClassVar[str] = "payload"

    def to_json(self) -> dict[str, Any]:
        """The wire object, private fields included (strip them before broadcasting)."""
        out: dict[str, Any] = msgspec.to_builtins(self, enc_hook=plain)
        for name in _sequences(type(self)):
            if out.get(name) is not None:
                out[name] = list(out[name])
        return out

    def to_store(self) -> dict[str, Any]:
        """The stored object: ``to_json`` except where a private field is always kept."""
        return self.stored_from(self.to_json())

    def stored_from(self, wire: dict[str, Any]) -> dict[str, Any]:
        """:meth:`to_store` from this payload's ``to_json`` made already (``wire``, left
        as it is; returned itself where the two are the same)."""
        return wire

    @classmethod
    def parse(cls: type[P], obj: Any) -> P:
        """Raises ProtocolError when a field is missing or of the wrong type."""
        try:
            return msgspec.convert(obj, cls)
        except msgspec.ValidationError:
            raise _refusal(cls, obj) from None


_SEQUENCES: dict[type, tuple[str, ...]] = {}


def _sequences(cls: type[Payload]) -> tuple[str, ...]:
    """The fields holding tuples, which the wire object has as lists."""
    names = _SEQUENCES.get(cls)
    if names is None:
        names = _SEQUENCES[cls] = tuple(
            f.name for f in msgspec.structs.fields(cls)
            if any(get_origin(o) is tuple for o in _options(f.type)))
    return names


def _options(annotation: Any) -> tuple[Any, ...]:
    return get_args(annotation) if isinstance(annotation, UnionType) else (annotation,)


#: Per payload class, where personal data can be: nowhere (None), anywhere (free-form
#: objects: True), or its own private fields and the nested payloads to look into.
_PRIVATE: dict[type, Any] = {}


def public_wire(cls: type[Payload], wire: dict[str, Any]) -> dict[str, Any]:
    """``wire``, the to_json of a ``cls``, without the :data:`PRIVATE_FIELDS` at any
    depth; looking only where the class's fields can hold them. ``wire`` itself (or
    a nested object of it) when there is nothing to leave out."""
    plan = _PRIVATE.get(cls, ...)
    if plan is ...:
        plan = _PRIVATE[cls] = _private_plan(cls)
    if plan is None:
        return wire
    if plan is True:
        stripped: dict[str, Any] = strip_private(wire)
        return stripped
    hidden, nested = plan
    out = wire
    for name in hidden:
        if name in out:
            if out is wire:
                out = dict(wire)
            del out[name]
    for name, inner in nested:
        value = out.get(name)
        if isinstance(value, dict):
            public = public_wire(inner, value)
            if public is not value:
                if out is wire:
                    out = dict(wire)
                out[name] = public  # in its place: the wire's order stays
    return out


def _private_plan(cls: type[Payload]) -> Any:
    nested: dict[str, type[Payload]] = {}
    hidden: list[str] = []
    for f in msgspec.structs.fields(cls):
        if f.name in PRIVATE_FIELDS:
            hidden.append(f.name)
        for option in _options(f.type):
            if isinstance(option, type) and issubclass(option, Payload):
                nested[f.name] = option
            elif option is Any or get_origin(option) is Mapping or (
                    get_origin(option) is tuple and Any in get_args(option)):
                return True
    return (tuple(hidden), tuple(nested.items())) if nested or hidden else None


def strip_private(value: Any) -> Any:
    """``value`` with every key of :data:`PRIVATE_FIELDS` left out, at any depth."""
    if isinstance(value, dict):
        return {k: strip_private(v) for k, v in value.items() if k not in PRIVATE_FIELDS}
    if isinstance(value, list):
        return [strip_private(v) for v in value]
    return value


def _refusal(cls: type[Payload], obj: Any) -> ProtocolError:
    """What is wrong with ``obj``, in the protocol's words: the first field, in wire
    order, that is missing or of the wrong type (a nested object's own words)."""
    if not isinstance(obj, dict):
        return ProtocolError(f"{cls.what}: expected a JSON object")
    for f in msgspec.structs.fields(cls):
        if f.name not in obj:
            if f.required:
                return ProtocolError(f"{cls.what}: missing field {f.name!r}")
            continue
        value = obj[f.name]
        nested = [o for o in _options(f.type) if isinstance(o, type) and issubclass(o, Payload)]
        if nested and isinstance(value, dict):
            try:
                nested[0].parse(value)
            except ProtocolError as exc:
                return exc
            continue
        try:
            msgspec.convert(value, f.type)
        except msgspec.ValidationError:
            return ProtocolError(f"{cls.what}: field {f.name!r} has the wrong type")
    return ProtocolError(f"{cls.what}: malformed")


# -- the ticket object -------------------------------------------------------------------


class TicketData(Payload, frozen=True):
    """The protocol's ticket object. ``booking`` is private: only ``ticket_issued``
    stores it, and it is never broadcast."""

    what: ClassVar[str] = "ticket"

    id: int
    number: str
    service: str
    priority: bool
    status: str
    issued_at: str
    window: int | None = kept(None)
    order: int | None = kept(None)  # absent in very old events: the id then
    called_at: str | None = kept(None)
    recalls: int = kept(0)
    booking: str | None = None
    #: salted hash of the citizen's ID number (kiosk ID-card reader); private like booking
    person: str | None = None

    def __repr__(self) -> str:
        return without(self, "person")

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


def shown_ticket(payload: Any) -> dict[str, Any]:
    """``to_json`` of a payload showing a ticket: its public form (no booking, no ID
    hash; ``order`` filled in for very old tickets)."""
    out = Payload.to_json(payload)
    ticket = payload.ticket
    # without personal data and with its order, msgspec wrote it as its public form
    if ticket is not None and (ticket.booking is not None or ticket.person is not None
                               or ticket.order is None):
        out["ticket"] = ticket.public()
    return out


# -- events ------------------------------------------------------------------------------


class EventPayload(Payload, frozen=True):
    kind: ClassVar[EventKind]


class TicketIssued(EventPayload, frozen=True):
    kind: ClassVar[EventKind] = EventKind.TICKET_ISSUED
    what: ClassVar[str] = "ticket_issued"
    day: str
    ticket: TicketData
    slot: str | None = kept(None)
    #: the kiosk's request key (take_ticket ``request``): kept by the hub, never broadcast
    request: str | None = None
    #: The wait promised at issue (hall/forecast.py), kept so that the first call
    #: tells how true it was: minutes, and the 80 % range (absent: none could be given).
    estimated_wait_min: int | None = None
    wait_range_min: tuple[int, ...] | None = None
    #: 延时错时: ``extended`` (延时) or ``off_hours`` (错时) when taken in such a period of
    #: its service (hall/rules.py); absent in regular hours.
    period: str | None = None

    def stored_from(self, wire: dict[str, Any]) -> dict[str, Any]:
        return {**wire, "ticket": self.ticket.stored()}  # the booking code kept


class TicketCalled(EventPayload, frozen=True):
    kind: ClassVar[EventKind] = EventKind.TICKET_CALLED
    what: ClassVar[str] = "ticket_called"
    ticket: TicketData
    window: int
    recall: int = kept(0)
    staff: str | None = kept(None)
    tier: int | None = kept(None)
    streak: int | None = kept(None)

    to_json = shown_ticket


class TicketFinished(EventPayload, frozen=True):
    kind: ClassVar[EventKind] = EventKind.TICKET_FINISHED
    what: ClassVar[str] = "ticket_finished"
    ticket_id: int
    number: str
    window: int
    service: str
    duration_s: int | float = kept(0.0)


class TicketSkipped(EventPayload, frozen=True):
    kind: ClassVar[EventKind] = EventKind.TICKET_SKIPPED
    what: ClassVar[str] = "ticket_skipped"
    ticket_id: int
    number: str
    window: int


class TicketReinstated(EventPayload, frozen=True):
    kind: ClassVar[EventKind] = EventKind.TICKET_REINSTATED
    what: ClassVar[str] = "ticket_reinstated"
    ticket_id: int
    number: str
    window: int
    order: int


class TicketTransferred(EventPayload, frozen=True):
    kind: ClassVar[EventKind] = EventKind.TICKET_TRANSFERRED
    what: ClassVar[str] = "ticket_transferred"
    ticket_id: int
    number: str
    window: int
    from_service: str
    service: str


class WindowPaused(EventPayload, frozen=True):
    kind: ClassVar[EventKind] = EventKind.WINDOW_PAUSED
    what: ClassVar[str] = "window_paused"
    window: int
    reason: str | None = kept(None)  # why, as the clerk said (会议, 午休 …)


class Announcement(EventPayload, frozen=True):
    kind: ClassVar[EventKind] = EventKind.ANNOUNCEMENT
    what: ClassVar[str] = "announcement"
    window: int
    call: str  # rating | manager (hall.protocol.SPECIAL_CALLS)
    text: str  # what displays show, voices say and the window's bar shows


class WindowResumed(EventPayload, frozen=True):
    kind: ClassVar[EventKind] = EventKind.WINDOW_RESUMED
    what: ClassVar[str] = "window_resumed"
    window: int


class ClerkSignedIn(EventPayload, frozen=True):
    kind: ClassVar[EventKind] = EventKind.CLERK_SIGNED_IN
    what: ClassVar[str] = "clerk_signed_in"
    window: int
    staff: str
    name: str | None = kept(None)  # from the staff list (null without one)


class ClerkSignedOut(EventPayload, frozen=True):
    kind: ClassVar[EventKind] = EventKind.CLERK_SIGNED_OUT
    what: ClassVar[str] = "clerk_signed_out"
    window: int
    staff: str


class RatingRecorded(EventPayload, frozen=True):
    kind: ClassVar[EventKind] = EventKind.RATING_RECORDED
    what: ClassVar[str] = "rating_recorded"
    ticket_id: int
    number: str | None
    window: int
    service: str | None
    zone: str | None
    staff: str | None
    score: int
    points: int | None = kept(None)
    channel: str | None = kept(None)
    #: Why, for a 差评 on a pad that asks (等候时间长 …); absent otherwise.
    reason: str | None = None
    #: The citizen's own words, typed on the phone page (≤ 200 characters); absent otherwise.
    comment: str | None = None


class AssistRecorded(EventPayload, frozen=True):
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
    ticket_id: int | None = None
    number: str | None = None
    source: str | None = None
    note: str | None = None


class DayClosed(EventPayload, frozen=True):
    kind: ClassVar[EventKind] = EventKind.DAY_CLOSED
    what: ClassVar[str] = "day_closed"
    day: str
    next_day: str
    closed: tuple[int, ...] = kept(())
    reason: str = kept("day_end")
    next_id: int | None = kept(None)
    forget_before: str | None = None


#: What a device may report about itself (``device_status``).
DEVICE_STATUSES = frozenset(
    {"ok", "paper_near_end", "paper_out", "cover_open", "offline", "unknown"}
)


class DeviceStatusReported(EventPayload, frozen=True):
    """A device (a kiosk's printer) reported its health; managers see it."""

    kind: ClassVar[EventKind] = EventKind.DEVICE_STATUS_REPORTED
    what: ClassVar[str] = "device_status_reported"
    device: str
    device_kind: str
    status: str
    detail: str = kept("")


class TicketNotPrinted(EventPayload, frozen=True):
    """A ticket was issued but its paper ticket did not come out."""

    kind: ClassVar[EventKind] = EventKind.TICKET_NOT_PRINTED
    what: ClassVar[str] = "ticket_not_printed"
    ticket_id: int
    number: str
    #: the kiosk gave up waiting for the hub's answer: nobody holds this ticket, so it is
    #: closed (never called); absent: the citizen was shown the number, which stands
    given_up: bool | None = None


class TicketReprinted(EventPayload, frozen=True):
    """A ticket was printed again on purpose (补打)."""

    kind: ClassVar[EventKind] = EventKind.TICKET_REPRINTED
    what: ClassVar[str] = "ticket_reprinted"
    ticket_id: int
    number: str


class AlertRaised(EventPayload, frozen=True):
    """Something in the hall needs a manager: a long wait or queue, a window paused or a
    citizen served too long, a device in trouble. Raised once, cleared once."""

    kind: ClassVar[EventKind] = EventKind.ALERT_RAISED
    what: ClassVar[str] = "alert_raised"
    alert: str  # stable id, e.g. "wait:zone:tax"
    category: str  # wait | queue | overdue | pause | device
    scope: str = kept("")  # zone:<id> | service:<id> | window:<n> | device:<id>
    level: str = kept("warning")  # warning | critical
    message: str = kept("")
    value: int | float | None = kept(None)
    limit: int | float | None = kept(None)
    since: str = kept("")


class AlertCleared(EventPayload, frozen=True):
    kind: ClassVar[EventKind] = EventKind.ALERT_CLEARED
    what: ClassVar[str] = "alert_cleared"
    alert: str
    since: str = kept("")
    cleared: str = kept("")


class CaseOpened(EventPayload, frozen=True):
    """A rating of 1 or 2 opened a 差评 follow-up case (docs/supervision.md)."""

    kind: ClassVar[EventKind] = EventKind.CASE_OPENED
    what: ClassVar[str] = "case_opened"
    case: Mapping[str, Any]


class CaseUpdated(EventPayload, frozen=True):
    """A manager acted on a case: ``action``, the case as it is now without its notes
    and call-back records, and the ``note`` or ``callback`` record the action added
    (the change, not the whole case: a case's history is its events)."""

    kind: ClassVar[EventKind] = EventKind.CASE_UPDATED
    what: ClassVar[str] = "case_updated"
    action: str
    by: str
    case: Mapping[str, Any]
    note: Mapping[str, Any] | None = None
    callback: Mapping[str, Any] | None = None


class Withheld(EventPayload, frozen=True):
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
    kind: cls.__struct_fields__ for kind, cls in EVENT_PAYLOADS.items()
}


def parse_event_payload(kind: EventKind, obj: Any) -> EventPayload:
    """The payload of an event of ``kind``. Raises ProtocolError."""
    return EVENT_PAYLOADS[kind].parse(obj)


# -- results -----------------------------------------------------------------------------


class ResultPayload(Payload, frozen=True):
    """``data`` of a successful result."""


class Empty(ResultPayload, frozen=True):
    what: ClassVar[str] = "empty result"


class TicketResult(ResultPayload, frozen=True):
    """The ticket acted on (``call_next``: null when nobody waits)."""

    what: ClassVar[str] = "ticket result"
    ticket: TicketData | None

    to_json = shown_ticket


class Estimate(ResultPayload, frozen=True):
    """A waiting ticket, the people ahead of it and its wait: the point estimate and the
    80 % range ``[low, high]`` in minutes (null: no window can serve it now)."""

    what: ClassVar[str] = "estimate"
    ticket: TicketData
    ahead: int
    estimated_wait_min: int
    wait_range_min: tuple[int, ...] | None = kept(None)

    to_json = shown_ticket


class Issued(Estimate, frozen=True):
    """A new ticket's estimate and, for the kiosk that took it, its public page."""

    what: ClassVar[str] = "take_ticket result"
    #: ``{public_url}/t/{token}``: printed as the ticket's QR code (docs/web.md).
    link: str | None = None


class BookingCheck(ResultPayload, frozen=True):
    """Whether a booking code was already checked in (within the hall's memory)."""

    what: ClassVar[str] = "check_booking result"
    used: bool


class AssistResult(ResultPayload, frozen=True):
    what: ClassVar[str] = "assist result"
    assist: str
    service: str
    number: str | None = kept(None)


class RatingResult(ResultPayload, frozen=True):
    what: ClassVar[str] = "rating result"
    score: int
    points: int


class DayResult(ResultPayload, frozen=True):
    what: ClassVar[str] = "close_day result"
    day: str
    next_day: str
    closed: tuple[int, ...]


class StatusResult(ResultPayload, frozen=True):
    """Waiting counts (``by_service``, ``by_zone``, ``by_window``) and, per service, the
    wait of a ticket taken now: point and 80 % range (null: no window serves it now)."""

    what: ClassVar[str] = "status result"
    day: str
    waiting: Mapping[str, Any]
    estimated_wait_min: Mapping[str, Any]
    wait_range_min: Mapping[str, Any] = kept(MappingProxyType({}))


class StatsResult(ResultPayload, frozen=True):
    """Figures of a range of days per dimension; rows as docs/supervision.md says."""

    what: ClassVar[str] = "stats result"
    start: str
    end: str
    total: Mapping[str, Any]
    by_day: tuple[Any, ...]
    by_hour: tuple[Any, ...]
    by_zone: tuple[Any, ...]
    by_service: tuple[Any, ...]
    by_window: tuple[Any, ...]
    by_clerk: tuple[Any, ...]
    #: The push to the province now (ledger/push.py ``status``); absent without one.
    push: Mapping[str, Any] | None = None


class PlanResult(ResultPayload, frozen=True):
    """The staffing plan of one weekday: per zone and half hour the windows needed for
    the target (``rows``, as ledger/plan.py's ``Row``), over ``days`` days of history."""

    what: ClassVar[str] = "plan result"
    weekday: int  # 1 = Monday … 7
    weeks: int
    days: int  # days of that weekday in the history read
    target_min: int
    target_percent: int
    rows: tuple[Any, ...]


class HistoryResult(ResultPayload, frozen=True):
    """The tickets of one number on one date, each with its stored events."""

    what: ClassVar[str] = "ticket_history result"
    tickets: tuple[Any, ...]


class CasesResult(ResultPayload, frozen=True):
    what: ClassVar[str] = "cases result"
    cases: tuple[Any, ...]


class CaseResult(ResultPayload, frozen=True):
    what: ClassVar[str] = "case_update result"
    case: Mapping[str, Any]


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
    name: cls.__struct_fields__ for name, cls in RESULTS.items()
}
