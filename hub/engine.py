"""The queue engine: every rule of the hall, and nothing else.

Pure: requests and the time come in, events go out. No I/O, no clock (an import-linter
contract in the test suite keeps it so). The hub runs ``execute`` for each request,
stores the returned events in one transaction, then acknowledges and broadcasts them.

Every check happens before the first event is emitted, so a refused request
(:class:`hall.errors.QueueError`) leaves the state exactly as it was.

Over 600 lines: every rule acts on the one state, through one class; the pure
helpers it calls live in hall/ (the state, the calling order, the rulebook).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from types import MappingProxyType
from typing import Any
from zoneinfo import ZoneInfo

from msgspec.structs import replace  # payloads and requests are Structs

from hall import errors, rules
from hall.calling import call_order
from hall.config import HallConfig, Window
from hall.forecast import Kept, Snapshot, Wait
from hall.protocol import (
    ASSIST_KINDS,
    SPECIAL_CALLS,
    AlertCleared,
    AlertRaised,
    Announce,
    Announcement,
    Assist,
    AssistRecorded,
    AssistResult,
    BookingCheck,
    CallNext,
    CallNumber,
    CaseOpened,
    CaseResult,
    Cases,
    CasesResult,
    CaseUpdate,
    CaseUpdated,
    CheckBooking,
    ClerkSignedIn,
    ClerkSignedOut,
    CloseDay,
    DayClosed,
    DayResult,
    DeviceStatus,
    DeviceStatusReported,
    Empty,
    Estimate,
    Event,
    EventPayload,
    Finish,
    GiveUpTicket,
    Issued,
    MarkNotPrinted,
    Pause,
    Rate,
    RatingRecorded,
    RatingResult,
    Recall,
    Reinstate,
    Reprint,
    Request,
    ResultPayload,
    Resume,
    SignIn,
    SignOut,
    Skip,
    Status,
    StatusResult,
    TakeTicket,
    TicketCalled,
    TicketData,
    TicketFinished,
    TicketInfo,
    TicketIssued,
    TicketNotPrinted,
    TicketReinstated,
    TicketReprinted,
    TicketResult,
    TicketSkipped,
    TicketTransferred,
    Transfer,
    WindowPaused,
    WindowResumed,
)
from hall.rating import is_reason
from hall.state import (
    OPEN_STATUSES,
    HallState,
    Ticket,
    TicketStatus,
    Visit,
    WindowState,
    apply,
    day_date,
    hall_day,
    next_session,
    people_ahead,
    waiting_by_service,
    waiting_by_window,
    waiting_by_zone,
)
from hub import alerts, cases
from hub.links import TicketLinks


class Moment:
    """One ``now`` in the hall's terms: its local time, that time as events carry it
    (``at``), its time of day, its hall day and whether it is a rest day of the hall."""

    __slots__ = ("at", "date", "day", "local", "now", "resting", "time")
    at: str
    date: tuple[date, bool]
    day: str
    resting: bool

    def __init__(self, now: datetime, local: datetime, config: HallConfig,
                 last: Moment | None = None) -> None:
        self.now, self.local = now, local
        self.at = local.isoformat()
        self.time = local.time()
        starts = config.hall.day_starts
        #: the calendar date, and whether the hall day started on it (minutes count)
        self.date = (local.date(), (self.time.hour, self.time.minute) >= (starts.hour,
                                                                         starts.minute))
        if last is not None and last.date == self.date:  # the hall day of the last
            self.day, self.resting = last.day, last.resting
        else:
            self.day = hall_day(local, starts)
            self.resting = rules.rest_day(config, self.date[0])


@dataclass
class Outcome:
    """What one request produced: its events (already applied) and its result."""

    events: list[Event] = field(default_factory=list)
    result: ResultPayload = field(default_factory=Empty)

    @property
    def data(self) -> dict[str, Any]:
        """The result's wire object (``data`` of the result frame)."""
        return self.result.to_json()


#: How often ``tick`` looks at alerts (it runs before every batch of requests).
ALERTS_EVERY = timedelta(seconds=5)
#: Events that change no window and finish no service: what the forecast keeps between
#: requests (:class:`hall.forecast.Kept`) is kept across them, and dropped at any other.
WINDOWS_UNCHANGED = (TicketIssued, AlertRaised, AlertCleared, DeviceStatusReported)


class Engine:
    """The hall's queue rules over one :class:`HallState`."""

    def __init__(
        self, config: HallConfig, state: HallState | None = None, *,
        links: TicketLinks | None = None, cases: dict[int, dict[str, Any]] | None = None,
        earlier: dict[int, Ticket] | None = None,
    ) -> None:
        self.config = config
        self.state = state if state is not None else HallState()
        #: 差评 follow-up cases, all days (hub/cases.py): loaded from the store at start.
        self.cases: dict[int, dict[str, Any]] = dict(cases or {})
        #: Tickets finished on earlier hall days that their phone page may still rate
        #: (``[phone] rating_hours``): kept at each day close, loaded from the store at start.
        self.earlier: dict[int, Ticket] = dict(earlier or {})
        #: Makes each ticket's public page address (given to the kiosk that took it).
        self.links = links
        self._tz = ZoneInfo(config.hall.timezone)
        self._moment: Moment | None = None  # the last ``now`` in the hall's terms
        self._alerts_due: datetime | None = None  # alerts are looked at every ALERTS_EVERY
        #: What the forecast keeps between requests while no window changes.
        self._kept: Kept | None = None
        #: The last forecast, for the state as it is (dropped at every event but the
        #: ticket a take_ticket issues, which gives the forecast after it).
        self._forecast: Snapshot | None = None
        self._handlers: dict[type[Request], Callable[[Any, datetime, Outcome], None]] = {
            TakeTicket: self._take_ticket,
            CallNext: self._call_next,
            Recall: self._recall,
            Skip: self._skip,
            Finish: self._finish,
            Transfer: self._transfer,
            Pause: self._pause,
            Resume: self._resume,
            SignIn: self._sign_in,
            SignOut: self._sign_out,
            Rate: self._rate,
            Reinstate: self._reinstate,
            CallNumber: self._call_number,
            Announce: self._announce,
            CloseDay: self._close_day,
            Status: self._status,
            TicketInfo: self._ticket_info,
            DeviceStatus: self._device_status,
            MarkNotPrinted: self._not_printed,
            GiveUpTicket: self._give_up,
            CheckBooking: self._check_booking,
            Reprint: self._reprint,
            Cases: self._cases,
            CaseUpdate: self._case_update,
            Assist: self._assist,
        }

    # -- time ---------------------------------------------------------------------------

    def moment(self, now: datetime) -> Moment:
        """``now`` in the hall's terms, worked out once for a run of requests at the same
        ``now`` (the hub runs a whole batch at one). Raises ValueError for a naive datetime."""
        moment = self._moment
        if moment is not None and moment.now == now:  # the same instant: the same local time
            return moment
        if now.tzinfo is None:
            raise ValueError("the engine needs timezone-aware datetimes")
        moment = self._moment = Moment(now, now.astimezone(self._tz), self.config, moment)
        return moment

    def local(self, now: datetime) -> datetime:
        """``now`` in the hall's time zone. Raises ValueError for a naive datetime."""
        return self.moment(now).local

    def hall_day(self, now: datetime) -> str:
        """The hall day ``now`` belongs to: it starts at ``day_starts``, not midnight."""
        return self.moment(now).day

    # -- entry points -------------------------------------------------------------------

    def tick(self, now: datetime) -> list[Event]:
        """Close the hall day if ``now`` lies in a later one. The hub calls this before
        each batch of requests and on a timer, so a day closes even in a silent hall."""
        outcome = Outcome()
        today = self.hall_day(now)
        if self.state.day and date.fromisoformat(today) > day_date(self.state.day):
            self._emit_day_closed(now, today, "day_end", outcome)
        elif self._alerts_due is None or now >= self._alerts_due:
            self._alerts_due = now + ALERTS_EVERY
            self._update_alerts(now, outcome)
        return outcome.events

    def _update_alerts(self, now: datetime, out: Outcome) -> None:
        """Raise the alerts the hall deserves now and clear those it no longer does."""
        want = alerts.wanted(self.state, self.config, now)
        at = self.moment(now).at
        for alert_id, raised in list(self.state.alerts.items()):
            if alert_id not in want:
                self._emit(AlertCleared(alert=alert_id, since=raised.since, cleared=at), now, out)
        for alert_id, w in want.items():
            if alert_id not in self.state.alerts:
                self._emit(AlertRaised(alert=w.alert, category=w.category, scope=w.scope,
                                       level=w.level, message=w.message, value=w.value,
                                       limit=w.limit, since=at), now, out)

    def execute(self, request: Request, now: datetime) -> Outcome:
        """Run one request at ``now``.

        Returns the events it produced (already applied to ``self.state``) and the
        result data. Raises a :class:`hall.errors.QueueError` subclass when a rule
        refuses it; the state is then unchanged.
        """
        handler = self._handlers.get(type(request))
        if handler is None:
            raise errors.UnknownType(f"the engine has no rule for {request.type!r}")
        outcome = Outcome()
        handler(request, now, outcome)
        return outcome

    # -- helpers ------------------------------------------------------------------------

    def _emit(self, payload: EventPayload, now: datetime, out: Outcome) -> Event:
        event = Event(seq=self.state.seq + 1, at=self.moment(now).at, payload=payload)
        apply(self.state, event)
        self._forecast = None
        if not isinstance(payload, WINDOWS_UNCHANGED):
            self._kept = None
        out.events.append(event)
        return event

    def _window(self, number: int) -> tuple[Window, WindowState]:
        window = self.config.window(number)
        if window is None:
            raise errors.UnknownWindow(f"no window {number} in this hall")
        # Read only: a refused request must not leave a new WindowState behind.
        return window, self.state.windows.get(number) or WindowState(number)

    def _current(self, number: int) -> tuple[Window, WindowState, Ticket]:
        window, ws = self._window(number)
        ticket = self.state.tickets.get(ws.ticket) if ws.ticket is not None else None
        if ticket is None:
            raise errors.WindowIdle(f"window {number} holds no ticket")
        return window, ws, ticket

    def _ready_to_call(self, ws: WindowState) -> None:
        if ws.paused:
            raise errors.WindowPaused(f"window {ws.number} is paused")
        if self.config.policy.require_sign_in and ws.staff is None:
            raise errors.NotSignedIn(f"no clerk is signed in at window {ws.number}")

    def _ticket_by_id(self, ticket_id: int) -> Ticket:
        ticket = self.state.tickets.get(ticket_id)
        if ticket is None:
            raise errors.UnknownTicket(f"no ticket {ticket_id} today")
        return ticket

    def forecast(self, now: datetime) -> Snapshot:
        """The wait forecast of the hall as it is at ``now`` (hall/forecast.py); the
        staffed windows and the service times are worked out once and kept until an
        event changes a window or finishes a service, and the last forecast is taken
        on to a later ``now`` while no event came (:meth:`Snapshot.later`)."""
        kept = self._kept
        if kept is None or kept.state is not self.state:
            kept = self._kept = Kept(self.state, self.config)
        hour = self.moment(now).local.hour
        last = self._forecast
        if last is not None and last.kept is kept:
            snapshot = last.later(now, hour)
        else:
            snapshot = Snapshot(self.state, self.config, now, kept, hour=hour)
        self._forecast = snapshot
        return snapshot

    def _estimate(self, ticket: Ticket, now: datetime, forecast: Snapshot | None = None,
                  data: TicketData | None = None) -> Estimate:
        """``ticket``'s place and wait (``data``: its wire form, when made already)."""
        ahead = people_ahead(self.state, ticket)
        wait = (forecast or self.forecast(now)).wait(ticket.service, ahead, ticket.priority)
        return Estimate(ticket=ticket.data() if data is None else data, ahead=ahead,
                        estimated_wait_min=wait.minutes, wait_range_min=_range(wait))

    def _issued(self, estimate: Estimate) -> Issued:
        """The answer to a take_ticket: ``estimate`` and the ticket's page."""
        return Issued(ticket=estimate.ticket, ahead=estimate.ahead,
                      estimated_wait_min=estimate.estimated_wait_min,
                      wait_range_min=estimate.wait_range_min,
                      link=self.links.url(estimate.ticket.id) if self.links else None)

    def _ticket_result(self, ticket_id: int) -> TicketResult:
        return TicketResult(ticket=self.state.tickets[ticket_id].data())

    def _emit_finish(self, ws: WindowState, now: datetime, out: Outcome) -> None:
        """Finish the window's current ticket, if it holds one."""
        if ws.ticket is None:
            return
        ticket = self.state.tickets[ws.ticket]
        started = ticket.visits[-1].called_at if ticket.visits else ticket.called_at
        duration = 0.0
        if started:
            duration = max(0.0, (now - datetime.fromisoformat(started)).total_seconds())
        self._emit(
            TicketFinished(ticket_id=ticket.id, number=ticket.number, window=ws.number,
                           service=ticket.service, duration_s=round(duration, 3)),
            now,
            out,
        )

    def _emit_call(
        self, ticket: Ticket, ws: WindowState, recall: int, cycle: tuple[int, int] | None,
        now: datetime,
        out: Outcome,
    ) -> None:
        called = replace(ticket.data(), status=str(TicketStatus.CALLED), window=ws.number,
                         called_at=self.moment(now).at, recalls=recall, booking=None)
        self._emit(
            TicketCalled(ticket=called, window=ws.number, recall=recall, staff=ws.staff,
                         tier=cycle[0] if cycle else None, streak=cycle[1] if cycle else None),
            now,
            out,
        )

    # -- taking a number ----------------------------------------------------------------

    def _take_ticket(self, req: TakeTicket, now: datetime, out: Outcome) -> None:
        # A kiosk that gave up waiting told its citizen no number came out: a request
        # reaching us after that (a hub frozen or swamped meanwhile) issues nothing.
        if req.give_up_at is not None and now > datetime.fromisoformat(req.give_up_at):
            raise errors.RequestExpired(f"take_ticket reached the hub after {req.give_up_at}")
        if req.request is not None and req.request in self.state.requests:
            # The same touch asked again: the same ticket, never a second one.
            earlier = self.state.tickets.get(self.state.requests[req.request])
            if earlier is None or earlier.status is TicketStatus.CLOSED:
                raise errors.RequestExpired("this take_ticket was given up")
            out.result = self._issued(self._estimate(earlier, now))
            return
        service = self.config.service(req.service)
        if service is None:
            raise errors.UnknownService(f"no service {req.service!r} in this hall")
        moment = self.moment(now)
        held = rules.taking(self.config, self.state, service, moment.time,
                            resting=moment.resting, booked=req.booking is not None)
        if isinstance(held, rules.Refusal):
            raise held.error()
        cap = rules.slot_of(service, moment.time) if service.slot_caps else None
        slot = rules.slot_key(service, cap) if cap is not None else None
        if req.booking is not None and self._booking_remembered(req.booking, moment.day):
            raise errors.BookingUsed("this booking code was already checked in")
        if req.person is not None and any(
            t.person == req.person and t.service == service.id and t.status in OPEN_STATUSES
            for t in self.state.tickets.values()
        ):
            raise errors.AlreadyTaken(f"{service.name}：您今天已有一张未办理的号")

        state = self.state
        priority = bool(req.priority or req.booking is not None)
        # The wait promised is kept with the ticket: its first call tells how true it was.
        forecast = self.forecast(now)
        promised = forecast.newcomer(service.id, priority)
        data = TicketData(id=state.next_id,
                          number=f"{service.id}{state.issued.get(service.id, 0) + 1:03d}",
                          service=service.id, priority=priority, status=_WAITING,
                          issued_at=moment.at, order=state.next_order,
                          booking=req.booking, person=req.person)
        self._emit(TicketIssued(day=state.day or moment.day, ticket=data, slot=slot,
                                request=req.request,
                                period=None if held is rules.Period.REGULAR else str(held),
                                estimated_wait_min=promised.minutes if promised.known else None,
                                wait_range_min=_range(promised)), now, out)
        taken = state.tickets[data.id]
        # the answer is the wait of the ticket now in the queue: the same moment's
        # forecast, keeping what the new ticket cannot have changed
        after = self._forecast = forecast.issued(taken)  # the forecast of the state now
        out.result = self._issued(self._estimate(taken, now, after, data))

    def _check_booking(self, req: CheckBooking, now: datetime, out: Outcome) -> None:
        out.result = BookingCheck(used=self._booking_remembered(req.booking, self.hall_day(now)))

    def _booking_remembered(self, code: str, day: str) -> bool:
        """Whether ``code`` was used less than ``booking_memory_days`` before ``day``."""
        used = self.state.used_bookings.get(code)
        if used is None:
            return False
        if not used:
            return True
        memory = timedelta(days=self.config.policy.booking_memory_days)
        return day_date(day) - day_date(used) < memory

    # -- calling ------------------------------------------------------------------------

    def choose_next(
        self, window: Window, ws: WindowState
    ) -> tuple[Ticket | None, tuple[int, int] | None]:
        """The ticket ``window`` would call now, and (tier, new place in its cycle) when
        the call advances a tier's priority:normal cycle (None otherwise); the rule is
        :func:`hall.calling.call_order`, which terminals use to list the order too."""
        order = call_order(self.state, window.tiers, ws.streaks,
                           self.config.policy.priority_ratio)
        if not order:
            return None, None
        return self.state.tickets[order[0].ticket], order[0].cycle

    def _call_next(self, req: CallNext, now: datetime, out: Outcome) -> None:
        window, ws = self._window(req.window)
        self._ready_to_call(ws)
        ticket, cycle = self.choose_next(window, ws)
        self._emit_finish(ws, now, out)
        if ticket is None:
            out.result = TicketResult(ticket=None)
            return
        self._emit_call(ticket, ws, 0, cycle, now, out)
        out.result = self._ticket_result(ticket.id)

    def _call_number(self, req: CallNumber, now: datetime, out: Outcome) -> None:
        window, ws = self._window(req.window)
        self._ready_to_call(ws)
        ticket_id = self.state.by_number.get(req.number.strip().upper())
        if ticket_id is None:
            raise errors.UnknownTicket(f"no ticket {req.number!r} today")
        ticket = self.state.tickets[ticket_id]
        if ticket.service not in window.services:
            raise errors.ServiceNotAtWindow(
                f"window {window.number} does not serve {ticket.service} ({ticket.number})"
            )
        if ticket.status not in (TicketStatus.WAITING, TicketStatus.SKIPPED):
            raise errors.NotCallable(f"{ticket.number} is {ticket.status}")
        self._emit_finish(ws, now, out)
        self._emit_call(ticket, ws, 0, None, now, out)
        out.result = self._ticket_result(ticket.id)

    def _recall(self, req: Recall, now: datetime, out: Outcome) -> None:
        _, ws, ticket = self._current(req.window)
        if ws.paused:  # paused mid-service: finish, skip or transfer, but call nobody
            raise errors.WindowPaused(f"window {ws.number} is paused: resume to recall")
        limit = self.config.policy.recall_limit
        if ticket.recalls >= limit:
            raise errors.RecallLimit(f"{ticket.number} was recalled {limit} times already")
        self._emit_call(ticket, ws, ticket.recalls + 1, None, now, out)
        out.result = self._ticket_result(ticket.id)

    def _skip(self, req: Skip, now: datetime, out: Outcome) -> None:
        _, ws, ticket = self._current(req.window)
        self._emit(TicketSkipped(ticket_id=ticket.id, number=ticket.number, window=ws.number),
                   now, out)
        out.result = TicketResult(ticket=ticket.data())

    def _finish(self, req: Finish, now: datetime, out: Outcome) -> None:
        _, ws, ticket = self._current(req.window)
        self._emit_finish(ws, now, out)
        out.result = TicketResult(ticket=ticket.data())

    def _reinstate(self, req: Reinstate, now: datetime, out: Outcome) -> None:
        window, _ = self._window(req.window)
        ticket = self._ticket_by_id(req.ticket)
        if ticket.status is not TicketStatus.SKIPPED:
            raise errors.NotSkipped(f"{ticket.number} is {ticket.status}, not skipped")
        if ticket.service not in window.services:
            raise errors.ServiceNotAtWindow(
                f"window {window.number} does not serve {ticket.service} ({ticket.number})"
            )
        self._emit(TicketReinstated(ticket_id=ticket.id, number=ticket.number,
                                    window=window.number, order=self.state.next_order),
                   now, out)
        out.result = self._estimate(ticket, now)

    def _transfer(self, req: Transfer, now: datetime, out: Outcome) -> None:
        _, ws, ticket = self._current(req.window)
        if self.config.service(req.service) is None:
            raise errors.UnknownService(f"no service {req.service!r} in this hall")
        if req.service == ticket.service:
            raise errors.SameService(f"{ticket.number} already waits for {req.service}")
        self._emit(TicketTransferred(ticket_id=ticket.id, number=ticket.number, window=ws.number,
                                     from_service=ticket.service, service=req.service),
                   now, out)
        out.result = self._estimate(ticket, now)

    # -- windows and clerks -------------------------------------------------------------

    def _pause(self, req: Pause, now: datetime, out: Outcome) -> None:
        _, ws = self._window(req.window)
        if ws.paused:
            raise errors.WindowPaused(f"window {ws.number} is paused already")
        self._emit(WindowPaused(window=ws.number, reason=req.reason.strip() or None), now, out)

    def _announce(self, req: Announce, now: datetime, out: Outcome) -> None:
        _, ws = self._window(req.window)
        text = SPECIAL_CALLS[req.call].format(window=ws.number)
        self._emit(Announcement(window=ws.number, call=req.call, text=text), now, out)

    def _resume(self, req: Resume, now: datetime, out: Outcome) -> None:
        _, ws = self._window(req.window)
        if not ws.paused:
            raise errors.WindowNotPaused(f"window {ws.number} is not paused")
        self._emit(WindowResumed(window=ws.number), now, out)

    def _sign_in(self, req: SignIn, now: datetime, out: Outcome) -> None:
        _, ws = self._window(req.window)
        staff_id = req.staff.strip()
        member = self.config.staff_member(staff_id)
        if self.config.staff and member is None:
            raise errors.UnknownStaff(f"staff number {staff_id!r} is not in the staff list")
        if ws.staff == staff_id:
            raise errors.AlreadySignedIn(f"{staff_id} is signed in at window {ws.number}")
        if ws.staff is not None:
            self._emit(ClerkSignedOut(window=ws.number, staff=ws.staff), now, out)
        for other in sorted(self.state.windows.values(), key=lambda w: w.number):
            if other.staff == staff_id:  # one clerk, one window
                self._emit(ClerkSignedOut(window=other.number, staff=staff_id), now, out)
        self._emit(ClerkSignedIn(window=ws.number, staff=staff_id,
                                 name=member.name if member else None),
                   now, out)

    def _sign_out(self, req: SignOut, now: datetime, out: Outcome) -> None:
        _, ws = self._window(req.window)
        if ws.staff is None:
            raise errors.NotSignedIn(f"no clerk is signed in at window {ws.number}")
        self._emit(ClerkSignedOut(window=ws.number, staff=ws.staff), now, out)

    # -- rating -------------------------------------------------------------------------

    def _rate(self, req: Rate, now: datetime, out: Outcome) -> None:
        window, _ = self._window(req.window)
        if req.channel == "phone":
            ticket, visit = self._phone_rateable(req.ticket, now)
        else:
            ticket = self._ticket_by_id(req.ticket)
            visit = next((v for v in reversed(ticket.visits) if v.window == window.number),
                         None)
        if visit is None or visit.skipped or visit.window != window.number:
            raise errors.NotServedHere(f"{ticket.number} was not served at window {window.number}")
        if visit.rated:
            raise errors.AlreadyRated(f"{ticket.number} is rated already at window {window.number}")
        service = self.config.service(visit.service)
        points = self.config.policy.rating_points[5 - req.score]
        reason = req.reason.strip() if req.reason else None
        if req.channel == "phone" and reason is not None and (
            req.score > cases.BAD or not is_reason(reason)
        ):
            reason = None  # the page offers the hall's reasons for a 差评 only
        rated = RatingRecorded(ticket_id=ticket.id, number=ticket.number, window=window.number,
                               service=visit.service, zone=service.zone if service else None,
                               staff=visit.staff, score=req.score, points=points,
                               channel=req.channel, reason=reason,
                               comment=req.comment.strip() if req.comment else None)
        self._emit(rated, now, out)
        visit.rated = True  # a ticket of an earlier day is not in the state
        if req.score <= cases.BAD:
            case = cases.open_case(max(self.cases, default=0) + 1, rated,
                                   self.state.day or self.hall_day(now), self.local(now),
                                   self.config.followup)
            self._emit_case(CaseOpened(case=MappingProxyType(case)), case, now, out)
        out.result = RatingResult(score=req.score, points=points)

    # -- 帮办代办 ------------------------------------------------------------------------------

    def _assist(self, req: Assist, now: datetime, out: Outcome) -> None:
        window, ws = self._window(req.window)
        note = req.note.strip() if req.note else None
        if req.ticket is None and req.service is not None:  # a 代办 item without a ticket
            if req.assist != "proxy":
                raise errors.AssistRefused("a 帮办 is done with the citizen: it needs a ticket")
            service = self.config.service(req.service)
            if service is None:
                raise errors.UnknownService(f"no service {req.service!r} in this hall")
            if not service.assist:
                raise errors.AssistRefused(f"{service.name} is not listed as 帮办代办")
            if not (window.assist or service.id in window.services):
                raise errors.AssistRefused(f"window {window.number} does not handle {service.name}")
            self._emit(AssistRecorded(window=window.number, assist=req.assist,
                                      service=service.id, zone=service.zone, staff=ws.staff,
                                      source=req.source or "other", note=note), now, out)
            out.result = AssistResult(assist=req.assist, service=service.id)
            return
        ticket_id = req.ticket if req.ticket is not None else ws.ticket
        if ticket_id is None:
            raise errors.WindowIdle(f"window {window.number} holds no ticket")
        ticket = self._ticket_by_id(ticket_id)
        visit = next((v for v in reversed(ticket.visits) if v.window == window.number), None)
        if visit is None or visit.skipped:
            raise errors.NotServedHere(f"{ticket.number} was not served at window {window.number}")
        service = self.config.service(visit.service)
        if service is None or not service.assist:
            raise errors.AssistRefused(f"{visit.service} is not listed as 帮办代办")
        if visit.assisted is not None:
            raise errors.AssistRefused(f"{ticket.number} is marked "
                                       f"{ASSIST_KINDS[visit.assisted]} already")
        self._emit(AssistRecorded(window=window.number, assist=req.assist, service=service.id,
                                  zone=service.zone, staff=visit.staff, ticket_id=ticket.id,
                                  number=ticket.number, note=note), now, out)
        out.result = AssistResult(assist=req.assist, service=service.id, number=ticket.number)

    def _phone_rateable(self, ticket_id: int, now: datetime) -> tuple[Ticket, Visit | None]:
        """The ticket a phone page may rate now, and the visit it rates (the last one):
        finished, within ``[phone] rating_hours``, not rated on any visit."""
        ticket = self.state.tickets.get(ticket_id) or self.earlier.get(ticket_id)
        if ticket is None:
            raise errors.UnknownTicket(f"no ticket {ticket_id} to rate")
        if ticket.status is not TicketStatus.FINISHED or ticket.finished_at is None:
            raise errors.RatingClosed(f"{ticket.number} is not finished")
        if not self._rating_open(ticket, now):
            raise errors.RatingClosed(f"{ticket.number} was finished too long ago to be rated")
        if any(v.rated for v in ticket.visits):
            raise errors.AlreadyRated(f"{ticket.number} is rated already")
        visit = next((v for v in reversed(ticket.visits) if not v.skipped), None)
        return ticket, visit

    def _rating_open(self, ticket: Ticket, now: datetime) -> bool:
        hours = self.config.phone.rating_hours
        if not hours or ticket.finished_at is None:
            return False
        return now - datetime.fromisoformat(ticket.finished_at) <= timedelta(hours=hours)

    def phone_rating(self, ticket_id: int, now: datetime) -> dict[str, Any]:
        """What a ticket's phone page says of rating it (hub/public_views.py): ``state``
        ``open`` with ``until`` (when it closes) and ``window`` (the one it rates),
        ``done`` (rated on the pad or the phone) or ``closed``; empty for a ticket not
        finished. A ticket of an earlier day adds its ``number`` and ``service``."""
        ticket = self.state.tickets.get(ticket_id)
        earlier = ticket is None
        if ticket is None:
            ticket = self.earlier.get(ticket_id)
        if ticket is None or ticket.status is not TicketStatus.FINISHED:
            return {}
        # A ticket of an earlier day is not in the state: the page needs its number.
        head = {"number": ticket.number, "service": ticket.service} if earlier else {}
        if any(v.rated for v in ticket.visits):
            return {**head, "state": "done"}
        if not self._rating_open(ticket, now) or ticket.finished_at is None:
            return {**head, "state": "closed"} if self.config.phone.rating_hours else {}
        until = datetime.fromisoformat(ticket.finished_at) + timedelta(
            hours=self.config.phone.rating_hours)
        visit = next((v for v in reversed(ticket.visits) if not v.skipped), None)
        return {**head, "state": "open", "until": until.isoformat(),
                "window": visit.window if visit else None}

    def _keep_finished(self, now: datetime) -> None:
        """Before a day closes: keep its finished tickets the phone page may still rate."""
        for ticket in self.state.tickets.values():
            if ticket.status is TicketStatus.FINISHED:
                self.earlier[ticket.id] = ticket
        self.earlier = {i: t for i, t in self.earlier.items() if self._rating_open(t, now)}

    # -- 差评 follow-up -------------------------------------------------------------------

    def _emit_case(self, payload: CaseOpened | CaseUpdated, case: dict[str, Any],
                   now: datetime, out: Outcome) -> None:
        self._emit(payload, now, out)
        self.cases[int(case["id"])] = case

    def _cases(self, req: Cases, now: datetime, out: Outcome) -> None:
        today = self.local(now).date()
        chosen = [cases.shown(c, today) for c in self.cases.values()
                  if (req.state is None or c["state"] == req.state)
                  and (req.overdue is None or cases.overdue(c, today) == req.overdue)]
        chosen.sort(key=lambda c: int(c["id"]), reverse=True)
        out.result = CasesResult(cases=tuple(chosen))

    def _case_update(self, req: CaseUpdate, now: datetime, out: Outcome) -> None:
        case = self.cases.get(req.case)
        if case is None:
            raise errors.UnknownCase(f"no case {req.case}")
        by = req.by or "admin"
        new = cases.act(case, req.action, by=by, at=self.local(now),
                        followup=self.config.followup, text=req.text, reached=req.reached,
                        satisfied=req.satisfied, days=req.days)
        note, callback = cases.added(case, new, "notes"), cases.added(case, new, "callbacks")
        self._emit_case(CaseUpdated(
            action=req.action, by=by, case=MappingProxyType(cases.head(new)),
            note=MappingProxyType(note) if note is not None else None,
            callback=MappingProxyType(callback) if callback is not None else None),
            new, now, out)
        out.result = CaseResult(case=MappingProxyType(cases.shown(new, self.local(now).date())))

    # -- the hall day -------------------------------------------------------------------

    def _close_day(self, req: CloseDay, now: datetime, out: Outcome) -> None:
        today = self.hall_day(now)
        current = self.state.day or today
        # Closed within the hall day (after an outage, say): numbering restarts in a new
        # session of the same day, and day_starts still closes that session tomorrow.
        later = date.fromisoformat(today) > day_date(current)
        next_day = today if later else next_session(current)
        closed = self._emit_day_closed(now, next_day, req.reason or "manual", out)
        out.result = DayResult(day=current, next_day=next_day, closed=closed.closed)

    def _emit_day_closed(
        self, now: datetime, next_day: str, reason: str, out: Outcome
    ) -> DayClosed:
        closed = sorted(t.id for t in self.state.tickets.values() if t.status in OPEN_STATUSES)
        memory = timedelta(days=self.config.policy.booking_memory_days)
        forget_before = (day_date(next_day) - memory).isoformat()
        self._keep_finished(now)
        payload = DayClosed(day=self.state.day or self.hall_day(now), next_day=next_day,
                            closed=tuple(closed), reason=reason, next_id=self.state.next_id,
                            forget_before=forget_before)
        self._emit(payload, now, out)
        return payload

    # -- queries ------------------------------------------------------------------------

    def _status(self, req: Status, now: datetime, out: Outcome) -> None:
        out.result = self.status(now)

    def status(self, now: datetime) -> StatusResult:
        """Waiting counts per service, zone and window, and the wait for a new ticket."""
        by_service = waiting_by_service(self.state)
        forecast = self.forecast(now)
        waits = {s.id: forecast.newcomer(s.id) for s in self.config.services}
        return StatusResult(
            day=self.state.day,
            waiting=MappingProxyType({
                "by_service": by_service,
                "by_zone": waiting_by_zone(self.state, self.config),
                "by_window": {
                    str(k): v for k, v in waiting_by_window(self.state, self.config).items()
                },
            }),
            estimated_wait_min=MappingProxyType({s: w.minutes for s, w in waits.items()}),
            wait_range_min=MappingProxyType({s: _range(w) for s, w in waits.items()}),
        )

    def _ticket_info(self, req: TicketInfo, now: datetime, out: Outcome) -> None:
        out.result = self._estimate(self._ticket_by_id(req.ticket), now)

    # -- devices and printing -----------------------------------------------------------

    def _device_status(self, req: DeviceStatus, now: datetime, out: Outcome) -> None:
        self._emit(DeviceStatusReported(device=req.device, device_kind=req.device_kind,
                                        status=req.status, detail=req.detail), now, out)

    def _not_printed(self, req: MarkNotPrinted, now: datetime, out: Outcome) -> None:
        ticket = self._ticket_by_id(req.ticket)
        self._emit(TicketNotPrinted(ticket_id=ticket.id, number=ticket.number), now, out)

    def _give_up(self, req: GiveUpTicket, now: datetime, out: Outcome) -> None:
        """The kiosk stopped waiting for ``req.request``'s answer and told the citizen
        so: a ticket issued for it that still waits is closed (nobody holds it)."""
        ticket_id = self.state.requests.get(req.request)
        ticket = self.state.tickets.get(ticket_id) if ticket_id is not None else None
        if ticket is not None and ticket.status is TicketStatus.WAITING:
            self._emit(TicketNotPrinted(ticket_id=ticket.id, number=ticket.number,
                                        given_up=True), now, out)
        out.result = TicketResult(ticket=ticket.data() if ticket is not None else None)

    def _reprint(self, req: Reprint, now: datetime, out: Outcome) -> None:
        if req.person is not None:
            mine = [t for t in self.state.tickets.values()
                    if t.person == req.person and t.status is TicketStatus.WAITING]
            if not mine:
                raise errors.UnknownTicket("no waiting ticket of this ID card today")
            ticket = max(mine, key=lambda t: t.id)
        else:
            ticket = self._ticket_by_id(req.ticket)
        if ticket.status is not TicketStatus.WAITING:
            raise errors.NotWaiting(f"{ticket.number} is no longer waiting: nothing to reprint")
        self._emit(TicketReprinted(ticket_id=ticket.id, number=ticket.number), now, out)
        out.result = self._estimate(ticket, now)


#: A new ticket's status on the wire.
_WAITING = str(TicketStatus.WAITING)


def _range(wait: Wait) -> tuple[int, int] | None:
    """The protocol's ``wait_range_min``: None when no window can serve the service now."""
    return (wait.low, wait.high) if wait.known else None
