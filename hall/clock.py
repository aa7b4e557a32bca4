"""Hall time as it is passed around: the one clock type, and a client's view of hub time.

Time enters each process in one place, its wiring (a CLI or an app's ``app.py``),
which reads the wall clock (:mod:`hall.wallclock`) and passes a :data:`Clock` down.
Engines, models, presenters, windows and announcers take the clock as an argument
and never read the time themselves (tests/test_clock_ban.py fails the build if one
does), so every test can hand the whole hall one fake clock.

An app that talks to the hub keeps a :class:`HubClock`: its own clock plus the offset
to the hub's time as last heard (the ``now`` of a welcome, the ``at`` of a later
event), so a kiosk judges opening hours by the hub's clock, not its own guess.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

#: Returns the current time, timezone-aware.
Clock = Callable[[], datetime]


class HubClock:
    """The hub's time as a client knows it: a local clock plus the offset to the hub's
    clock last heard. Before the hub has said anything it is the local clock. Call it
    like any :data:`Clock`."""

    def __init__(self, local: Clock) -> None:
        self._local = local
        self._offset = timedelta(0)
        self._synced = False

    @property
    def synced(self) -> bool:
        """Whether the hub's time has been heard at all."""
        return self._synced

    @property
    def offset(self) -> timedelta:
        """Hub time minus local time, as last heard."""
        return self._offset

    def set(self, hub_now: datetime) -> None:
        """The hub says it is ``hub_now`` (a welcome): believe it, even when it is
        earlier than this clock showed (the hub's clock was put back). Raises
        ValueError for a naive datetime."""
        if hub_now.tzinfo is None:
            raise ValueError("hub time must be timezone-aware")
        self._offset = hub_now - self._local()
        self._synced = True

    def heard(self, at: datetime) -> None:
        """An event stamped ``at``: move on to it when it is later than this clock
        shows (replayed events are older and leave it as it is). Raises ValueError
        for a naive datetime."""
        if at.tzinfo is None:
            raise ValueError("hub time must be timezone-aware")
        if not self._synced or at > self():
            self.set(at)

    def set_from(self, text: str) -> None:
        """:meth:`set` from the hub's text (a welcome's ``now``); nothing when
        :func:`hub_time` cannot read it."""
        at = hub_time(text)
        if at is not None:
            self.set(at)

    def heard_from(self, text: str) -> None:
        """:meth:`heard` from the hub's text (an event's ``at``); nothing when
        :func:`hub_time` cannot read it."""
        at = hub_time(text)
        if at is not None:
            self.heard(at)

    def __call__(self) -> datetime:
        return self._local() + self._offset


def hub_time(text: str) -> datetime | None:
    """A time the hub sent (a welcome's ``now``, an event's ``at``); None when it is
    absent, unreadable or without a time zone (an older or broken hub)."""
    try:
        at = datetime.fromisoformat(text) if text else None
    except ValueError:
        return None
    return at if at is not None and at.tzinfo is not None else None


def zone(name: str) -> ZoneInfo:
    """The time zone called ``name`` (``Asia/Shanghai``); raises ValueError with a
    readable message for a name the system does not know."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {name!r}") from exc


def day_in(now: datetime, where: ZoneInfo) -> date:
    """The calendar day ``now`` falls on in ``where``: a server kept on UTC still
    names the hall's day (08:00 in Beijing is the previous day in UTC)."""
    return now.astimezone(where).date()
