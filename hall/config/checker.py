"""The hall config loader's walker: collects every error and warning (not just the
first) so an installer fixes the whole file in one pass, with the typed getters each
section's check uses and what later tables refer to (zone ids, service ids, window
numbers).

Every problem names the file and a key a person can find: ``service[3] (B).hours[1]``
is the second entry of ``hours`` in the fourth ``[[service]]`` table (counting from 0),
whose id is B.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from datetime import time
from typing import Any

from hall.config.model import TimeRange
from hall.tomlfile import ConfigProblem

#: A key not given (``table.get(key, ABSENT)``), as opposed to one given as anything.
ABSENT: Any = object()
#: The highest window number (ticket screens and callers show at most four digits).
MAX_WINDOW = 9999

_HHMM = re.compile(r"(\d{1,2}):(\d{2})")


def join(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key


def label(kind: str, index: int, name: object) -> str:
    if isinstance(name, str) and name:
        return f"{kind}[{index}] ({name})"
    return f"{kind}[{index}]"


def type_name(value: object) -> str:
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


def parse_hhmm(text: str) -> time | None:
    match = _HHMM.fullmatch(text.strip())
    if not match:
        return None
    hour, minute = int(match[1]), int(match[2])
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


def parse_range(text: str) -> TimeRange | str:
    """A ``TimeRange`` from ``"HH:MM-HH:MM"``, or what is wrong with the text."""
    parts = text.split("-")
    start = parse_hhmm(parts[0]) if len(parts) == 2 else None
    end = parse_hhmm(parts[1]) if len(parts) == 2 else None
    if start is None or end is None:
        return f'must be "HH:MM-HH:MM" like "08:30-12:00", not {text!r}'
    if start >= end:
        return f"{text!r} ends before it starts; the end must be later than the start"
    return TimeRange(start, end)


def merged(ranges: list[TimeRange]) -> list[TimeRange]:
    """Touching ranges joined, so a slot across "08:00-10:00" + "10:00-12:00" fits."""
    out: list[TimeRange] = []
    for r in sorted(ranges):
        if out and out[-1].end >= r.start:
            out[-1] = TimeRange(out[-1].start, max(out[-1].end, r.end))
        else:
            out.append(r)
    return out


class Checker:
    """Walks the parsed TOML once, collecting errors and warnings."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.errors: list[ConfigProblem] = []
        self.warnings: list[ConfigProblem] = []
        # What later tables refer to: id/number -> the key of the table defining it.
        self.zone_ids: dict[str, str] = {}
        self.service_ids: dict[str, str] = {}
        self.window_numbers: dict[int, str] = {}
        self.served: set[str] = set()  # services some window calls
        self.callers: set[int] = set()  # windows some caller device belongs to
        self.demo = False  # an example hall: placeholder tokens are expected

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
            self.error(join(where, key), f"unknown key{hint}; allowed: {', '.join(allowed)}")

    def wrong_type(self, key: str, expected: str, value: object) -> None:
        self.error(key, f"must be {expected}, not {type_name(value)}")

    def text(
        self, table: Mapping[str, Any], where: str, key: str, *, required: bool = False
    ) -> str | None:
        """A string; None when absent (after an error if required) or wrong."""
        value = table.get(key, ABSENT)
        if value is ABSENT:
            if required:
                self.error(join(where, key), "is required")
            return None
        if not isinstance(value, str):
            self.wrong_type(join(where, key), "a string", value)
            return None
        if required and not value.strip():
            self.error(join(where, key), "must not be empty")
            return None
        return value

    def flag(self, table: Mapping[str, Any], where: str, key: str, default: bool = False) -> bool:
        """A true/false key (``default`` when absent or mistyped, the mistake reported)."""
        value = table.get(key, default)
        if not isinstance(value, bool):
            self.wrong_type(join(where, key), "true or false", value)
            return default
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
        value = table.get(key, ABSENT)
        if value is ABSENT:
            if required:
                self.error(join(where, key), "is required")
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.wrong_type(join(where, key), "an integer" + hint, value)
            return None
        if value < low:
            self.error(join(where, key), f"must be at least {low}, not {value}")
            return None
        if value > high:
            self.error(join(where, key), f"must be at most {high}, not {value}")
            return None
        return value

    def table_list(self, data: Mapping[str, Any], name: str) -> list[tuple[int, Mapping[str, Any]]]:
        """The ``[[name]]`` tables, each with its index; wrong shapes are reported."""
        value = data.get(name, ABSENT)
        if value is ABSENT:
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

    def zone_ref(
        self, table: Mapping[str, Any], where: str, zones: set[str], *, required: bool
    ) -> str | None:
        zone = self.text(table, where, "zone", required=required)
        if zone is not None and zone not in zones:
            known = ", ".join(sorted(zones)) or "none defined"
            self.error(f"{where}.zone", f"unknown zone {zone!r} (zones: {known})")
        return zone

