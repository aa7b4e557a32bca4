"""The rulebook of taking a number: can service S be taken at time t, and if not, why.

One answer for the whole hall. The hub's engine refuses a ``take_ticket`` with it, and
the kiosk greys out the same services for the same reason, judged at the hub's time
(hall/clock.py), so a button the kiosk offers is a ticket the hub issues. Pure: the
hall, its state and the time of day come in; a :class:`Refusal` (or None) goes out.

The rules, in the order they are checked:

1. ``hours``: outside every span of the service's hours (its regular ``hours``, its
   ``extended_hours`` and its appointment-only ``appointment_hours``; on a rest day, its
   ``rest_day_hours`` when it has some), nothing is issued; in ``appointment_hours`` only
   a booking is checked in (``booked``);
2. ``daily_cap``: the service's tickets issued this hall day reached its cap;
3. no window of the hall serves the service (nobody would ever call the ticket);
4. ``slot_caps``: the slot the time lies in has issued its cap.

Booking codes and ID cards are the engine's own checks (they need the hub's memory of
used codes and the people's hashes, which no kiosk has).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time
from enum import StrEnum

from hall import errors
from hall.config import HallConfig, Service, SlotCap, TimeRange
from hall.state import HallState


class Closed(StrEnum):
    """Why a service cannot be taken now; each value is the hub's refusal code."""

    OUTSIDE_HOURS = "outside_hours"
    DAILY_CAP = "daily_cap_reached"
    NO_WINDOW = "no_window"
    SLOT_CAP = "slot_cap_reached"
    BOOKING_ONLY = "booking_only"


class Period(StrEnum):
    """Which of a service's periods a ticket is taken in (延时错时, counted in the
    statistics): its regular hours, its extended hours (延时: 午间不间断, 早晚弹性), or
    off hours (错时: appointment-only hours, a rest day's 不打烊 hours)."""

    REGULAR = "regular"
    EXTENDED = "extended"
    OFF_HOURS = "off_hours"


@dataclass(frozen=True)
class Refusal:
    """A service that cannot be taken now: why, and the hours that say more (the
    service's hours for OUTSIDE_HOURS, the full slot for SLOT_CAP, else "")."""

    why: Closed
    service: Service
    hours: str = ""

    @property
    def code(self) -> str:
        """The refusal code the hub answers with (docs/protocol.md)."""
        return str(self.why)

    def error(self) -> errors.QueueError:
        """The engine's refusal, its message in the hub's words."""
        name = self.service.name
        if self.why is Closed.OUTSIDE_HOURS:
            return errors.OutsideHours(f"{name} 取号时间 {self.hours}")
        if self.why is Closed.DAILY_CAP:
            return errors.DailyCapReached(f"{name} 今日号源已满 ({self.service.daily_cap})")
        if self.why is Closed.NO_WINDOW:
            return errors.NoWindow(f"{name} 没有窗口办理")
        if self.why is Closed.BOOKING_ONLY:
            return errors.BookingOnly(f"{name} {self.hours} 仅限预约取号")
        return errors.SlotCapReached(f"{name} {self.hours} 时段号源已满")


def slot_of(service: Service, moment: time) -> SlotCap | None:
    """The slot cap whose hours hold ``moment`` (the first, if several do)."""
    return next((cap for cap in service.slot_caps if cap.hours.contains(moment)), None)


def slot_key(service: Service, cap: SlotCap) -> str:
    """The key the state counts a slot's tickets under (``HallState.slot_issued``)."""
    return f"{service.id}@{cap.hours}"


def rest_day(hall: HallConfig, day: date) -> bool:
    """Whether ``day`` is a rest day of the hall: a weekend day not worked in exchange
    (调休), or one of its holidays (``[followup]`` calendar)."""
    return not hall.followup.is_workday(day)


def period(service: Service, moment: time, resting: bool = False) -> Period | None:
    """The period of ``service`` that holds ``moment`` (on a rest day when
    ``resting``), or None when it is closed then."""
    if resting and service.rest_day_hours:
        return Period.OFF_HOURS if _within(service.rest_day_hours, moment) else None
    if not (service.hours or service.extended_hours or service.appointment_hours):
        return Period.REGULAR  # no hours: issued whenever the hall is open
    if _within(service.hours, moment):
        return Period.REGULAR
    if _within(service.extended_hours, moment):
        return Period.EXTENDED
    if _within(service.appointment_hours, moment):
        return Period.OFF_HOURS
    return None


def _within(spans: tuple[TimeRange, ...], moment: time) -> bool:
    return any(h.contains(moment) for h in spans)


def _open_hours(service: Service, resting: bool) -> str:
    if resting and service.rest_day_hours:
        spans = service.rest_day_hours
    else:
        spans = tuple(sorted((*service.hours, *service.extended_hours,
                              *service.appointment_hours)))
    return "、".join(map(str, spans))


def refusal(hall: HallConfig, state: HallState, service: Service,
            moment: time, *, resting: bool = False,
            booked: bool | None = None) -> Refusal | None:
    """Why ``service`` cannot be taken at ``moment`` (the hall's local time of day; on
    a rest day when ``resting``), or None when it can. ``booked``: whether the ticket
    checks in a booking (None: not known yet, appointment-only hours stay open)."""
    held = taking(hall, state, service, moment, resting=resting, booked=booked)
    return held if isinstance(held, Refusal) else None


def taking(hall: HallConfig, state: HallState, service: Service,
           moment: time, *, resting: bool = False,
           booked: bool | None = None) -> Period | Refusal:
    """:func:`refusal`, or when ``service`` can be taken, the :func:`period` it is
    taken in (the engine needs both, and works the period out once)."""
    held = period(service, moment, resting)
    if held is None:
        return Refusal(Closed.OUTSIDE_HOURS, service, _open_hours(service, resting))
    if (booked is False and held is Period.OFF_HOURS and not resting
            and _within(service.appointment_hours, moment)):
        span = next(h for h in service.appointment_hours if h.contains(moment))
        return Refusal(Closed.BOOKING_ONLY, service, str(span))
    if service.daily_cap is not None and state.issued.get(service.id, 0) >= service.daily_cap:
        return Refusal(Closed.DAILY_CAP, service)
    if not hall.windows_serving(service.id):
        return Refusal(Closed.NO_WINDOW, service)
    if service.slot_caps:
        cap = slot_of(service, moment)
        if cap is not None and state.slot_issued.get(slot_key(service, cap), 0) >= cap.cap:
            return Refusal(Closed.SLOT_CAP, service, str(cap.hours))
    return held
