"""The station file: what one app on one PC needs to know (TOML; see docs/qtkit.md).

It names the hub, the device id, the token (in the file or in ``JIAOHAO_TOKEN``,
never on the command line, where ``ps`` would show it), the ticket printer and the
serial devices. Every mistake is a :class:`StationError` naming the file and the key.
Nothing is read at import time.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from hall.profiles import list_profiles
from hall.tomlfile import ConfigError, read_toml, readable_by_others

log = logging.getLogger(__name__)

#: Environment variable that carries the token when the station file does not.
TOKEN_ENV = "JIAOHAO_TOKEN"

#: Serial device kinds and the hardware_profiles folder of each.
SERIAL_KINDS = {"pad": "pads", "keypad": "keypads", "ledbar": "ledbars"}

_TOP_KEYS = {"station", "printer", "serial", "app"}
_STATION_KEYS = {"hub", "device", "token"}
_PRINTER_KEYS = {"profile", "connection"}
_SERIAL_KEYS = {"kind", "port", "profile", "address", "window"}


class StationError(ConfigError):
    """The station file is missing, not TOML, or wrong; names the file and the key."""


@dataclass(frozen=True)
class PrinterSpec:
    """The ticket printer: a ``hardware_profiles/printers`` id and a connection string
    (``tcp:HOST:9100``, ``usb:VID:PID``, ``serial:/dev/ttyUSB0``, ``file:…``, ``dummy:``)."""

    profile: str
    connection: str


@dataclass(frozen=True)
class SerialSpec:
    """One serial device: its kind, port, profile id, and optionally its bus address
    and the window it belongs to."""

    kind: str  # pad | keypad | ledbar
    port: str
    profile: str
    address: int | None = None
    window: int | None = None


@dataclass(frozen=True)
class Station:
    """A parsed station file. ``app`` is the ``[app]`` table, left to the app to read."""

    hub: str
    device: str
    token: str
    printer: PrinterSpec | None = None
    serial: tuple[SerialSpec, ...] = ()
    app: Mapping[str, Any] = field(default_factory=dict)
    file: Path | None = None

    def with_overrides(self, hub: str | None = None, device: str | None = None) -> Station:
        """The station with ``--hub``/``--device`` from the command line applied."""
        return replace(self, hub=hub or self.hub, device=device or self.device)

    def __repr__(self) -> str:  # never print the token
        return f"Station(hub={self.hub!r}, device={self.device!r}, file={self.file!s})"


class _Reader:
    def __init__(self, file: Path, data: Mapping[str, Any], prefix: str = "") -> None:
        self.file, self.data, self.prefix = file, data, prefix

    def error(self, key: str, message: str) -> StationError:
        return StationError(self.file, f"{self.prefix}{key}", message)

    def only(self, allowed: set[str]) -> None:
        for key in self.data:
            if key not in allowed:
                raise self.error(key, f"unknown key (known: {', '.join(sorted(allowed))})")

    def text(self, key: str, default: str | None = None) -> str:
        value = self.data.get(key, default)
        if value is None:
            raise self.error(key, "is required")
        if not isinstance(value, str) or not value.strip():
            raise self.error(key, "must be a non-empty string")
        return value.strip()

    def number(self, key: str) -> int | None:
        value = self.data.get(key)
        if value is None:
            return None
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise self.error(key, "must be a whole number ≥ 0")
        return value

    def table(self, key: str) -> _Reader | None:
        value = self.data.get(key)
        if value is None:
            return None
        if not isinstance(value, dict):
            raise self.error(key, "must be a table")
        return _Reader(self.file, value, f"{self.prefix}{key}.")


def load_station(
    path: Path | str,
    environ: Mapping[str, str] | None = None,
    profiles_root: Path | None = None,
) -> Station:
    """Read and check a station file.

    The token comes from ``station.token`` or, when the file has none, from the
    ``JIAOHAO_TOKEN`` environment variable.

    Raises:
        StationError: the file is missing or unreadable, not TOML, a key is missing,
            unknown or of the wrong type, or a profile id does not exist.
    """
    file = Path(path)
    data = read_toml(file, StationError)
    env = os.environ if environ is None else environ
    top = _Reader(file, data)
    top.only(_TOP_KEYS)
    section = top.table("station")
    if section is None:
        raise top.error("station", "is required (hub, device, token)")
    section.only(_STATION_KEYS)
    hub = section.text("hub")
    if not hub.startswith(("ws://", "wss://")):
        raise section.error("hub", f"must be a ws:// or wss:// address, not {hub!r}")
    device = section.text("device")
    if "token" in section.data:
        token = section.text("token")
        too_open = readable_by_others(file)
        if too_open is not None:
            log.warning("%s", too_open)
    elif env.get(TOKEN_ENV, "").strip():
        token = env[TOKEN_ENV].strip()
    else:
        raise section.error("token", f"is required here or in the {TOKEN_ENV} environment variable")
    app = data.get("app", {})
    if not isinstance(app, dict):
        raise top.error("app", "must be a table")
    return Station(
        hub=hub, device=device, token=token,
        printer=_printer(top.table("printer"), profiles_root),
        serial=_serial(top, profiles_root), app=app, file=file,
    )


def _profile(reader: _Reader, folder: str, root: Path | None) -> str:
    profile = reader.text("profile")
    known = list_profiles(folder, root)
    if profile not in known:
        raise reader.error("profile", f"no {folder} profile {profile!r} "
                                      f"(known: {', '.join(known) or 'none'})")
    return profile


def _printer(reader: _Reader | None, root: Path | None) -> PrinterSpec | None:
    if reader is None:
        return None
    from printer.transport import ConnectionStringError, parse_connection

    reader.only(_PRINTER_KEYS)
    connection = reader.text("connection")
    try:
        parse_connection(connection)
    except ConnectionStringError as exc:
        raise reader.error("connection", str(exc)) from exc
    return PrinterSpec(profile=_profile(reader, "printers", root), connection=connection)


def _serial(top: _Reader, root: Path | None) -> tuple[SerialSpec, ...]:
    entries = top.data.get("serial", [])
    if not isinstance(entries, list):
        raise top.error("serial", "must be an array of tables ([[serial]])")
    out: list[SerialSpec] = []
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict):
            raise top.error(f"serial[{index}]", "must be a table")
        reader = _Reader(top.file, entry, f"serial[{index}].")
        reader.only(_SERIAL_KEYS)
        kind = reader.text("kind")
        if kind not in SERIAL_KINDS:
            raise reader.error("kind", f"must be one of {', '.join(SERIAL_KINDS)}, not {kind!r}")
        out.append(SerialSpec(
            kind=kind, port=reader.text("port"),
            profile=_profile(reader, SERIAL_KINDS[kind], root),
            address=reader.number("address"), window=reader.number("window"),
        ))
    return tuple(out)
