"""Hardware profiles: one TOML file per device model, with ``inherits`` for variants.

``hardware_profiles/<kind>/<id>.toml`` — the file name is the profile id. A profile
may say ``inherits = "other-id"`` (same kind); its keys override the parent's, tables
merge key by key. Each device package turns the merged table into its own frozen
dataclass through a :class:`ProfileReader`, whose errors name the file and the key
that are wrong.

Nothing is read at import time.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from hall.tomlfile import ConfigError, read_toml

T = TypeVar("T")

#: Environment variable naming another profile root (installers' own models).
ROOT_ENV = "JIAOHAO_PROFILES"

_MISSING: Any = object()


class ProfileError(ConfigError):
    """A hardware profile is missing, unreadable or wrong; names the file and key."""


def default_root() -> Path:
    """The profile root: ``$JIAOHAO_PROFILES``, else a checkout's ``hardware_profiles/``,
    else the copy an installed wheel carries (``jiaohao/hardware_profiles``)."""
    env = os.environ.get(ROOT_ENV)
    if env:
        return Path(env)
    top = Path(__file__).resolve().parent.parent
    checkout = top / "hardware_profiles"
    return checkout if checkout.is_dir() else top / "jiaohao" / "hardware_profiles"


def list_profiles(kind: str, root: Path | None = None) -> list[str]:
    """Ids of every profile of one kind (``printers``, ``pads``, ``keypads``, ``ledbars``)."""
    folder = (root or default_root()) / kind
    return sorted(p.stem for p in folder.glob("*.toml"))


@dataclass(frozen=True)
class RawProfile:
    """A profile's merged table, with the file each key came from."""

    kind: str
    id: str
    data: Mapping[str, Any]
    origins: Mapping[str, Path]  # dotted key -> file that set it
    chain: tuple[Path, ...]  # the profile's own file first, then its ancestors
    file: Path = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "file", self.chain[0])

    def reader(self) -> ProfileReader:
        return ProfileReader(self.data, self.origins, self.file)


def load_raw(kind: str, profile_id: str, root: Path | None = None) -> RawProfile:
    """Read a profile and everything it inherits from.

    Raises:
        ProfileError: the file is missing or not TOML, ``inherits`` names a missing
            profile or forms a cycle.
    """
    base = (root or default_root()) / kind
    chain: list[Path] = []
    tables: list[dict[str, Any]] = []
    current: str | None = profile_id
    referrer: Path | None = None
    while current is not None:
        path = base / f"{current}.toml"
        if path in chain:
            names = " -> ".join(p.stem for p in [*chain, path])
            raise ProfileError(chain[-1], "inherits", f"inheritance cycle: {names}")
        if not path.is_file():
            if referrer is None:
                known = ", ".join(list_profiles(kind, root)) or "none"
                raise ProfileError(path, None, f"no {kind} profile {current!r} (known: {known})")
            raise ProfileError(referrer, "inherits", f"names missing profile {current!r}")
        table = read_toml(path, ProfileError)
        parent = table.pop("inherits", None)
        if parent is not None and not isinstance(parent, str):
            raise ProfileError(path, "inherits", "must be a profile id string")
        chain.append(path)
        tables.append(table)
        referrer = path
        current = parent

    merged: dict[str, Any] = {}
    origins: dict[str, Path] = {}
    for path, table in reversed(list(zip(chain, tables, strict=True))):
        _merge(merged, table, origins, path, prefix="")
    return RawProfile(kind=kind, id=profile_id, data=merged, origins=origins, chain=tuple(chain))


def _merge(
    into: dict[str, Any],
    table: Mapping[str, Any],
    origins: dict[str, Path],
    path: Path,
    prefix: str,
) -> None:
    for key, value in table.items():
        dotted = f"{prefix}{key}"
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            _merge(into[key], value, origins, path, prefix=f"{dotted}.")
        else:
            into[key] = _copy(value)
            _note_origins(value, origins, path, dotted)


def _copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    return value


def _note_origins(value: Any, origins: dict[str, Path], path: Path, dotted: str) -> None:
    origins[dotted] = path
    if isinstance(value, dict):
        for key, sub in value.items():
            _note_origins(sub, origins, path, f"{dotted}.{key}")


class ProfileReader:
    """Typed access to a merged profile table; every error names file and key."""

    def __init__(
        self, data: Mapping[str, Any], origins: Mapping[str, Path], file: Path, prefix: str = ""
    ) -> None:
        self._data = data
        self._origins = origins
        self._file = file
        self._prefix = prefix

    def _where(self, key: str) -> tuple[Path, str]:
        dotted = f"{self._prefix}{key}"
        return self._origins.get(dotted, self._file), dotted

    def error(self, key: str, message: str) -> ProfileError:
        """A :class:`ProfileError` for ``key`` in the file that set it."""
        file, dotted = self._where(key)
        return ProfileError(file, dotted, message)

    def has(self, key: str) -> bool:
        return key in self._data

    def get(self, key: str, kind: type[T], default: Any = _MISSING) -> T:
        """The value of ``key``, checked to be of ``kind``.

        Raises:
            ProfileError: the key is missing (and no default was given) or of another type.
        """
        if key not in self._data:
            if default is _MISSING:
                raise self.error(key, "is required")
            return default  # type: ignore[no-any-return]
        value = self._data[key]
        ok = isinstance(value, kind) and not (kind is int and isinstance(value, bool))
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            value, ok = float(value), True
        if not ok:
            raise self.error(key, f"must be {_type_name(kind)}, not {_type_name(type(value))}")
        return value  # type: ignore[no-any-return]

    def choice(self, key: str, options: tuple[str, ...], default: Any = _MISSING) -> str:
        """A string that must be one of ``options``."""
        value = self.get(key, str, default)
        if value not in options:
            raise self.error(key, f"must be one of {', '.join(options)}, not {value!r}")
        return value

    def int_range(self, key: str, low: int, high: int, default: Any = _MISSING) -> int:
        """An integer within ``low..high`` inclusive."""
        value = self.get(key, int, default)
        if not low <= value <= high:
            raise self.error(key, f"must be between {low} and {high}, not {value}")
        return value

    def hex_bytes(self, key: str, default: Any = _MISSING) -> bytes:
        """Bytes written as a hex string (``"FF 68"``) or a list of integers 0–255."""
        if key not in self._data and default is not _MISSING:
            return default  # type: ignore[no-any-return]
        value = self.get(key, object)
        if isinstance(value, str):
            try:
                return bytes.fromhex(value)
            except ValueError as exc:
                raise self.error(key, f"not a hex byte string: {value!r}") from exc
        if isinstance(value, list) and all(
            isinstance(b, int) and not isinstance(b, bool) and 0 <= b <= 255 for b in value
        ):
            return bytes(value)
        raise self.error(key, "must be a hex string like \"FF 68\" or a list of bytes 0-255")

    def table(self, key: str, default: Any = _MISSING) -> ProfileReader:
        """A reader over a sub-table."""
        if key not in self._data and default is not _MISSING:
            return ProfileReader(default, self._origins, self._file, f"{self._prefix}{key}.")
        value = self.get(key, dict)
        return ProfileReader(value, self._origins, self._file, f"{self._prefix}{key}.")

    def mapping(self, key: str, convert: Callable[[str, Any], T]) -> dict[str, T]:
        """A sub-table converted entry by entry; ``convert`` raises ValueError on bad input."""
        sub = self.get(key, dict)
        out: dict[str, T] = {}
        for name, value in sub.items():
            try:
                out[name] = convert(name, value)
            except ValueError as exc:
                raise self.error(f"{key}.{name}", str(exc)) from exc
        return out

    def keys(self) -> list[str]:
        return list(self._data)

    def reject_unknown(self, allowed: set[str]) -> None:
        """Fail on a key this kind of profile does not define (catches typos)."""
        for key in self._data:
            if key not in allowed:
                raise self.error(key, f"unknown key (known: {', '.join(sorted(allowed))})")


def _type_name(kind: type) -> str:
    return {
        str: "a string",
        int: "an integer",
        float: "a number",
        bool: "true or false",
        dict: "a table",
        list: "a list",
    }.get(kind, kind.__name__)
