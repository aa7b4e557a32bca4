"""What the public pages show, computed from the hall state: pure, no I/O.

The phone page follows one ticket (:func:`ticket_view`); the browser wall screen
shows the newest calls and the waiting counts (:func:`screen_view`). Neither carries
personal data: no booking code, no staff number, no other ticket's link.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from hall.config import HallConfig, Window
from hall.forecast import Snapshot, wait_over
from hall.rating import COMMENT_MAX, LEVELS, REASONS, REASONS_EN
from hall.state import HallState, TicketStatus, people_ahead
from hall.words import english, ticket_mark, wait_words

#: Calls kept for the wall screen's list.
RECENT_CALLS = 12


@dataclass(frozen=True)
class Call:
    """One call as the wall screen lists it."""

    ticket_id: int
    number: str
    window: int
    recall: int
    priority: bool
    at: str

    def public(self, config: HallConfig) -> dict[str, Any]:
        window = config.window(self.window)
        return {"number": self.number, "window": self.window,
                "window_name": window.name if window else f"{self.window}号窗口",
                "recall": self.recall, "priority": self.priority, "at": self.at}


def window_zone(config: HallConfig, window: Window) -> str | None:
    """The zone a window stands in: its own, else its first service's."""
    if window.zone:
        return window.zone
    for service_id in window.services:
        service = config.service(service_id)
        if service is not None:
            return service.zone
    return None


def _hall(config: HallConfig) -> dict[str, Any]:
    return {"name": config.hall.name, "name_en": config.hall.name_en}


def rating_view(rating: dict[str, Any]) -> dict[str, Any]:
    """What the phone page shows of rating its ticket (``rating`` from the engine:
    ``state`` open, done or closed, ``until``): the levels and the 差评 reasons while open."""
    if rating.get("state") != "open":
        return {"state": rating.get("state", "")}
    return {"state": "open", "until": rating.get("until", ""),
            "levels": [{"score": s, "name": zh, "name_en": en} for s, (zh, en) in LEVELS.items()],
            "reasons": [{"reason": full, "reason_en": REASONS_EN.get(full, full)}
                        for _, full in REASONS],
            "comment_max": COMMENT_MAX}


def ticket_view(config: HallConfig, state: HallState, ticket_id: int,
                now: datetime, rating: dict[str, Any] | None = None) -> dict[str, Any]:
    """The phone page's view of one ticket of today at ``now``; ``status: "expired"``
    when the hall day it belonged to has closed (unless it may still be rated:
    ``rating``, hub/engine.py ``phone_rating``, names its number and service then).
    ``wait_range_min`` is null when no window can serve the ticket now (the page says
    it cannot estimate)."""
    ticket = state.tickets.get(ticket_id)
    rating = rating or {}
    if ticket is None:
        if not rating.get("number"):
            return {"type": "ticket", "status": "expired", "hall": _hall(config)}
        service = config.service(str(rating.get("service", "")))
        zone = config.zone(service.zone) if service else None
        return {"type": "ticket", "hall": _hall(config), "number": rating["number"],
                "service": rating.get("service", ""),
                "service_name": service.name if service else rating.get("service", ""),
                "service_name_en": service.name_en if service else "",
                "zone_name": zone.name if zone else "", "status": "finished",
                "earlier": True, "rating": rating_view(rating), "mark": "", "mark_en": ""}
    service = config.service(ticket.service)
    zone = config.zone(service.zone) if service else None
    window = config.window(ticket.window) if ticket.window is not None else None
    ahead = people_ahead(state, ticket)
    waiting = ticket.status is TicketStatus.WAITING
    forecast = Snapshot(state, config, now).wait(ticket.service, ahead, ticket.priority)
    minutes = forecast.minutes if waiting else 0
    span = (forecast.range if forecast.known else None) if waiting else [0, 0]
    mark = ticket_mark(ticket.priority, ticket.booking is not None)
    return {
        "type": "ticket",
        "hall": _hall(config),
        "day": state.day,
        "number": ticket.number,
        "service": ticket.service,
        "service_name": service.name if service else ticket.service,
        "service_name_en": service.name_en if service else "",
        "zone_name": zone.name if zone else "",
        "status": str(ticket.status),
        "window": ticket.window if not waiting else None,
        "window_name": window.name if window and not waiting else None,
        "recalls": ticket.recalls,
        "ahead": ahead,
        "estimated_wait_min": minutes,
        "wait_range_min": span,
        # the same words as the kiosk and the printed ticket (hall.words)
        "wait_text": wait_words(minutes, range_min=span, known=span is not None),
        "wait_text_en": wait_words(minutes, english, range_min=span, known=span is not None),
        "priority": ticket.priority,
        "booking": ticket.booking is not None,  # whether, never the code
        "mark": mark,
        "mark_en": english(mark) if mark else "",
        "issued_at": ticket.issued_at,
        "called_at": ticket.called_at,
        "near_turn": config.phone.near_turn,
        "rating": rating_view(rating),
    }


def recent_calls(state: HallState, limit: int = RECENT_CALLS * 4) -> list[Call]:
    """The newest calls of today, newest first, rebuilt from the state (after a start)."""
    called = [t for t in state.tickets.values() if t.called_at and t.window is not None]
    called.sort(key=lambda t: t.called_at or "", reverse=True)
    return [Call(t.id, t.number, int(t.window or 0), t.recalls, t.priority, t.called_at or "")
            for t in called[:limit]]


@dataclass(frozen=True)
class SpecialCall:
    """A special call of a window (``announcement``: 请大堂经理到3号窗口) as the wall
    screen shows it during its highlight time."""

    window: int
    call: str  # manager | rating
    text: str
    at: str  # when it was made (hub time): a page tells two alike apart by it

    def public(self, config: HallConfig) -> dict[str, Any]:
        window = config.window(self.window)
        return {"window": self.window, "call": self.call, "text": self.text, "at": self.at,
                "window_name": window.name if window else f"{self.window}号窗口"}


def standing(state: HallState, call: Call) -> bool:
    """Whether ``call`` is still true: its citizen is called at that window now (not
    finished, skipped, transferred or called elsewhere since)."""
    ticket = state.tickets.get(call.ticket_id)
    return (ticket is not None and ticket.status is TicketStatus.CALLED
            and ticket.window == call.window)


def zone_wait(config: HallConfig, state: HallState, forecast: Snapshot,
              zone: str) -> dict[str, Any]:
    """A newcomer's wait in ``zone`` for the wall: the range spanning the zone's services
    that have people waiting (无需等候 when nobody waits; 暂无法估计 when no service with
    people waiting can be estimated now). ``wait_range_min`` null: no estimate."""
    wait = wait_over(forecast, (s.id for s in config.services if s.zone == zone))
    span, minutes, known = (wait.range if wait.known else None), wait.minutes, wait.known
    return {"wait_range_min": span,
            "wait_text": wait_words(minutes, range_min=span, known=known),
            "wait_text_en": wait_words(minutes, english, range_min=span, known=known)}


def screen_view(
    config: HallConfig, state: HallState, calls: Iterable[Call], zones: frozenset[str],
    notice: str = "", special: SpecialCall | None = None, highlight_s: float = 10.0,
    now: datetime | None = None,
) -> dict[str, Any]:
    """The browser wall screen: the newest call still standing (``latest``; null when
    none stands), recent calls (one line per ticket, newest first, history included,
    each marked ``standing``), a special call on its highlight (``special``, when given
    and of a covered window; the page shows it for ``highlight_s``), waiting per zone,
    paused windows, the hall's notice; limited to ``zones`` when it is not empty. With
    ``now``, each zone row carries the wait of a newcomer (:func:`zone_wait`)."""

    def shown(window_number: int) -> bool:
        if not zones:
            return True
        window = config.window(window_number)
        return window is not None and window_zone(config, window) in zones

    listed: list[dict[str, Any]] = []
    latest: dict[str, Any] | None = None
    seen: set[int] = set()
    for call in calls:
        if call.ticket_id in seen or not shown(call.window):
            continue
        seen.add(call.ticket_id)
        row = call.public(config)
        row["standing"] = standing(state, call)
        if latest is None and row["standing"]:
            latest = row
        listed.append(row)
        if len(listed) >= RECENT_CALLS:
            break
    waiting: dict[str, int] = {}
    for service_id, queue in state.queues.items():
        service = config.service(service_id)
        if service is None or (zones and service.zone not in zones) or not len(queue):
            continue
        waiting[service.zone] = waiting.get(service.zone, 0) + len(queue)
    zone_rows = [
        {"zone": z.id, "name": z.name, "name_en": z.name_en, "waiting": waiting.get(z.id, 0)}
        for z in config.zones if not zones or z.id in zones
    ]
    if now is not None:
        forecast = Snapshot(state, config, now)
        for row in zone_rows:
            row.update(zone_wait(config, state, forecast, str(row["zone"])))
    paused = sorted(n for n, w in state.windows.items() if w.paused and shown(n))
    return {
        "type": "screen",
        "hall": _hall(config),
        "day": state.day,
        "notice": notice,
        "latest": latest,
        "recent": listed,
        "special": special.public(config) if special and shown(special.window) else None,
        "highlight_s": highlight_s,
        "waiting": zone_rows,
        "paused": paused,
    }
