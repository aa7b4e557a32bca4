"""The hall's ``[alerts]`` and ``[followup]`` settings (docs/config.md, docs/supervision.md)
and their check in the TOML loader.

``[alerts]`` says when a manager is told: a zone's (or service's) longest wait or its
queue over a limit, a window paused too long, a citizen served past the service's
``max_minutes``, a device reporting a fault. ``[followup]`` sets the deadline of a
差评 case in working days, with the hall's holidays and make-up working days (调休).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Protocol

ALERT_KEYS = ("wait_minutes", "queue", "pause_minutes", "overdue", "devices", "zone", "service")
_LIMIT_KEYS = ("wait_minutes", "queue")
FOLLOWUP_KEYS = ("deadline_workdays", "extension_workdays", "max_extensions", "holidays",
                 "workdays")
#: Upper bounds: a limit beyond these is a typo, not a policy.
MAX_MINUTES = 24 * 60
MAX_QUEUE = 100_000
MAX_WORKDAYS = 60


@dataclass(frozen=True)
class Limits:
    """When a zone's or service's queue needs a manager (None: never)."""

    wait_minutes: float | None = None
    queue: int | None = None


@dataclass(frozen=True)
class AlertRules:
    #: The hall-wide limits of every zone.
    wait_minutes: float | None = 30.0
    queue: int | None = 30
    pause_minutes: float | None = 30.0
    #: A citizen served longer than the service's ``max_minutes``.
    overdue: bool = True
    #: A device (a kiosk's printer …) reporting anything but "ok".
    devices: bool = True
    #: Limits of particular zones and services, overriding the hall-wide ones for zones
    #: and adding a service's own alert.
    zones: Mapping[str, Limits] = field(default_factory=dict)
    services: Mapping[str, Limits] = field(default_factory=dict)

    def zone_limits(self, zone: str) -> Limits:
        own = self.zones.get(zone, Limits())
        return Limits(own.wait_minutes if own.wait_minutes is not None else self.wait_minutes,
                      own.queue if own.queue is not None else self.queue)


@dataclass(frozen=True)
class FollowUp:
    """The 差评 follow-up deadline: working days are Monday to Friday, less
    ``holidays``, plus ``workdays`` (weekend days worked in exchange, 调休)."""

    deadline_workdays: int = 5
    extension_workdays: int = 5
    max_extensions: int = 1
    holidays: frozenset[date] = frozenset()
    workdays: frozenset[date] = frozenset()

    def is_workday(self, day: date) -> bool:
        if day in self.workdays:
            return True
        return day.weekday() < 5 and day not in self.holidays

    def add_workdays(self, start: date, count: int) -> date:
        """The ``count``-th working day after ``start`` (``start`` itself not counted)."""
        day = start
        for _ in range(10_000):  # bounded: a year of holidays cannot loop forever
            if count <= 0:
                return day
            day += timedelta(days=1)
            if self.is_workday(day):
                count -= 1
        raise ValueError("no working day found within 10,000 days")


class _Checks(Protocol):
    def error(self, key: str, message: str) -> None: ...
    def known_keys(self, table: Mapping[str, Any], where: str,
                   allowed: tuple[str, ...]) -> None: ...
    def wrong_type(self, key: str, expected: str, value: object) -> None: ...


class _Table:
    """Reads one table's numbers with bounds, reporting every mistake."""

    def __init__(self, checks: _Checks, table: Mapping[str, Any], where: str) -> None:
        self.checks, self.table, self.where = checks, table, where
        self.ok = True

    def number(self, key: str, high: float, default: float | None) -> float | None:
        value = self.table.get(key, default)
        if value is None or value is default:
            return default
        if value is False:  # `queue = false`: this alert is off
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.checks.wrong_type(f"{self.where}.{key}", f"a number from 1 to {high:g}, "
                                   "or false for never", value)
        elif not 0 < value <= high:
            self.checks.error(f"{self.where}.{key}", f"must be from 1 to {high:g}, not {value}")
        else:
            return float(value)
        self.ok = False
        return default

    def whole(self, key: str, low: int, high: int, default: int) -> int:
        value = self.table.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int):
            self.checks.wrong_type(f"{self.where}.{key}", f"an integer from {low} to {high}",
                                   value)
        elif not low <= value <= high:
            self.checks.error(f"{self.where}.{key}", f"must be from {low} to {high}, not {value}")
        else:
            return value
        self.ok = False
        return default

    def flag(self, key: str, default: bool) -> bool:
        value = self.table.get(key, default)
        if isinstance(value, bool):
            return value
        self.checks.wrong_type(f"{self.where}.{key}", "true or false", value)
        self.ok = False
        return default

    def dates(self, key: str) -> frozenset[date]:
        value = self.table.get(key, [])
        if not isinstance(value, list):
            self.checks.wrong_type(f"{self.where}.{key}", 'a list of dates ["2026-10-01", …]',
                                   value)
            self.ok = False
            return frozenset()
        out = set()
        for i, item in enumerate(value):
            if isinstance(item, date):  # a TOML date literal
                out.add(item)
                continue
            try:
                out.add(date.fromisoformat(str(item)))
            except ValueError:
                self.checks.error(f"{self.where}.{key}[{i}]",
                                  f"not a date (YYYY-MM-DD): {item!r}")
                self.ok = False
        return frozenset(out)


def _limits(checks: _Checks, raw: object, where: str) -> Limits | None:
    if not isinstance(raw, dict):
        checks.wrong_type(where, "a table with wait_minutes and/or queue", raw)
        return None
    checks.known_keys(raw, where, _LIMIT_KEYS)
    t = _Table(checks, raw, where)
    wait = t.number("wait_minutes", MAX_MINUTES, None)
    queue = t.number("queue", MAX_QUEUE, None)
    return Limits(wait, int(queue) if queue is not None else None) if t.ok else None


def check_alerts(checks: _Checks, data: Mapping[str, Any], zones: set[str],
                 services: set[str]) -> AlertRules | None:
    """``[alerts]`` checked; the defaults when absent, None after errors."""
    value = data.get("alerts")
    if value is None:
        return AlertRules()
    if not isinstance(value, dict):
        checks.wrong_type("alerts", "an [alerts] table", value)
        return None
    checks.known_keys(value, "alerts", ALERT_KEYS)
    default = AlertRules()
    t = _Table(checks, value, "alerts")
    wait = t.number("wait_minutes", MAX_MINUTES, default.wait_minutes)
    queue = t.number("queue", MAX_QUEUE, float(default.queue or 0))
    pause = t.number("pause_minutes", MAX_MINUTES, default.pause_minutes)
    overdue = t.flag("overdue", default.overdue)
    devices = t.flag("devices", default.devices)
    scoped: dict[str, dict[str, Limits]] = {"zone": {}, "service": {}}
    for kind, known in (("zone", zones), ("service", services)):
        tables = value.get(kind, {})
        if not isinstance(tables, dict):
            checks.wrong_type(f"alerts.{kind}", f"tables [alerts.{kind}.<id>]", tables)
            t.ok = False
            continue
        for key, raw in tables.items():
            where = f"alerts.{kind}.{key}"
            if key not in known:
                checks.error(where, f"unknown {kind} {key!r}")
                t.ok = False
                continue
            limits = _limits(checks, raw, where)
            if limits is None:
                t.ok = False
            else:
                scoped[kind][key] = limits
    if not t.ok:
        return None
    return AlertRules(wait_minutes=wait, queue=int(queue) if queue is not None else None,
                      pause_minutes=pause, overdue=overdue, devices=devices,
                      zones=scoped["zone"], services=scoped["service"])


def check_followup(checks: _Checks, data: Mapping[str, Any]) -> FollowUp | None:
    """``[followup]`` checked; the defaults when absent, None after errors."""
    value = data.get("followup")
    if value is None:
        return FollowUp()
    if not isinstance(value, dict):
        checks.wrong_type("followup", "a [followup] table", value)
        return None
    checks.known_keys(value, "followup", FOLLOWUP_KEYS)
    default = FollowUp()
    t = _Table(checks, value, "followup")
    deadline = t.whole("deadline_workdays", 1, MAX_WORKDAYS, default.deadline_workdays)
    extension = t.whole("extension_workdays", 1, MAX_WORKDAYS, default.extension_workdays)
    extensions = t.whole("max_extensions", 0, 10, default.max_extensions)
    holidays = t.dates("holidays")
    workdays = t.dates("workdays")
    both = holidays & workdays
    if both:
        checks.error("followup.workdays", "a day cannot be both a holiday and a working day: "
                     + ", ".join(sorted(d.isoformat() for d in both)))
        t.ok = False
    if not t.ok:
        return None
    return FollowUp(deadline, extension, extensions, holidays, workdays)
