"""The rulebook of taking a number: can service S be taken at time t, and if not, why.

One answer for the whole hall. The hub's engine refuses a ``take_ticket`` with it, and
the kiosk greys out the same services for the same reason, judged at the hub's time
(hall/clock.py), so a button the kiosk offers is a ticket the hub issues. Pure: the
hall, its state and the time of day come in; a :class:`Refusal` (or None) goes out.

The rules, in the order they are checked:

1. ``hours``: outside every span of the service's hours, nothing is issued;
2. ``daily_cap``: the service's tickets issued this hall day reached its cap;
3. no window of the hall serves the service (nobody would ever call the ticket);
4. ``slot_caps``: the slot the time lies in has issued its cap.

Booking codes and ID cards are the engine's own checks (they need the hub's memory of
used codes and the people's hashes, which no kiosk has).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time
from enum import StrEnum

from hall import errors
from hall.config import HallConfig, Service, SlotCap
from hall.state import HallState


class Closed(StrEnum):
    """Why a service cannot be taken now; each value is the hub's refusal code."""

    OUTSIDE_HOURS = "outside_hours"
    DAILY_CAP = "daily_cap_reached"
    NO_WINDOW = "no_window"
    SLOT_CAP = "slot_cap_reached"


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
        return errors.SlotCapReached(f"{name} {self.hours} 时段号源已满")


def slot_of(service: Service, moment: time) -> SlotCap | None:
    """The slot cap whose hours hold ``moment`` (the first, if several do)."""
    return next((cap for cap in service.slot_caps if cap.hours.contains(moment)), None)


def slot_key(service: Service, cap: SlotCap) -> str:
    """The key the state counts a slot's tickets under (``HallState.slot_issued``)."""
    return f"{service.id}@{cap.hours}"


def refusal(hall: HallConfig, state: HallState, service: Service,
            moment: time) -> Refusal | None:
    """Why ``service`` cannot be taken at ``moment`` (the hall's local time of day), or
    None when it can."""
    if service.hours and not any(h.contains(moment) for h in service.hours):
        return Refusal(Closed.OUTSIDE_HOURS, service, "、".join(map(str, service.hours)))
    if service.daily_cap is not None and state.issued.get(service.id, 0) >= service.daily_cap:
        return Refusal(Closed.DAILY_CAP, service)
    if not any(service.id in w.services for w in hall.windows):
        return Refusal(Closed.NO_WINDOW, service)
    cap = slot_of(service, moment)
    if cap is not None and state.slot_issued.get(slot_key(service, cap), 0) >= cap.cap:
        return Refusal(Closed.SLOT_CAP, service, str(cap.hours))
    return None
