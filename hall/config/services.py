"""The hall config's ``[[zone]]`` and ``[[service]]`` tables, checked (docs/config.md):
ids, names, opening hours, daily and slot caps, service times. Part of the loader
(``hall.config.loader``); zones and services are recorded on the
:class:`~hall.config.checker.Checker` for the tables that refer to them.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping
from typing import Any

from hall.config.checker import ABSENT, Checker, label, merged, parse_range
from hall.config.model import Service, SlotCap, TimeRange, Zone

ZONE_KEYS = ("id", "name", "name_en")
SERVICE_KEYS = (
    "id",
    "name",
    "name_en",
    "zone",
    "daily_cap",
    "hours",
    "slot_caps",
    "typical_minutes",
    "max_minutes",
    "extended_hours",
    "appointment_hours",
    "rest_day_hours",
    "assist",
)

_SERVICE_ID = re.compile(r"[A-Z]{1,2}")


def check_zones(c: Checker, data: Mapping[str, Any]) -> list[Zone]:
    zones: list[Zone] = []
    for index, table in c.table_list(data, "zone"):
        where = label("zone", index, table.get("id"))
        c.known_keys(table, where, ZONE_KEYS)
        zone_id = c.text(table, where, "id", required=True)
        name = c.text(table, where, "name", required=True)
        name_en = c.text(table, where, "name_en") or ""
        if zone_id is not None:
            c.claim(c.zone_ids, zone_id, where, "id", "zone id")
        if zone_id is not None and name is not None:
            zones.append(Zone(id=zone_id, name=name, name_en=name_en))
    return zones



def check_services(c: Checker, data: Mapping[str, Any]) -> list[Service]:
    zones = set(c.zone_ids)
    services: list[Service] = []
    for index, table in c.table_list(data, "service"):
        where = label("service", index, table.get("id"))
        before = len(c.errors)
        c.known_keys(table, where, SERVICE_KEYS)
        service_id = c.text(table, where, "id", required=True)
        if service_id is not None:
            if not _SERVICE_ID.fullmatch(service_id):
                c.error(
                    f"{where}.id",
                    "must be 1-2 uppercase ASCII letters (it is the ticket prefix),"
                    f" not {service_id!r}",
                )
            else:
                c.claim(c.service_ids, service_id, where, "id", "service id",
                        "; the id is the ticket prefix and must be unique")
        name = c.text(table, where, "name", required=True)
        name_en = c.text(table, where, "name_en") or ""
        zone = c.zone_ref(table, where, zones, required=True)
        daily_cap = c.integer(table, where, "daily_cap", low=1)
        hours = _hours(c, table, where)
        extended = _hours(c, table, where, "extended_hours")
        booking = _hours(c, table, where, "appointment_hours")
        rest = _hours(c, table, where, "rest_day_hours")
        _apart(c, where, [("hours", hours), ("extended_hours", extended),
                          ("appointment_hours", booking)])
        slot_caps = _slot_caps(c, table, where, hours)
        minutes = _typical_minutes(c, table, where)
        most = _max_minutes(c, table, where)
        assist = c.flag(table, where, "assist")
        if len(c.errors) == before and service_id and name and zone:
            services.append(
                Service(
                    id=service_id,
                    name=name,
                    zone=zone,
                    name_en=name_en,
                    daily_cap=daily_cap,
                    hours=tuple(sorted(hours)),
                    extended_hours=tuple(sorted(extended)),
                    appointment_hours=tuple(sorted(booking)),
                    rest_day_hours=tuple(sorted(rest)),
                    slot_caps=tuple(sorted(slot_caps, key=lambda s: s.hours)),
                    typical_minutes=minutes,
                    max_minutes=most,
                    assist=assist,
                )
            )
    if not data.get("service"):
        c.error("service", "at least one [[service]] table is required")
    return services


def _ranges(c: Checker, items: list[tuple[str, object]]) -> list[TimeRange]:
    """Parse ``(key, text)`` pairs into ranges; report malformed and overlapping ones."""
    parsed: list[tuple[TimeRange, str]] = []
    for key, text in items:
        if not isinstance(text, str):
            c.wrong_type(key, 'a string "HH:MM-HH:MM"', text)
            continue
        result = parse_range(text)
        if isinstance(result, str):
            c.error(key, result)
        else:
            parsed.append((result, key))
    parsed.sort()
    for (prev, prev_key), (cur, cur_key) in itertools.pairwise(parsed):
        if prev.end > cur.start:
            c.error(cur_key, f"{cur} overlaps {prev} ({prev_key})")
    return [r for r, _ in parsed]


def _apart(c: Checker, where: str, lists: list[tuple[str, list[TimeRange]]]) -> None:
    """Regular, extended and appointment-only hours may touch but not overlap."""
    for (name_a, a), (name_b, b) in itertools.combinations(lists, 2):
        for one in a:
            for other in b:
                if one.start < other.end and other.start < one.end:
                    c.error(f"{where}.{name_b}", f"{other} overlaps {one} ({name_a})")


def _hours(c: Checker, table: Mapping[str, Any], where: str,
           name: str = "hours") -> list[TimeRange]:
    value = table.get(name, ABSENT)
    if value is ABSENT:
        return []
    key = f"{where}.{name}"
    if not isinstance(value, list):
        c.wrong_type(key, 'a list of "HH:MM-HH:MM" strings', value)
        return []
    return _ranges(c, [(f"{key}[{i}]", item) for i, item in enumerate(value)])


def _slot_caps(
    c: Checker, table: Mapping[str, Any], where: str, hours: list[TimeRange]
) -> list[SlotCap]:
    value = table.get("slot_caps", ABSENT)
    if value is ABSENT:
        return []
    key = f"{where}.slot_caps"
    if not isinstance(value, dict):
        c.wrong_type(key, 'a table like { "08:30-10:00" = 40 }', value)
        return []
    caps: list[SlotCap] = []
    keys = {text: f'{key}."{text}"' for text in value}
    for slot in _ranges(c, [(keys[text], text) for text in value]):
        text = next(t for t in value if parse_range(t) == slot)
        cap = value[text]
        if isinstance(cap, bool) or not isinstance(cap, int):
            c.wrong_type(keys[text], "an integer (tickets in this slot)", cap)
            continue
        if cap < 1:
            c.error(keys[text], f"must be at least 1, not {cap}")
            continue
        caps.append(SlotCap(hours=slot, cap=cap))
        inside = any(r.start <= slot.start and slot.end <= r.end for r in merged(hours))
        if hours and not inside:
            shown = ", ".join(str(r) for r in sorted(hours))
            c.warn(
                keys[text],
                f"slot {slot} is not within the service hours ({shown});"
                " no ticket is issued outside them",
            )
    return caps


def _typical_minutes(c: Checker, table: Mapping[str, Any], where: str) -> float:
    return float(_minutes(c, table, where, "typical_minutes", Service.typical_minutes))


def _max_minutes(c: Checker, table: Mapping[str, Any], where: str) -> float | None:
    if "max_minutes" not in table:
        return None
    value = _minutes(c, table, where, "max_minutes", None)
    return None if value is None else float(value)


def _minutes(c: Checker, table: Mapping[str, Any], where: str, name: str, default: Any) -> Any:
    value = table.get(name, ABSENT)
    if value is ABSENT:
        return default
    key = f"{where}.{name}"
    if isinstance(value, bool) or not isinstance(value, int | float):
        c.wrong_type(key, "a number of minutes", value)
        return default
    if not 0 < value < float("inf"):
        c.error(key, f"must be a number of minutes above 0, not {value}")
        return default
    return float(value)
