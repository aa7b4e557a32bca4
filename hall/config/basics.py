"""The hall config's ``[hall]``, ``[queue]`` and ``[display]`` tables, checked
(docs/config.md). Part of the loader (``hall.config.loader``): each function reports
every mistake through the :class:`~hall.config.checker.Checker` and returns the
settings, or None after errors.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import time
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from hall.config.checker import ABSENT, Checker, join, parse_hhmm
from hall.config.model import DisplaySettings, HallInfo, Policy

HALL_KEYS = ("name", "name_en", "timezone", "day_starts", "public_url", "demo")
QUEUE_KEYS = (
    "recall_limit",
    "priority_ratio",
    "estimate_sample",
    "require_sign_in",
    "booking_memory_days",
    "rating_points",
)
DISPLAY_KEYS = ("notice", "blink_s", "highlight_s")
#: Longest wall notice (characters): it scrolls, but a screenful of prose helps nobody.
NOTICE_MAX = 500

_RATIO = re.compile(r"\s*(\d+)\s*:\s*(\d+)\s*")


def check_hall(c: Checker, data: Mapping[str, Any]) -> HallInfo | None:
    value = data.get("hall", ABSENT)
    if value is ABSENT:
        c.error("hall", "the [hall] table is required (at least its name)")
        return None
    if not isinstance(value, dict):
        c.wrong_type("hall", "a [hall] table", value)
        return None
    where = "hall"
    c.known_keys(value, where, HALL_KEYS)
    demo = value.get("demo", False)
    if not isinstance(demo, bool):
        c.wrong_type("hall.demo", "true or false", demo)
    c.demo = demo is True  # an example hall: placeholder tokens are expected
    name = c.text(value, where, "name", required=True)
    name_en = c.text(value, where, "name_en") or ""
    timezone = c.text(value, where, "timezone")
    if timezone is None:
        timezone = HallInfo.timezone if "timezone" not in value else None
    elif not _zone_exists(timezone):
        c.error(
            "hall.timezone",
            f"unknown time zone {timezone!r}; use an IANA name like 'Asia/Shanghai'",
        )
        timezone = None
    day_starts = _day_starts(c, value)
    public_url = _public_url(c, value)
    if name is None or timezone is None or day_starts is None:
        return None
    return HallInfo(name=name, timezone=timezone, day_starts=day_starts, name_en=name_en,
                    public_url=public_url)


def _public_url(c: Checker, hall: Mapping[str, Any]) -> str:
    """``[hall] public_url``: where citizens' phones reach the hub's public pages."""
    url = c.text(hall, "hall", "public_url") or ""
    if not url:
        c.warn("hall.public_url", "not set: tickets' QR codes cannot be opened on a phone")
        return ""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or (
        parts.query or parts.fragment or len(url) > 200
    ):
        c.error("hall.public_url",
                f"must be an http:// or https:// address like "
                f"'http://192.168.1.10:8765' (no query), not {url!r}")
        return ""
    return url.rstrip("/")


def _zone_exists(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return False
    return True


def _day_starts(c: Checker, hall: Mapping[str, Any]) -> time | None:
    value = hall.get("day_starts", ABSENT)
    if value is ABSENT:
        return HallInfo.day_starts
    if isinstance(value, time):  # a TOML local time: day_starts = 06:00:00
        return value.replace(second=0, microsecond=0)
    if isinstance(value, str):
        parsed = parse_hhmm(value)
        if parsed is not None:
            return parsed
        c.error("hall.day_starts", f'must be "HH:MM" like "06:00", not {value!r}')
        return None
    c.wrong_type("hall.day_starts", 'a string "HH:MM"', value)
    return None



def check_queue(c: Checker, data: Mapping[str, Any]) -> Policy | None:
    value = data.get("queue", ABSENT)
    if value is ABSENT:
        return Policy()
    if not isinstance(value, dict):
        c.wrong_type("queue", "a [queue] table", value)
        return None
    before = len(c.errors)
    where = "queue"
    c.known_keys(value, where, QUEUE_KEYS)
    default = Policy()
    recall_limit = c.integer(value, where, "recall_limit", low=0, high=100)
    estimate_sample = c.integer(value, where, "estimate_sample", low=1)
    memory = c.integer(value, where, "booking_memory_days", low=1, high=3660)
    require = value.get("require_sign_in", default.require_sign_in)
    if not isinstance(require, bool):
        c.wrong_type("queue.require_sign_in", "true or false", require)
        require = default.require_sign_in
    ratio = _priority_ratio(c, value)
    points = _rating_points(c, value)
    if len(c.errors) > before:
        return None
    return Policy(
        recall_limit=default.recall_limit if recall_limit is None else recall_limit,
        priority_ratio=ratio or default.priority_ratio,
        estimate_sample=estimate_sample or default.estimate_sample,
        require_sign_in=require,
        booking_memory_days=memory or default.booking_memory_days,
        rating_points=points or default.rating_points,
    )


def check_display(c: Checker, data: Mapping[str, Any]) -> DisplaySettings | None:
    value = data.get("display", ABSENT)
    if value is ABSENT:
        return DisplaySettings()
    if not isinstance(value, dict):
        c.wrong_type("display", "a [display] table", value)
        return None
    before = len(c.errors)
    where = "display"
    c.known_keys(value, where, DISPLAY_KEYS)
    default = DisplaySettings()
    notice = c.text(value, where, "notice") or ""
    if len(notice) > NOTICE_MAX:
        c.error("display.notice", f"is {len(notice)} characters; at most {NOTICE_MAX}")
    blink = _seconds(c, value, where, "blink_s", default.blink_s)
    highlight = _seconds(c, value, where, "highlight_s", default.highlight_s)
    if blink is not None and highlight is not None and highlight < blink:
        c.error("display.highlight_s", f"must be at least blink_s ({blink})")
    if len(c.errors) > before or blink is None or highlight is None:
        return None
    return DisplaySettings(notice=notice.strip(), blink_s=blink, highlight_s=highlight)


def _seconds(
    c: Checker, table: Mapping[str, Any], where: str, key: str, default: float
) -> float | None:
    """A number of seconds, 0 to 600."""
    value = table.get(key, ABSENT)
    if value is ABSENT:
        return default
    if isinstance(value, bool) or not isinstance(value, int | float):
        c.wrong_type(join(where, key), "a number of seconds", value)
        return None
    if not 0 <= value <= 600:
        c.error(join(where, key), f"must be 0 to 600 seconds, not {value}")
        return None
    return float(value)


def _priority_ratio(c: Checker, queue: Mapping[str, Any]) -> tuple[int, int] | None:
    value = queue.get("priority_ratio", ABSENT)
    if value is ABSENT:
        return None
    if not isinstance(value, str):
        c.wrong_type("queue.priority_ratio", 'a string "P:N" like "2:1"', value)
        return None
    match = _RATIO.fullmatch(value)
    if not match or not 1 <= int(match[1]) <= 100 or not 1 <= int(match[2]) <= 100:
        c.error(
            "queue.priority_ratio",
            f'must be "P:N" with both numbers from 1 to 100, like "2:1", not {value!r}',
        )
        return None
    return int(match[1]), int(match[2])


def _rating_points(c: Checker, queue: Mapping[str, Any]) -> tuple[int, int, int, int, int] | None:
    value = queue.get("rating_points", ABSENT)
    if value is ABSENT:
        return None
    if (
        not isinstance(value, list)
        or len(value) != 5
        or not all(isinstance(p, int) and not isinstance(p, bool) and -1000 <= p <= 1000
                   for p in value)
    ):
        c.error(
            "queue.rating_points",
            "must be a list of 5 integers from -1000 to 1000, the points for scores "
            "5..1, like [10, 8, 6, 3, 0]",
        )
        return None
    return value[0], value[1], value[2], value[3], value[4]

# -- zones, services, windows, devices, staff -------------------------------------
