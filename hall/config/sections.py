"""The tables of a hall config, in the order they are checked (a table may refer only
to tables checked before it: services to zones, callers to windows).

Adding a table is a small change in its own file: write ``hall/config/<table>.py`` with
its settings dataclass, its allowed keys and ``check_<table>(checker, data)`` (returns
the settings, the defaults when the table is absent, None after errors reported through
the checker); give :class:`~hall.config.model.HallConfig` a field for it with a default;
add one :class:`Section` line below; document its keys in docs/config.md (a test checks
that every key here is documented).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from hall.config.basics import (
    DISPLAY_KEYS,
    HALL_KEYS,
    QUEUE_KEYS,
    check_display,
    check_hall,
    check_queue,
)
from hall.config.checker import Checker
from hall.config.connections import CONNECTION_KEYS, check_connections
from hall.config.county import COUNTY_KEYS, check_county
from hall.config.devices import DEVICE_KEYS, check_devices
from hall.config.phone import PHONE_KEYS, check_phone
from hall.config.province import PROVINCE_KEYS, check_province
from hall.config.services import SERVICE_KEYS, ZONE_KEYS, check_services, check_zones
from hall.config.supervision import (
    ALERT_KEYS,
    FOLLOWUP_KEYS,
    AlertRules,
    check_alerts,
    check_followup,
)
from hall.config.voice import VOICE_KEYS, VoiceSettings, check_voice
from hall.config.windows import STAFF_KEYS, WINDOW_KEYS, check_staff, check_windows


@dataclass(frozen=True)
class Section:
    """One table of the hall config."""

    #: Its name in the TOML file (``[name]`` or ``[[name]]``).
    table: str
    #: The :class:`~hall.config.model.HallConfig` field it fills.
    field: str
    #: The keys it allows (an unknown key is an error naming the closest of these).
    keys: tuple[str, ...]
    #: Checks it: the settings, or None after errors (a list becomes a tuple).
    check: Callable[[Checker, Mapping[str, Any]], Any]


def _voice(c: Checker, data: Mapping[str, Any]) -> VoiceSettings | None:
    return check_voice(c, data, set(c.zone_ids))


def _alerts(c: Checker, data: Mapping[str, Any]) -> AlertRules | None:
    return check_alerts(c, data, set(c.zone_ids), set(c.service_ids))


SECTIONS: tuple[Section, ...] = (
    Section("hall", "hall", HALL_KEYS, check_hall),
    Section("queue", "policy", QUEUE_KEYS, check_queue),
    Section("zone", "zones", ZONE_KEYS, check_zones),
    Section("service", "services", SERVICE_KEYS, check_services),
    Section("window", "windows", WINDOW_KEYS, check_windows),
    Section("device", "devices", DEVICE_KEYS, check_devices),
    Section("staff", "staff", STAFF_KEYS, check_staff),
    Section("display", "display", DISPLAY_KEYS, check_display),
    Section("voice", "voice", VOICE_KEYS, _voice),
    Section("alerts", "alerts", ALERT_KEYS, _alerts),
    Section("followup", "followup", FOLLOWUP_KEYS, check_followup),
    Section("connections", "connections", CONNECTION_KEYS, check_connections),
    Section("county", "county", COUNTY_KEYS, check_county),
    Section("phone", "phone", PHONE_KEYS, check_phone),
    Section("province", "province", PROVINCE_KEYS, check_province),
)
