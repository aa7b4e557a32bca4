"""Loading and validating the hall configuration TOML: the entry points.

The file is read once (``hall.tomlfile``), then each table is checked by its own module
in the order of ``hall.config.sections.SECTIONS``; every mistake (not just the first)
is collected and names the file and the key (docs/config.md).

Nothing is read at import time.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from hall.config.checker import Checker
from hall.config.model import HallConfig
from hall.config.sections import SECTIONS
from hall.tomlfile import FILE_KEY, ConfigError, ConfigProblem, parse_toml, read_text

__all__ = ["FILE_KEY", "TOP_KEYS", "ConfigError", "ConfigProblem", "check_config",
           "load_config", "parse_config"]

logger = logging.getLogger(__name__)

#: The tables a hall config may have.
TOP_KEYS = tuple(section.table for section in SECTIONS)


def load_config(path: str | Path) -> HallConfig:
    """Read and validate a hall config file; warnings are logged.

    Raises:
        ConfigError: the file is missing, unreadable, not TOML, or has any mistake
            (all of them are listed).
    """
    path = Path(path)
    return parse_config(read_text(path), path)


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
        text = read_text(path)
    except ConfigError as exc:
        return exc.problems, []
    _, errors, warnings = _check_text(text, path)
    return errors, warnings


def _check_text(
    text: str, source: Path | str
) -> tuple[HallConfig | None, list[ConfigProblem], list[ConfigProblem]]:
    try:
        data = parse_toml(text, source)
    except ConfigError as exc:
        return None, exc.problems, []
    checker = Checker(str(source))
    config = _check(checker, data, None if source == "<string>" else Path(source))
    return config, checker.errors, checker.warnings


def _check(c: Checker, data: Mapping[str, Any], source: Path | None) -> HallConfig | None:
    c.known_keys(data, "", TOP_KEYS)
    values: dict[str, Any] = {}
    for section in SECTIONS:
        value = section.check(c, data)
        values[section.field] = tuple(value) if isinstance(value, list) else value
    _check_usage(c, data)
    if c.errors or any(value is None for value in values.values()):
        return None
    return HallConfig(**values, source=source)


def _check_usage(c: Checker, data: Mapping[str, Any]) -> None:
    """Warnings: things allowed but almost certainly unintended."""
    for service, where in c.service_ids.items():
        if service not in c.served and c.window_numbers:
            c.warn(where, "no window serves this service; its tickets would never be called")
    used: set[str] = set()
    for name in ("service", "window", "staff"):
        for _, table in _table_list_quiet(data, name):
            if isinstance(table.get("zone"), str):
                used.add(table["zone"])
    for zone, where in c.zone_ids.items():
        if zone not in used:
            c.warn(where, "no service, window or staff belongs to this zone")
    if "device" not in data:
        c.warn("device", "no [[device]] tables: no kiosk, caller or display can connect")
        return
    for number, where in c.window_numbers.items():
        if number not in c.callers:
            c.warn(where, "no caller device belongs to this window")


def _table_list_quiet(data: Mapping[str, Any], name: str) -> list[tuple[int, Mapping[str, Any]]]:
    value = data.get(name)
    if not isinstance(value, list):
        return []
    return [(i, t) for i, t in enumerate(value) if isinstance(t, dict)]
