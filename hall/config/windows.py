"""The hall config's ``[[window]]`` and ``[[staff]]`` tables, checked (docs/config.md):
window numbers and names, the services (in tiers) each window calls, the staff list.
Part of the loader (``hall.config.loader``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from hall.config.checker import ABSENT, MAX_WINDOW, Checker, label
from hall.config.model import Staff, Window

WINDOW_KEYS = ("number", "name", "zone", "services", "assist")
STAFF_KEYS = ("id", "name", "zone")



def check_windows(c: Checker, data: Mapping[str, Any]) -> list[Window]:
    zones = set(c.zone_ids)
    windows: list[Window] = []
    names: dict[str, str] = {}
    if not data.get("window"):
        c.error("window", "at least one [[window]] table is required")
    for index, table in c.table_list(data, "window"):
        number_value = table.get("number")
        name_value = table.get("name")
        if (
            not isinstance(name_value, str)
            and isinstance(number_value, int)
            and not isinstance(number_value, bool)
        ):
            name_value = f"{number_value}号窗口"
        where = label("window", index, name_value)
        before = len(c.errors)
        c.known_keys(table, where, WINDOW_KEYS)
        number = c.integer(table, where, "number", low=1, high=MAX_WINDOW,
                           required=True)
        if number is not None:
            c.claim(c.window_numbers, number, where, "number", "window number")
        name = c.text(table, where, "name")
        if name is None and number is not None and "name" not in table:
            name = f"{number}号窗口"
        if name is not None:
            if name in names:
                also = names[name]
                c.warn(f"{where}.name", f"same name as {also}; calls will sound alike")
            names.setdefault(name, where)
        zone = c.zone_ref(table, where, zones, required=False)
        tiers = _tiers(c, table, where)
        assist = c.flag(table, where, "assist")
        if len(c.errors) == before and number is not None and name is not None:
            windows.append(Window(number=number, name=name, tiers=tiers, zone=zone,
                                  assist=assist))
    return windows


def _tiers(c: Checker, table: Mapping[str, Any], where: str) -> tuple[tuple[str, ...], ...]:
    value = table.get("services", ABSENT)
    key = f"{where}.services"
    if value is ABSENT:
        c.error(key, 'is required: the services this window calls, like ["A", ["B", "C"]]')
        return ()
    if not isinstance(value, list):
        c.wrong_type(key, 'a list of service ids like ["A", ["B", "C"]]', value)
        return ()
    if not value:
        c.error(key, "must list at least one service")
        return ()
    tiers: list[tuple[str, ...]] = []
    seen: dict[str, str] = {}
    for i, item in enumerate(value):
        members: list[tuple[str, object]]
        if isinstance(item, list):
            if not item:
                c.error(f"{key}[{i}]", "is an empty tier; list at least one service id")
                continue
            members = [(f"{key}[{i}][{j}]", sub) for j, sub in enumerate(item)]
        else:
            members = [(f"{key}[{i}]", item)]
        tier: list[str] = []
        for member_key, service in members:
            if not isinstance(service, str):
                c.wrong_type(member_key, "a service id or a list of service ids", service)
                continue
            if service not in c.service_ids:
                known = ", ".join(sorted(c.service_ids)) or "none defined"
                c.error(member_key, f"unknown service {service!r} (services: {known})")
                continue
            if service in seen:
                also = seen[service]
                c.error(member_key, f"service {service!r} is already listed at {also}")
                continue
            seen[service] = member_key
            c.served.add(service)
            tier.append(service)
        if tier:
            tiers.append(tuple(tier))
    return tuple(tiers)



def check_staff(c: Checker, data: Mapping[str, Any]) -> list[Staff]:
    zones = set(c.zone_ids)
    staff: list[Staff] = []
    ids: dict[str, str] = {}
    for index, table in c.table_list(data, "staff"):
        where = label("staff", index, table.get("id"))
        before = len(c.errors)
        c.known_keys(table, where, STAFF_KEYS)
        if isinstance(table.get("id"), int):
            c.error(
                f"{where}.id", 'must be a string; write the staff number in quotes, like "1001"'
            )
            staff_id = None
        else:
            staff_id = c.text(table, where, "id", required=True)
        if staff_id is not None:
            c.claim(ids, staff_id, where, "id", "staff id")
        name = c.text(table, where, "name", required=True)
        zone = c.zone_ref(table, where, zones, required=False)
        if len(c.errors) == before and staff_id and name:
            staff.append(Staff(id=staff_id, name=name, zone=zone))
    return staff
