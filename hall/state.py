"""Hall state for one hall day and the projection ``apply(state, event) -> state``.

The hub rebuilds its state by applying the day's stored events; every client keeps a
replica by applying the events it receives. Both use this one function, so they can
never disagree on what an event means. ``apply`` decides nothing: the engine has
already checked every rule before it emitted the event.

Queries here (people ahead, waiting counts, wait estimates) read the state only.
"""

from __future__ import annotations

import bisect
import math
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Any

from hall.config import HallConfig
from hall.protocol import (
    AlertCleared,
    AlertRaised,
    Announcement,
    AssistRecorded,
    ClerkSignedIn,
    ClerkSignedOut,
    DayClosed,
    DeviceStatusReported,
    Event,
    EventPayload,
    RatingRecorded,
    TicketCalled,
    TicketData,
    TicketFinished,
    TicketIssued,
    TicketNotPrinted,
    TicketReinstated,
    TicketSkipped,
    TicketTransferred,
    WindowPaused,
    WindowResumed,
)

#: Finished-service durations kept per service for estimates.
DURATIONS_KEPT = 200


def day_date(label: str) -> date:
    """The calendar date of a hall-day label: ``2026-11-02``, or ``2026-11-02#2`` for the
    second numbering session of that day (after a manual ``close_day``).

    Raises ValueError for a malformed label."""
    return date.fromisoformat(label.split("#", 1)[0])


def next_session(label: str) -> str:
    """The label of the numbering session after ``label`` on the same calendar day."""
    base, _, number = label.partition("#")
    return f"{base}#{int(number or 1) + 1}"


def hall_day(local: datetime, day_starts: time) -> str:
    """The hall day a local time belongs to: it starts at ``day_starts``, not midnight."""
    return (local - timedelta(hours=day_starts.hour, minutes=day_starts.minute)).date().isoformat()


def event_days(current: str, payload: EventPayload) -> tuple[str, str]:
    """The hall day an event is filed under when ``current`` is the day so far, and
    the day after it: the first ``ticket_issued`` names an unknown day, ``day_closed``
    files under the day it closes and moves to ``next_day``. The replica (``apply``)
    and the hub's store both keep their day with this."""
    if isinstance(payload, DayClosed):
        return payload.day, payload.next_day
    if isinstance(payload, TicketIssued) and not current:
        return payload.day, payload.day
    return current, current


class TicketStatus(StrEnum):
    WAITING = "waiting"
    CALLED = "called"
    FINISHED = "finished"
    SKIPPED = "skipped"
    CLOSED = "closed"


#: Each status by its wire text (an Enum's own lookup is slow: one per ticket taken).
_STATUSES = {str(status): status for status in TicketStatus}

#: Tickets still part of the day: sent in ``welcome``, closed when the day closes.
OPEN_STATUSES = frozenset({TicketStatus.WAITING, TicketStatus.CALLED, TicketStatus.SKIPPED})


@dataclass(slots=True)
class Visit:
    """One service event: a ticket called to a window, until finished/skipped/transferred."""

    window: int
    service: str
    staff: str | None
    called_at: str
    skipped: bool = False
    rated: bool = False
    #: 帮办代办 recorded for it: help | proxy (None: neither).
    assisted: str | None = None


@dataclass(slots=True)
class Ticket:
    id: int
    number: str
    service: str
    priority: bool
    status: TicketStatus
    issued_at: str
    window: int | None = None
    order: int = 0  # queue position: issue order, renewed on reinstatement, kept on transfer
    called_at: str | None = None
    recalls: int = 0
    booking: str | None = None  # personal data: stored, never broadcast
    person: str | None = field(default=None, repr=False)  # salted ID hash: as booking
    visits: list[Visit] = field(default_factory=list)
    #: When it was finished (hub time): the phone page's rating is open for a while after.
    finished_at: str | None = None

    def data(self) -> TicketData:
        """The protocol's ticket object (``booking`` included: strip it with ``public``)."""
        return TicketData(id=self.id, number=self.number, service=self.service,
                          priority=self.priority, status=str(self.status),
                          issued_at=self.issued_at, window=self.window, order=self.order,
                          called_at=self.called_at, recalls=self.recalls, booking=self.booking,
                          person=self.person)

    def public(self) -> dict[str, Any]:
        """The protocol's ticket object (no personal data)."""
        return self.data().public()

    def stored(self) -> dict[str, Any]:
        return self.data().stored()

    @classmethod
    def from_data(cls, data: TicketData) -> Ticket:
        status = _STATUSES.get(data.status)
        return cls(id=data.id, number=data.number, service=data.service,
                   priority=data.priority,
                   status=TicketStatus(data.status) if status is None else status,
                   issued_at=data.issued_at, window=data.window,
                   order=data.id if data.order is None else data.order,
                   called_at=data.called_at, recalls=data.recalls, booking=data.booking,
                   person=data.person)

    @classmethod
    def from_json(cls, obj: dict[str, Any]) -> Ticket:
        """Raises ProtocolError (or ValueError for an unknown status)."""
        return cls.from_data(TicketData.parse(obj))


@dataclass(slots=True)
class WindowState:
    number: int
    ticket: int | None = None  # the ticket id the window holds (called)
    paused: bool = False
    pause_reason: str | None = None
    staff: str | None = None
    staff_name: str | None = None
    #: Each tier's place in the priority:normal cycle (tier index -> place).
    streaks: dict[int, int] = field(default_factory=dict)
    served: int = 0  # tickets finished today
    paused_at: str | None = None  # when the pause began (None: before the state was read)
    #: Last call, finish, skip, transfer, sign-in or resume (hall/forecast: who is there).
    active_at: str | None = None

    def public(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "paused_at": self.paused_at,
            "ticket": self.ticket,
            "paused": self.paused,
            "pause_reason": self.pause_reason,
            "staff": self.staff,
            "staff_name": self.staff_name,
            "served": self.served,
            "active_at": self.active_at,
        }


@dataclass(slots=True)
class ServiceQueue:
    """Waiting tickets of one service, each class sorted by order key."""

    priority: list[tuple[int, int]] = field(default_factory=list)  # (order, ticket id)
    normal: list[tuple[int, int]] = field(default_factory=list)

    def lane(self, priority: bool) -> list[tuple[int, int]]:
        return self.priority if priority else self.normal

    def add(self, ticket: Ticket) -> None:
        lane = self.lane(ticket.priority)
        key = (ticket.order, ticket.id)
        if not lane or lane[-1] < key:
            lane.append(key)
        else:
            bisect.insort(lane, key)

    def remove(self, ticket: Ticket) -> None:
        lane = self.lane(ticket.priority)
        key = (ticket.order, ticket.id)
        index = bisect.bisect_left(lane, key)
        if index < len(lane) and lane[index] == key:
            del lane[index]

    def __len__(self) -> int:
        return len(self.priority) + len(self.normal)


@dataclass
class HallState:
    day: str = ""  # the hall day (ISO date); "" before the first event
    seq: int = 0  # last applied event
    next_id: int = 1  # ticket ids are unique forever
    next_order: int = 1
    tickets: dict[int, Ticket] = field(default_factory=dict)
    by_number: dict[str, int] = field(default_factory=dict)
    windows: dict[int, WindowState] = field(default_factory=dict)
    queues: dict[str, ServiceQueue] = field(default_factory=dict)
    issued: dict[str, int] = field(default_factory=dict)  # per service, today
    slot_issued: dict[str, int] = field(default_factory=dict)  # "A@08:30-10:00" -> count
    durations: dict[str, deque[float]] = field(default_factory=dict)  # seconds, per service
    used_bookings: dict[str, str] = field(default_factory=dict)  # code -> day (hub only)
    #: take_ticket request keys of the day -> ticket id (hub only: keys are not broadcast)
    requests: dict[str, int] = field(default_factory=dict)
    #: Open alerts (alert_raised not yet cleared), by alert id.
    alerts: dict[str, AlertRaised] = field(default_factory=dict)
    #: Devices reporting a fault (anything but "ok"): device id -> its last report.
    faults: dict[str, DeviceStatusReported] = field(default_factory=dict)
    #: Service times of the same weekday in recent weeks, set by the hub from the ledger:
    #: service -> hour ("9", or "*" for all hours) -> [mu, sigma, n] (hall/forecast.py).
    forecast_prior: dict[str, dict[str, list[float]]] = field(default_factory=dict)

    def window(self, number: int) -> WindowState:
        state = self.windows.get(number)
        if state is None:
            state = self.windows[number] = WindowState(number)
        return state

    def queue(self, service: str) -> ServiceQueue:
        queue = self.queues.get(service)
        if queue is None:
            queue = self.queues[service] = ServiceQueue()
        return queue

    # -- serialisation for welcome (no personal data) ----------------------------------

    def public(self) -> dict[str, Any]:
        """What a client needs to start its replica: today's open tickets, windows, counts."""
        return {
            "day": self.day,
            "seq": self.seq,
            "next_id": self.next_id,
            "next_order": self.next_order,
            "tickets": [t.public() for t in self.tickets.values() if t.status in OPEN_STATUSES],
            "windows": [w.public() for w in sorted(self.windows.values(), key=lambda w: w.number)],
            "issued": dict(self.issued),
            "slot_issued": dict(self.slot_issued),
            "average_service_s": {
                s: sum(d) / len(d) for s, d in self.durations.items() if d
            },
            # The timed services themselves, so a replica's averages and wait
            # estimates stay those of the hub as later services are timed.
            "service_s": {s: list(d) for s, d in self.durations.items() if d},
            "alerts": [a.to_json() for a in self.alerts.values()],
            "faults": [f.to_json() for f in self.faults.values()],
            "forecast_prior": self.forecast_prior,
        }

    @classmethod
    def from_public(cls, obj: dict[str, Any]) -> HallState:
        """A client's replica from a ``welcome`` state."""
        state = cls(
            day=str(obj.get("day", "")),
            seq=int(obj.get("seq", 0)),
            next_id=int(obj.get("next_id", 1)),
            next_order=int(obj.get("next_order", 1)),
            issued={str(k): int(v) for k, v in obj.get("issued", {}).items()},
            slot_issued={str(k): int(v) for k, v in obj.get("slot_issued", {}).items()},
        )
        for raw in obj.get("tickets", []):
            ticket = Ticket.from_json(raw)
            _add_ticket(state, ticket)
        for raw in obj.get("windows", []):
            state.windows[int(raw["number"])] = WindowState(
                number=int(raw["number"]),
                ticket=raw.get("ticket"),
                paused=bool(raw.get("paused", False)),
                pause_reason=raw.get("pause_reason"),
                staff=raw.get("staff"),
                staff_name=raw.get("staff_name"),
                served=int(raw.get("served", 0)),
                paused_at=raw.get("paused_at"),
                active_at=raw.get("active_at"),
            )
        for service, timed in obj.get("service_s", {}).items():
            state.durations[service] = deque(map(float, timed), maxlen=DURATIONS_KEPT)
        for raw in obj.get("alerts", []):
            alert = AlertRaised.parse(raw)
            state.alerts[alert.alert] = alert
        for raw in obj.get("faults", []):
            fault = DeviceStatusReported.parse(raw)
            state.faults[fault.device] = fault
        prior = obj.get("forecast_prior") or {}
        if isinstance(prior, dict):
            state.forecast_prior = {str(s): dict(h) for s, h in prior.items()
                                    if isinstance(h, dict)}
        return state


def _add_ticket(state: HallState, ticket: Ticket) -> None:
    state.tickets[ticket.id] = ticket
    state.by_number[ticket.number] = ticket.id
    state.next_id = max(state.next_id, ticket.id + 1)
    state.next_order = max(state.next_order, ticket.order + 1)
    if ticket.status is TicketStatus.WAITING:
        state.queue(ticket.service).add(ticket)


# -- the projection ---------------------------------------------------------------------


def apply(state: HallState, event: Event) -> HallState:
    """Apply one event to ``state`` (in place) and return it.

    Events about tickets the state does not hold (a replica that started late) are
    applied as far as they can be; ``apply`` never raises on a well-formed event.
    """
    payload = event.payload
    state.day, after = event_days(state.day, payload)
    handler = _HANDLERS.get(type(payload))
    if handler is not None:
        handler(state, event.at, payload)
    state.day = after
    state.seq = max(state.seq, event.seq)
    return state


def _issued(state: HallState, at: str, p: TicketIssued) -> None:
    ticket = Ticket.from_data(p.ticket)
    _add_ticket(state, ticket)
    state.issued[ticket.service] = state.issued.get(ticket.service, 0) + 1
    if p.slot:
        state.slot_issued[p.slot] = state.slot_issued.get(p.slot, 0) + 1
    if ticket.booking:
        state.used_bookings[ticket.booking] = state.day
    if p.request:
        state.requests[p.request] = ticket.id


def _not_printed(state: HallState, at: str, p: TicketNotPrinted) -> None:
    """A ticket the kiosk gave up on is held by nobody: closed, out of its queue."""
    ticket = state.tickets.get(p.ticket_id)
    if not p.given_up or ticket is None:
        return
    if ticket.status is TicketStatus.WAITING:
        state.queue(ticket.service).remove(ticket)
    ticket.status = TicketStatus.CLOSED


def _called(state: HallState, at: str, p: TicketCalled) -> None:
    window = state.window(p.window)
    ticket = state.tickets.get(p.ticket.id)
    if ticket is None:  # a replica that never saw it issued
        ticket = Ticket.from_data(p.ticket)
        ticket.status = TicketStatus.WAITING
        _add_ticket(state, ticket)
    if ticket.status is TicketStatus.WAITING:
        state.queue(ticket.service).remove(ticket)
    if p.recall == 0:
        ticket.visits.append(
            Visit(window=window.number, service=ticket.service, staff=p.staff, called_at=at)
        )
    ticket.status = TicketStatus.CALLED
    ticket.window = window.number
    ticket.called_at = at
    ticket.recalls = p.recall
    window.ticket = ticket.id
    window.active_at = at
    if p.tier is not None and p.streak is not None:
        window.streaks[p.tier] = p.streak


def _release(state: HallState, ticket_id: int, window_number: int, at: str) -> Ticket | None:
    window = state.window(window_number)
    window.active_at = at
    if window.ticket == ticket_id:
        window.ticket = None
    return state.tickets.get(ticket_id)


def _finished(state: HallState, at: str, p: TicketFinished) -> None:
    ticket = _release(state, p.ticket_id, p.window, at)
    state.window(p.window).served += 1
    durations = state.durations.setdefault(p.service, deque(maxlen=DURATIONS_KEPT))
    durations.append(float(p.duration_s))
    if ticket is not None:
        ticket.status = TicketStatus.FINISHED
        ticket.finished_at = at


def _skipped(state: HallState, at: str, p: TicketSkipped) -> None:
    ticket = _release(state, p.ticket_id, p.window, at)
    if ticket is not None:
        ticket.status = TicketStatus.SKIPPED
        if ticket.visits:
            ticket.visits[-1].skipped = True


def _reinstated(state: HallState, at: str, p: TicketReinstated) -> None:
    ticket = state.tickets.get(p.ticket_id)
    state.next_order = max(state.next_order, p.order + 1)
    if ticket is None:
        return
    ticket.status = TicketStatus.WAITING
    ticket.window = None
    ticket.order = p.order
    ticket.recalls = 0
    state.queue(ticket.service).add(ticket)


def _transferred(state: HallState, at: str, p: TicketTransferred) -> None:
    ticket = _release(state, p.ticket_id, p.window, at)
    if ticket is None:
        return
    ticket.service = p.service
    ticket.status = TicketStatus.WAITING
    ticket.window = None
    ticket.recalls = 0
    state.queue(ticket.service).add(ticket)


def _paused(state: HallState, at: str, p: WindowPaused) -> None:
    window = state.window(p.window)
    window.paused, window.pause_reason, window.paused_at = True, p.reason, at


def _resumed(state: HallState, at: str, p: WindowResumed) -> None:
    window = state.window(p.window)
    window.paused, window.pause_reason, window.paused_at = False, None, None
    window.active_at = at


def _alert_raised(state: HallState, at: str, p: AlertRaised) -> None:
    state.alerts[p.alert] = p


def _alert_cleared(state: HallState, at: str, p: AlertCleared) -> None:
    state.alerts.pop(p.alert, None)


def _device_status(state: HallState, at: str, p: DeviceStatusReported) -> None:
    if p.status == "ok":
        state.faults.pop(p.device, None)
    else:
        state.faults[p.device] = p


def _signed_in(state: HallState, at: str, p: ClerkSignedIn) -> None:
    window = state.window(p.window)
    window.staff = p.staff
    window.staff_name = p.name
    window.active_at = at


def _signed_out(state: HallState, at: str, p: ClerkSignedOut) -> None:
    window = state.window(p.window)
    window.staff = None
    window.staff_name = None


def _rated(state: HallState, at: str, p: RatingRecorded) -> None:
    ticket = state.tickets.get(p.ticket_id)
    if ticket is None:
        return
    for visit in reversed(ticket.visits):
        if visit.window == p.window:
            visit.rated = True
            break


def _assisted(state: HallState, at: str, p: AssistRecorded) -> None:
    ticket = state.tickets.get(p.ticket_id) if p.ticket_id is not None else None
    if ticket is None:
        return
    for visit in reversed(ticket.visits):
        if visit.window == p.window:
            visit.assisted = p.assist
            break


def _day_closed(state: HallState, at: str, p: DayClosed) -> None:
    forget_before = p.forget_before or ""
    keep_bookings = {c: d for c, d in state.used_bookings.items() if d >= forget_before}
    next_id = max(state.next_id, state.next_id if p.next_id is None else p.next_id)
    windows = state.windows
    prior = state.forecast_prior  # the hub sets the new day's when it closes the day
    vars(state).update(vars(HallState()))
    state.forecast_prior = prior
    state.next_id = next_id
    state.used_bookings = keep_bookings
    for number, old in windows.items():
        # Clerks and pauses carry over; tickets do not.
        state.windows[number] = WindowState(
            number=number, paused=old.paused, staff=old.staff, staff_name=old.staff_name
        )


_HANDLERS: dict[type[EventPayload], Callable[[HallState, str, Any], None]] = {
    AlertRaised: _alert_raised,
    AlertCleared: _alert_cleared,
    DeviceStatusReported: _device_status,
    TicketIssued: _issued,
    TicketCalled: _called,
    TicketFinished: _finished,
    TicketSkipped: _skipped,
    TicketReinstated: _reinstated,
    TicketTransferred: _transferred,
    WindowPaused: _paused,
    WindowResumed: _resumed,
    ClerkSignedIn: _signed_in,
    ClerkSignedOut: _signed_out,
    RatingRecorded: _rated,
    AssistRecorded: _assisted,
    DayClosed: _day_closed,
    TicketNotPrinted: _not_printed,
    Announcement: lambda state, at, p: None,  # said and shown; the state keeps nothing
}


# -- queries ----------------------------------------------------------------------------


def people_ahead(state: HallState, ticket: Ticket) -> int:
    """Waiting tickets of the same service that come before ``ticket``: every waiting
    priority ticket ahead of a normal one, and earlier ones of its own class."""
    if ticket.status is not TicketStatus.WAITING:
        return 0
    queue = state.queue(ticket.service)
    lane = queue.priority if ticket.priority else queue.normal
    key = (ticket.order, ticket.id)
    # a ticket just taken is the last of its lane: no search
    own = len(lane) - 1 if lane and lane[-1] == key else bisect.bisect_left(lane, key)
    return own if ticket.priority else own + len(queue.priority)


def waiting_by_service(state: HallState) -> dict[str, int]:
    return {service: len(queue) for service, queue in state.queues.items() if len(queue)}


def waiting_by_zone(state: HallState, config: HallConfig) -> dict[str, int]:
    out: dict[str, int] = {}
    for service_id, count in waiting_by_service(state).items():
        service = config.service(service_id)
        if service is not None:
            out[service.zone] = out.get(service.zone, 0) + count
    return out


def waiting_by_window(state: HallState, config: HallConfig) -> dict[int, int]:
    waiting = waiting_by_service(state)
    return {w.number: sum(waiting.get(s, 0) for s in w.services) for w in config.windows}


def average_service_s(state: HallState, config: HallConfig, service_id: str) -> float:
    """Mean of the last ``estimate_sample`` services, or the configured typical time."""
    durations = state.durations.get(service_id)
    sample = config.policy.estimate_sample
    if durations:
        recent = list(durations)[-sample:]
        return sum(recent) / len(recent)
    service = config.service(service_id)
    return (service.typical_minutes if service else 5.0) * 60.0


def open_windows(state: HallState, config: HallConfig, service_id: str) -> int:
    """Windows serving the service that are not paused."""
    own = state.windows
    return sum(1 for w in config.windows_serving(service_id)
               if not (w.number in own and own[w.number].paused))


def estimated_wait_min(state: HallState, config: HallConfig, service_id: str, ahead: int) -> int:
    """Minutes until a ticket with ``ahead`` people before it is likely called."""
    if ahead <= 0:
        return 0
    windows = max(1, open_windows(state, config, service_id))
    seconds = ahead * average_service_s(state, config, service_id) / windows
    return max(1, math.ceil(seconds / 60.0))
