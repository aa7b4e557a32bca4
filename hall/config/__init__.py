"""The hall configuration: the dataclasses (``model``) and the TOML loader (``loader``,
which checks each table with its own module, listed in ``sections``).

Import from here: ``from hall.config import HallConfig, load_config``.
"""

from __future__ import annotations

from hall.config.connections import ConnectionLimits
from hall.config.county import CountyLink
from hall.config.loader import (
    FILE_KEY,
    ConfigError,
    ConfigProblem,
    check_config,
    load_config,
    parse_config,
)
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
from hall.config.phone import PhoneSettings
from hall.config.supervision import AlertRules, FollowUp, Limits
from hall.config.voice import Speaker, VoiceSettings

__all__ = [
    "FILE_KEY",
    "AlertRules",
    "ConfigError",
    "ConfigProblem",
    "ConnectionLimits",
    "CountyLink",
    "Device",
    "DisplaySettings",
    "FollowUp",
    "HallConfig",
    "HallInfo",
    "Limits",
    "PhoneSettings",
    "Policy",
    "Role",
    "Service",
    "SlotCap",
    "Speaker",
    "Staff",
    "TimeRange",
    "VoiceSettings",
    "Window",
    "Zone",
    "check_config",
    "load_config",
    "parse_config",
]
