"""Loading and validating the hall configuration TOML.

Nothing is read at import time.
"""

from __future__ import annotations

import difflib
import hashlib
import itertools
import logging
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from hall.config.connections import check_connections
from hall.config.model import (
    Device,
    DisplaySettings,
    HallConfig,
    HallInfo,
    Policy,
    Role,
    Service,
    SlotCap,
    Staff,
    TimeRange,
    Window,
    Zone,
)
from hall.config.supervision import check_alerts, check_followup
from hall.config.voice import check_voice

logger = logging.getLogger(__name__)

# --------------------------------------------------------------------------------------
# Loading and validation. Every mistake is collected (not just the first) so an
# installer fixes the whole file in one pass; each names the file and a key a person
# can find: ``service[3] (B).hours[1]`` is the second entry of ``hours`` in the fourth
# ``[[service]]`` table (counting from 0), whose id is B.

#: The ``key`` of problems about the file as a whole (missing, unreadable).
FILE_KEY = "(file)"

_TOP_KEYS = ("hall", "queue", "zone", "service", "window", "device", "staff", "display",
             "voice", "alerts", "followup", "connections")
_HALL_KEYS = ("name", "name_en", "timezone", "day_starts", "public_url", "demo")
_QUEUE_KEYS = (
    "recall_limit",
    "priority_ratio",
    "estimate_sample",
    "require_sign_in",
    "booking_memory_days",
    "rating_points",
)
_ZONE_KEYS = ("id", "name", "name_en")
_SERVICE_KEYS = (
    "id",
    "name",
    "name_en",
    "zone",
    "daily_cap",
    "hours",
    "slot_caps",
    "typical_minutes",
    "max_minutes",
)
_WINDOW_KEYS = ("number", "name", "zone", "services")
_DEVICE_KEYS = ("id", "role", "token", "token_sha256", "window")
_STAFF_KEYS = ("id", "name", "zone")
_DISPLAY_KEYS = ("notice", "blink_s", "highlight_s")
#: Longest wall notice (characters): it scrolls, but a screenful of prose helps nobody.
NOTICE_MAX = 500

_ABSENT: Any = object()
_HHMM = re.compile(r"(\d{1,2}):(\d{2})")
_SERVICE_ID = re.compile(r"[A-Z]{1,2}")
_SHA256 = re.compile(r"[0-9a-fA-F]{64}")
_RATIO = re.compile(r"\s*(\d+)\s*:\s*(\d+)\s*")
_TOML_WHERE = re.compile(r"\s*\(at (?:line (\d+), column (\d+)|end of document)\)$")


@dataclass(frozen=True)
class ConfigProblem:
    """One mistake (or, from :func:`check_config`, one warning) in a hall config."""

    file: str
    key: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.key}: {self.message}"


class ConfigError(ValueError):
    """The hall config cannot be used. ``problems`` lists every mistake found;
    ``str()`` gives them one per line."""

    def __init__(self, problems: list[ConfigProblem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def load_config(path: str | Path) -> HallConfig:
    """Read and validate a hall config file; warnings are logged.

    Raises:
        ConfigError: the file is missing, unreadable, not TOML, or has any mistake
            (all of them are listed).
    """
    path = Path(path)
    text = _read(path)
    return parse_config(text, path)


def parse_config(text: str, source: Path | str = "<string>") -> HallConfig:
    """Validate hall config TOML given as text; ``source`` names it in problems.
    Warnings are logged.

    Raises:
        ConfigError: the text is not TOML or has any mistake (all of them are listed).
    """
    config, errors, warnings = _check_text(text, source)
    for warning in warnings:
        logger.warning("%s", warning)
    if errors or config is None:
        raise ConfigError(errors)
    return config


def check_config(path: str | Path) -> tuple[list[ConfigProblem], list[ConfigProblem]]:
    """Every mistake and every warning in a hall config file, without raising.

    The config is usable when the first list (errors) is empty; warnings point at
    things that are allowed but probably unintended (a service no window serves).
    """
    path = Path(path)
    try:
        text = _read(path)
    except ConfigError as exc:
        return exc.problems, []
    _, errors, warnings = _check_text(text, path)
    return errors, warnings


def _read(path: Path) -> str:
    try:
        # utf-8-sig: Windows editors may put a byte-order mark in front.
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ConfigError(
            [ConfigProblem(str(path), FILE_KEY, f"is not UTF-8 text (bad byte at {exc.start})")]
        ) from exc
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise ConfigError([ConfigProblem(str(path), FILE_KEY, f"cannot read: {reason}")]) from exc


def _check_text(
    text: str, source: Path | str
) -> tuple[HallConfig | None, list[ConfigProblem], list[ConfigProblem]]:
    checker = _Checker(str(source))
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        match = _TOML_WHERE.search(message)
        key = FILE_KEY
        if match:
            message = message[: match.start()]
            key = f"line {match[1]}, column {match[2]}" if match[1] else "end of file"
        checker.error(key, f"not valid TOML: {message}")
        return None, checker.errors, checker.warnings
    except RecursionError:
        checker.error(FILE_KEY, "not valid TOML: nested too deeply for a hall config")
        return None, checker.errors, checker.warnings
    config = checker.check(data, None if source == "<string>" else Path(source))
    return config, checker.errors, checker.warnings


def _weak_token(token: str) -> bool:
    """Short, blank or a shipped placeholder (``…change-me``)."""
    return len(token.strip()) < 12 or "change-me" in token.lower()


#: The highest window number (ticket screens and callers show at most four digits).
MAX_WINDOW = 9999


def _join(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key


def _label(kind: str, index: int, label: object) -> str:
    if isinstance(label, str) and label:
        return f"{kind}[{index}] ({label})"
    return f"{kind}[{index}]"


def _type_name(value: object) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    return "a TOML date/time"


def _parse_hhmm(text: str) -> time | None:
    match = _HHMM.fullmatch(text.strip())
    if not match:
        return None
    hour, minute = int(match[1]), int(match[2])
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


def _parse_range(text: str) -> TimeRange | str:
    """A ``TimeRange`` from ``"HH:MM-HH:MM"``, or what is wrong with the text."""
    parts = text.split("-")
    start = _parse_hhmm(parts[0]) if len(parts) == 2 else None
    end = _parse_hhmm(parts[1]) if len(parts) == 2 else None
    if start is None or end is None:
        return f'must be "HH:MM-HH:MM" like "08:30-12:00", not {text!r}'
    if start >= end:
        return f"{text!r} ends before it starts; the end must be later than the start"
    return TimeRange(start, end)


def _merged(ranges: list[TimeRange]) -> list[TimeRange]:
    """Touching ranges joined, so a slot across "08:00-10:00" + "10:00-12:00" fits."""
    out: list[TimeRange] = []
    for r in sorted(ranges):
        if out and out[-1].end >= r.start:
            out[-1] = TimeRange(out[-1].start, max(out[-1].end, r.end))
        else:
            out.append(r)
    return out


class _Checker:
    """Walks the parsed TOML once, collecting errors and warnings."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.errors: list[ConfigProblem] = []
        self.warnings: list[ConfigProblem] = []
        # What later tables refer to: id/number -> the key of the table defining it.
        self._zone_ids: dict[str, str] = {}
        self._service_ids: dict[str, str] = {}
        self._window_numbers: dict[int, str] = {}
        self._served: set[str] = set()  # services some window calls
        self._callers: set[int] = set()  # windows some caller device belongs to
        self._demo = False

    # -- reporting and typed getters ------------------------------------------------

    def error(self, key: str, message: str) -> None:
        self.errors.append(ConfigProblem(self.file, key, message))

    def warn(self, key: str, message: str) -> None:
        self.warnings.append(ConfigProblem(self.file, key, message))

    def claim(
        self, seen: dict[Any, str], value: str | int, where: str, key: str, what: str,
        hint: str = "",
    ) -> None:
        """Record that the table at ``where`` holds ``value``; a second table holding it
        is an error on its ``key``, naming where the first one is."""
        if value in seen:
            self.error(f"{where}.{key}", f"duplicate {what} {value!r} (also {seen[value]}){hint}")
        else:
            seen[value] = where

    def known_keys(self, table: Mapping[str, Any], where: str, allowed: tuple[str, ...]) -> None:
        for key in table:
            if key in allowed:
                continue
            close = difflib.get_close_matches(key, allowed, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            self.error(_join(where, key), f"unknown key{hint}; allowed: {', '.join(allowed)}")

    def wrong_type(self, key: str, expected: str, value: object) -> None:
        self.error(key, f"must be {expected}, not {_type_name(value)}")

    def text(
        self, table: Mapping[str, Any], where: str, key: str, *, required: bool = False
    ) -> str | None:
        """A string; None when absent (after an error if required) or wrong."""
        value = table.get(key, _ABSENT)
        if value is _ABSENT:
            if required:
                self.error(_join(where, key), "is required")
            return None
        if not isinstance(value, str):
            self.wrong_type(_join(where, key), "a string", value)
            return None
        if required and not value.strip():
            self.error(_join(where, key), "must not be empty")
            return None
        return value

    def integer(
        self,
        table: Mapping[str, Any],
        where: str,
        key: str,
        *,
        low: int,
        high: int = 1_000_000,
        required: bool = False,
        hint: str = "",
    ) -> int | None:
        value = table.get(key, _ABSENT)
        if value is _ABSENT:
            if required:
                self.error(_join(where, key), "is required")
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.wrong_type(_join(where, key), "an integer" + hint, value)
            return None
        if value < low:
            self.error(_join(where, key), f"must be at least {low}, not {value}")
            return None
        if value > high:
            self.error(_join(where, key), f"must be at most {high}, not {value}")
            return None
        return value

    def table_list(self, data: Mapping[str, Any], name: str) -> list[tuple[int, Mapping[str, Any]]]:
        """The ``[[name]]`` tables, each with its index; wrong shapes are reported."""
        value = data.get(name, _ABSENT)
        if value is _ABSENT:
            return []
        if not isinstance(value, list):
            self.error(name, f"must be written as [[{name}]] tables, not [{name}] or a value")
            return []
        out: list[tuple[int, Mapping[str, Any]]] = []
        for index, item in enumerate(value):
            if isinstance(item, dict):
                out.append((index, item))
            else:
                self.wrong_type(f"{name}[{index}]", f"a [[{name}]] table", item)
        return out

    # -- the whole file -------------------------------------------------------------

    def check(self, data: Mapping[str, Any], source: Path | None) -> HallConfig | None:
        self.known_keys(data, "", _TOP_KEYS)
        hall = self.check_hall(data)
        policy = self.check_queue(data)
        zones = self.check_zones(data)
        zone_ids = set(self._zone_ids)
        services = self.check_services(data, zone_ids)
        windows = self.check_windows(data, zone_ids)
        devices = self.check_devices(data)
        staff = self.check_staff(data, zone_ids)
        display = self.check_display(data)
        voice = check_voice(self, data, zone_ids)
        alerts = check_alerts(self, data, zone_ids, set(self._service_ids))
        followup = check_followup(self, data)
        connections = check_connections(self, data)
        self.check_usage(data)
        if self.errors or hall is None or policy is None or display is None or voice is None:
            return None
        if alerts is None or followup is None or connections is None:
            return None
        return HallConfig(
            hall=hall,
            zones=tuple(zones),
            services=tuple(services),
            windows=tuple(windows),
            devices=tuple(devices),
            staff=tuple(staff),
            policy=policy,
            display=display,
            voice=voice,
            alerts=alerts,
            followup=followup,
            connections=connections,
            source=source,
        )

    def check_hall(self, data: Mapping[str, Any]) -> HallInfo | None:
        value = data.get("hall", _ABSENT)
        if value is _ABSENT:
            self.error("hall", "the [hall] table is required (at least its name)")
            return None
        if not isinstance(value, dict):
            self.wrong_type("hall", "a [hall] table", value)
            return None
        where = "hall"
        self.known_keys(value, where, _HALL_KEYS)
        demo = value.get("demo", False)
        if not isinstance(demo, bool):
            self.wrong_type("hall.demo", "true or false", demo)
        self._demo = demo is True  # an example hall: placeholder tokens are expected
        name = self.text(value, where, "name", required=True)
        name_en = self.text(value, where, "name_en") or ""
        timezone = self.text(value, where, "timezone")
        if timezone is None:
            timezone = HallInfo.timezone if "timezone" not in value else None
        elif not self._zone_exists(timezone):
            self.error(
                "hall.timezone",
                f"unknown time zone {timezone!r}; use an IANA name like 'Asia/Shanghai'",
            )
            timezone = None
        day_starts = self.day_starts(value)
        public_url = self.public_url(value)
        if name is None or timezone is None or day_starts is None:
            return None
        return HallInfo(name=name, timezone=timezone, day_starts=day_starts, name_en=name_en,
                        public_url=public_url)

    def public_url(self, hall: Mapping[str, Any]) -> str:
        """``[hall] public_url``: where citizens' phones reach the hub's public pages."""
        url = self.text(hall, "hall", "public_url") or ""
        if not url:
            self.warn("hall.public_url", "not set: tickets' QR codes cannot be opened on a phone")
            return ""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname or (
            parts.query or parts.fragment or len(url) > 200
        ):
            self.error("hall.public_url",
                       f"must be an http:// or https:// address like "
                       f"'http://192.168.1.10:8765' (no query), not {url!r}")
            return ""
        return url.rstrip("/")

    @staticmethod
    def _zone_exists(name: str) -> bool:
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError, OSError):
            return False
        return True

    def day_starts(self, hall: Mapping[str, Any]) -> time | None:
        value = hall.get("day_starts", _ABSENT)
        if value is _ABSENT:
            return HallInfo.day_starts
        if isinstance(value, time):  # a TOML local time: day_starts = 06:00:00
            return value.replace(second=0, microsecond=0)
        if isinstance(value, str):
            parsed = _parse_hhmm(value)
            if parsed is not None:
                return parsed
            self.error("hall.day_starts", f'must be "HH:MM" like "06:00", not {value!r}')
            return None
        self.wrong_type("hall.day_starts", 'a string "HH:MM"', value)
        return None

    def check_queue(self, data: Mapping[str, Any]) -> Policy | None:
        value = data.get("queue", _ABSENT)
        if value is _ABSENT:
            return Policy()
        if not isinstance(value, dict):
            self.wrong_type("queue", "a [queue] table", value)
            return None
        before = len(self.errors)
        where = "queue"
        self.known_keys(value, where, _QUEUE_KEYS)
        default = Policy()
        recall_limit = self.integer(value, where, "recall_limit", low=0, high=100)
        estimate_sample = self.integer(value, where, "estimate_sample", low=1)
        memory = self.integer(value, where, "booking_memory_days", low=1, high=3660)
        require = value.get("require_sign_in", default.require_sign_in)
        if not isinstance(require, bool):
            self.wrong_type("queue.require_sign_in", "true or false", require)
            require = default.require_sign_in
        ratio = self.priority_ratio(value)
        points = self.rating_points(value)
        if len(self.errors) > before:
            return None
        return Policy(
            recall_limit=default.recall_limit if recall_limit is None else recall_limit,
            priority_ratio=ratio or default.priority_ratio,
            estimate_sample=estimate_sample or default.estimate_sample,
            require_sign_in=require,
            booking_memory_days=memory or default.booking_memory_days,
            rating_points=points or default.rating_points,
        )

    def check_display(self, data: Mapping[str, Any]) -> DisplaySettings | None:
        value = data.get("display", _ABSENT)
        if value is _ABSENT:
            return DisplaySettings()
        if not isinstance(value, dict):
            self.wrong_type("display", "a [display] table", value)
            return None
        before = len(self.errors)
        where = "display"
        self.known_keys(value, where, _DISPLAY_KEYS)
        default = DisplaySettings()
        notice = self.text(value, where, "notice") or ""
        if len(notice) > NOTICE_MAX:
            self.error("display.notice", f"is {len(notice)} characters; at most {NOTICE_MAX}")
        blink = self.seconds(value, where, "blink_s", default.blink_s)
        highlight = self.seconds(value, where, "highlight_s", default.highlight_s)
        if blink is not None and highlight is not None and highlight < blink:
            self.error("display.highlight_s", f"must be at least blink_s ({blink})")
        if len(self.errors) > before or blink is None or highlight is None:
            return None
        return DisplaySettings(notice=notice.strip(), blink_s=blink, highlight_s=highlight)

    def seconds(
        self, table: Mapping[str, Any], where: str, key: str, default: float
    ) -> float | None:
        """A number of seconds, 0 to 600."""
        value = table.get(key, _ABSENT)
        if value is _ABSENT:
            return default
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.wrong_type(_join(where, key), "a number of seconds", value)
            return None
        if not 0 <= value <= 600:
            self.error(_join(where, key), f"must be 0 to 600 seconds, not {value}")
            return None
        return float(value)

    def priority_ratio(self, queue: Mapping[str, Any]) -> tuple[int, int] | None:
        value = queue.get("priority_ratio", _ABSENT)
        if value is _ABSENT:
            return None
        if not isinstance(value, str):
            self.wrong_type("queue.priority_ratio", 'a string "P:N" like "2:1"', value)
            return None
        match = _RATIO.fullmatch(value)
        if not match or not 1 <= int(match[1]) <= 100 or not 1 <= int(match[2]) <= 100:
            self.error(
                "queue.priority_ratio",
                f'must be "P:N" with both numbers from 1 to 100, like "2:1", not {value!r}',
            )
            return None
        return int(match[1]), int(match[2])

    def rating_points(self, queue: Mapping[str, Any]) -> tuple[int, int, int, int, int] | None:
        value = queue.get("rating_points", _ABSENT)
        if value is _ABSENT:
            return None
        if (
            not isinstance(value, list)
            or len(value) != 5
            or not all(isinstance(p, int) and not isinstance(p, bool) and -1000 <= p <= 1000
                       for p in value)
        ):
            self.error(
                "queue.rating_points",
                "must be a list of 5 integers from -1000 to 1000, the points for scores "
                "5..1, like [10, 8, 6, 3, 0]",
            )
            return None
        return value[0], value[1], value[2], value[3], value[4]

    # -- zones, services, windows, devices, staff -------------------------------------

    def check_zones(self, data: Mapping[str, Any]) -> list[Zone]:
        zones: list[Zone] = []
        for index, table in self.table_list(data, "zone"):
            where = _label("zone", index, table.get("id"))
            self.known_keys(table, where, _ZONE_KEYS)
            zone_id = self.text(table, where, "id", required=True)
            name = self.text(table, where, "name", required=True)
            name_en = self.text(table, where, "name_en") or ""
            if zone_id is not None:
                self.claim(self._zone_ids, zone_id, where, "id", "zone id")
            if zone_id is not None and name is not None:
                zones.append(Zone(id=zone_id, name=name, name_en=name_en))
        return zones

    def zone_ref(
        self, table: Mapping[str, Any], where: str, zones: set[str], *, required: bool
    ) -> str | None:
        zone = self.text(table, where, "zone", required=required)
        if zone is not None and zone not in zones:
            known = ", ".join(sorted(zones)) or "none defined"
            self.error(f"{where}.zone", f"unknown zone {zone!r} (zones: {known})")
        return zone

    def check_services(self, data: Mapping[str, Any], zones: set[str]) -> list[Service]:
        services: list[Service] = []
        for index, table in self.table_list(data, "service"):
            where = _label("service", index, table.get("id"))
            before = len(self.errors)
            self.known_keys(table, where, _SERVICE_KEYS)
            service_id = self.text(table, where, "id", required=True)
            if service_id is not None:
                if not _SERVICE_ID.fullmatch(service_id):
                    self.error(
                        f"{where}.id",
                        "must be 1-2 uppercase ASCII letters (it is the ticket prefix),"
                        f" not {service_id!r}",
                    )
                else:
                    self.claim(self._service_ids, service_id, where, "id", "service id",
                               "; the id is the ticket prefix and must be unique")
            name = self.text(table, where, "name", required=True)
            name_en = self.text(table, where, "name_en") or ""
            zone = self.zone_ref(table, where, zones, required=True)
            daily_cap = self.integer(table, where, "daily_cap", low=1)
            hours = self.hours(table, where)
            slot_caps = self.slot_caps(table, where, hours)
            minutes = self.typical_minutes(table, where)
            most = self.max_minutes(table, where)
            if len(self.errors) == before and service_id and name and zone:
                services.append(
                    Service(
                        id=service_id,
                        name=name,
                        zone=zone,
                        name_en=name_en,
                        daily_cap=daily_cap,
                        hours=tuple(sorted(hours)),
                        slot_caps=tuple(sorted(slot_caps, key=lambda c: c.hours)),
                        typical_minutes=minutes,
                        max_minutes=most,
                    )
                )
        if not data.get("service"):
            self.error("service", "at least one [[service]] table is required")
        return services

    def ranges(self, items: list[tuple[str, object]]) -> list[TimeRange]:
        """Parse ``(key, text)`` pairs into ranges; report malformed and overlapping ones."""
        parsed: list[tuple[TimeRange, str]] = []
        for key, text in items:
            if not isinstance(text, str):
                self.wrong_type(key, 'a string "HH:MM-HH:MM"', text)
                continue
            result = _parse_range(text)
            if isinstance(result, str):
                self.error(key, result)
            else:
                parsed.append((result, key))
        parsed.sort()
        for (prev, prev_key), (cur, cur_key) in itertools.pairwise(parsed):
            if prev.end > cur.start:
                self.error(cur_key, f"{cur} overlaps {prev} ({prev_key})")
        return [r for r, _ in parsed]

    def hours(self, table: Mapping[str, Any], where: str) -> list[TimeRange]:
        value = table.get("hours", _ABSENT)
        if value is _ABSENT:
            return []
        key = f"{where}.hours"
        if not isinstance(value, list):
            self.wrong_type(key, 'a list of "HH:MM-HH:MM" strings', value)
            return []
        return self.ranges([(f"{key}[{i}]", item) for i, item in enumerate(value)])

    def slot_caps(
        self, table: Mapping[str, Any], where: str, hours: list[TimeRange]
    ) -> list[SlotCap]:
        value = table.get("slot_caps", _ABSENT)
        if value is _ABSENT:
            return []
        key = f"{where}.slot_caps"
        if not isinstance(value, dict):
            self.wrong_type(key, 'a table like { "08:30-10:00" = 40 }', value)
            return []
        caps: list[SlotCap] = []
        keys = {text: f'{key}."{text}"' for text in value}
        for slot in self.ranges([(keys[text], text) for text in value]):
            text = next(t for t in value if _parse_range(t) == slot)
            cap = value[text]
            if isinstance(cap, bool) or not isinstance(cap, int):
                self.wrong_type(keys[text], "an integer (tickets in this slot)", cap)
                continue
            if cap < 1:
                self.error(keys[text], f"must be at least 1, not {cap}")
                continue
            caps.append(SlotCap(hours=slot, cap=cap))
            inside = any(r.start <= slot.start and slot.end <= r.end for r in _merged(hours))
            if hours and not inside:
                shown = ", ".join(str(r) for r in sorted(hours))
                self.warn(
                    keys[text],
                    f"slot {slot} is not within the service hours ({shown});"
                    " no ticket is issued outside them",
                )
        return caps

    def typical_minutes(self, table: Mapping[str, Any], where: str) -> float:
        return float(self.minutes(table, where, "typical_minutes", Service.typical_minutes))

    def max_minutes(self, table: Mapping[str, Any], where: str) -> float | None:
        if "max_minutes" not in table:
            return None
        value = self.minutes(table, where, "max_minutes", None)
        return None if value is None else float(value)

    def minutes(self, table: Mapping[str, Any], where: str, name: str,
                default: Any) -> Any:
        value = table.get(name, _ABSENT)
        if value is _ABSENT:
            return default
        key = f"{where}.{name}"
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.wrong_type(key, "a number of minutes", value)
            return default
        if not 0 < value < float("inf"):
            self.error(key, f"must be a number of minutes above 0, not {value}")
            return default
        return float(value)

    def check_windows(self, data: Mapping[str, Any], zones: set[str]) -> list[Window]:
        windows: list[Window] = []
        names: dict[str, str] = {}
        if not data.get("window"):
            self.error("window", "at least one [[window]] table is required")
        for index, table in self.table_list(data, "window"):
            number_value = table.get("number")
            name_value = table.get("name")
            if (
                not isinstance(name_value, str)
                and isinstance(number_value, int)
                and not isinstance(number_value, bool)
            ):
                name_value = f"{number_value}号窗口"
            where = _label("window", index, name_value)
            before = len(self.errors)
            self.known_keys(table, where, _WINDOW_KEYS)
            number = self.integer(table, where, "number", low=1, high=MAX_WINDOW,
                                  required=True)
            if number is not None:
                self.claim(self._window_numbers, number, where, "number", "window number")
            name = self.text(table, where, "name")
            if name is None and number is not None and "name" not in table:
                name = f"{number}号窗口"
            if name is not None:
                if name in names:
                    also = names[name]
                    self.warn(f"{where}.name", f"same name as {also}; calls will sound alike")
                names.setdefault(name, where)
            zone = self.zone_ref(table, where, zones, required=False)
            tiers = self.tiers(table, where)
            if len(self.errors) == before and number is not None and name is not None:
                windows.append(Window(number=number, name=name, tiers=tiers, zone=zone))
        return windows

    def tiers(self, table: Mapping[str, Any], where: str) -> tuple[tuple[str, ...], ...]:
        value = table.get("services", _ABSENT)
        key = f"{where}.services"
        if value is _ABSENT:
            self.error(key, 'is required: the services this window calls, like ["A", ["B", "C"]]')
            return ()
        if not isinstance(value, list):
            self.wrong_type(key, 'a list of service ids like ["A", ["B", "C"]]', value)
            return ()
        if not value:
            self.error(key, "must list at least one service")
            return ()
        tiers: list[tuple[str, ...]] = []
        seen: dict[str, str] = {}
        for i, item in enumerate(value):
            members: list[tuple[str, object]]
            if isinstance(item, list):
                if not item:
                    self.error(f"{key}[{i}]", "is an empty tier; list at least one service id")
                    continue
                members = [(f"{key}[{i}][{j}]", sub) for j, sub in enumerate(item)]
            else:
                members = [(f"{key}[{i}]", item)]
            tier: list[str] = []
            for member_key, service in members:
                if not isinstance(service, str):
                    self.wrong_type(member_key, "a service id or a list of service ids", service)
                    continue
                if service not in self._service_ids:
                    known = ", ".join(sorted(self._service_ids)) or "none defined"
                    self.error(member_key, f"unknown service {service!r} (services: {known})")
                    continue
                if service in seen:
                    also = seen[service]
                    self.error(member_key, f"service {service!r} is already listed at {also}")
                    continue
                seen[service] = member_key
                self._served.add(service)
                tier.append(service)
            if tier:
                tiers.append(tuple(tier))
        return tuple(tiers)

    def check_devices(self, data: Mapping[str, Any]) -> list[Device]:
        devices: list[Device] = []
        ids: dict[str, str] = {}
        digests: dict[str, str] = {}  # sha256 of a token -> key of the device holding it
        roles = ", ".join(r.value for r in Role)
        for index, table in self.table_list(data, "device"):
            where = _label("device", index, table.get("id"))
            before = len(self.errors)
            self.known_keys(table, where, _DEVICE_KEYS)
            device_id = self.text(table, where, "id", required=True)
            if device_id is not None:
                self.claim(ids, device_id, where, "id", "device id")
            role_text = self.text(table, where, "role", required=True)
            role: Role | None = None
            if role_text is not None:
                try:
                    role = Role(role_text)
                except ValueError:
                    self.error(f"{where}.role", f"must be one of {roles}, not {role_text!r}")
            token = self.text(table, where, "token")
            if token is not None and not token:
                self.error(f"{where}.token", "must not be empty")
            elif token is not None and not self._demo and _weak_token(token):
                # A hub on the hall LAN with a guessable token lets anyone call numbers:
                # refused, except in a hall marked `[hall] demo = true` (the examples).
                self.error(f"{where}.token",
                           "is weak or a placeholder (shorter than 12 characters, or "
                           "`change-me`): give every device a long random token (e.g. "
                           "`python -c \"import secrets; print(secrets.token_urlsafe())\"`), "
                           "or mark a demo hall with `[hall] demo = true`")
            digest = self.text(table, where, "token_sha256")
            if digest is not None:
                if not _SHA256.fullmatch(digest):
                    self.error(
                        f"{where}.token_sha256",
                        "must be 64 hexadecimal characters (a SHA-256 digest)",
                    )
                    digest = None
                else:
                    digest = digest.lower()
            if "token" not in table and "token_sha256" not in table:
                self.error(where, "needs token or token_sha256 (or both)")
            own = {hashlib.sha256(token.encode()).hexdigest()} if token else set()
            if digest:
                if own and digest not in own:
                    self.error(
                        f"{where}.token_sha256",
                        "is not the SHA-256 of token; give one of them, or make them agree",
                    )
                own.add(digest)
            token_key = f"{where}.token" if token else f"{where}.token_sha256"
            for d in sorted(own):
                if d in digests and digests[d] != where:
                    self.error(
                        token_key,
                        f"same token as {digests[d]}; every device needs its own token",
                    )
                    break
            for d in own:
                digests.setdefault(d, where)
            window = self.device_window(table, where, role)
            if (
                len(self.errors) == before
                and device_id is not None
                and role is not None
                and (token or digest)
            ):
                devices.append(
                    Device(
                        id=device_id,
                        role=role,
                        token=token or "",
                        token_sha256=digest or "",
                        window=window,
                    )
                )
        return devices

    def device_window(self, table: Mapping[str, Any], where: str, role: Role | None) -> int | None:
        key = f"{where}.window"
        if role is not None and role is not Role.CALLER:
            if "window" in table:
                self.error(
                    key, f"only caller devices belong to a window; remove it (role is {role.value})"
                )
            return None
        if role is None:
            return None
        if "window" not in table:
            self.error(key, "is required for a caller: the number of the window it belongs to")
            return None
        number = self.integer(table, where, "window", low=1, high=MAX_WINDOW,
                              hint=" (the number of its window)")
        if number is None:
            return None
        if number not in self._window_numbers:
            known = ", ".join(str(n) for n in sorted(self._window_numbers)) or "none defined"
            self.error(key, f"no window number {number} (windows: {known})")
            return None
        self._callers.add(number)
        return number

    def check_staff(self, data: Mapping[str, Any], zones: set[str]) -> list[Staff]:
        staff: list[Staff] = []
        ids: dict[str, str] = {}
        for index, table in self.table_list(data, "staff"):
            where = _label("staff", index, table.get("id"))
            before = len(self.errors)
            self.known_keys(table, where, _STAFF_KEYS)
            if isinstance(table.get("id"), int):
                self.error(
                    f"{where}.id", 'must be a string; write the staff number in quotes, like "1001"'
                )
                staff_id = None
            else:
                staff_id = self.text(table, where, "id", required=True)
            if staff_id is not None:
                self.claim(ids, staff_id, where, "id", "staff id")
            name = self.text(table, where, "name", required=True)
            zone = self.zone_ref(table, where, zones, required=False)
            if len(self.errors) == before and staff_id and name:
                staff.append(Staff(id=staff_id, name=name, zone=zone))
        return staff

    def check_usage(self, data: Mapping[str, Any]) -> None:
        """Warnings: things allowed but almost certainly unintended."""
        for service, where in self._service_ids.items():
            if service not in self._served and self._window_numbers:
                self.warn(where, "no window serves this service; its tickets would never be called")
        used: set[str] = set()
        for name in ("service", "window", "staff"):
            for _, table in self.table_list_quiet(data, name):
                if isinstance(table.get("zone"), str):
                    used.add(table["zone"])
        for zone, where in self._zone_ids.items():
            if zone not in used:
                self.warn(where, "no service, window or staff belongs to this zone")
        if "device" not in data:
            self.warn("device", "no [[device]] tables: no kiosk, caller or display can connect")
            return
        for number, where in self._window_numbers.items():
            if number not in self._callers:
                self.warn(where, "no caller device belongs to this window")

    @staticmethod
    def table_list_quiet(data: Mapping[str, Any], name: str) -> list[tuple[int, Mapping[str, Any]]]:
        value = data.get(name)
        if not isinstance(value, list):
            return []
        return [(i, t) for i, t in enumerate(value) if isinstance(t, dict)]
