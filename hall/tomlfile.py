"""The one way jiaohao reads a TOML file, and the one error type of every file an
installer writes: the hall config, hardware profiles and station files.

Every mistake is a :class:`ConfigProblem` (file, key, what is wrong); a file that cannot
be used raises :class:`ConfigError` (or its subclasses ``hall.profiles.ProfileError``,
``qtkit.station.StationError`` and ``devices.host.HostConfigError``) carrying every
problem found. A problem about the file as a whole (missing, not UTF-8) has the key
:data:`FILE_KEY`; a file that is not TOML names the line and column instead.

Nothing is read at import time.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

#: The ``key`` of problems about the file as a whole (missing, unreadable).
FILE_KEY = "(file)"

_TOML_WHERE = re.compile(r"\s*\(at (?:line (\d+), column (\d+)|end of document)\)$")


@dataclass(frozen=True)
class ConfigProblem:
    """One mistake (or, from ``hall.config.check_config``, one warning) in a file."""

    file: str
    key: str
    message: str

    def __str__(self) -> str:
        if not self.key:
            return f"{self.file}: {self.message}"
        return f"{self.file}: {self.key}: {self.message}"


class ConfigError(ValueError):
    """A file cannot be used. ``problems`` lists every mistake found; ``str()`` gives
    them one per line; ``file``, ``key`` and ``message`` are those of the first.

    Built from a list of problems, or from one as ``ConfigError(file, key, message)``
    (``key`` None: the mistake is not tied to a key).
    """

    def __init__(
        self,
        problems: list[ConfigProblem] | Path | str,
        key: str | None = None,
        message: str = "",
    ) -> None:
        if isinstance(problems, list):
            self.problems = list(problems)
        else:
            self.problems = [ConfigProblem(str(problems), key or "", message)]
        super().__init__("\n".join(str(p) for p in self.problems))

    @property
    def file(self) -> Path:
        return Path(self.problems[0].file) if self.problems else Path()

    @property
    def key(self) -> str | None:
        return (self.problems[0].key or None) if self.problems else None

    @property
    def message(self) -> str:
        return self.problems[0].message if self.problems else ""


def read_text(path: Path, error: type[ConfigError] = ConfigError) -> str:
    """A file's text (UTF-8, a byte-order mark allowed); raises ``error`` naming it."""
    try:
        # utf-8-sig: Windows editors may put a byte-order mark in front.
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise error(path, FILE_KEY, f"is not UTF-8 text (bad byte at {exc.start})") from exc
    except OSError as exc:
        raise error(path, FILE_KEY, f"cannot read: {exc.strerror or exc}") from exc


def parse_toml(
    text: str, source: Path | str, error: type[ConfigError] = ConfigError
) -> dict[str, Any]:
    """TOML text as tables; raises ``error`` naming the line and column of a mistake."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        match = _TOML_WHERE.search(message)
        key = FILE_KEY
        if match:
            message = message[: match.start()]
            key = f"line {match[1]}, column {match[2]}" if match[1] else "end of file"
        raise error(source, key, f"not valid TOML: {message}") from exc
    except RecursionError as exc:
        raise error(source, FILE_KEY, "not valid TOML: nested too deeply") from exc


def read_toml(path: Path | str, error: type[ConfigError] = ConfigError) -> dict[str, Any]:
    """Read a TOML file; every failure is an ``error`` naming the file (and line)."""
    path = Path(path)
    return parse_toml(read_text(path, error), path, error)


def readable_by_others(path: Path | str) -> str | None:
    """Why the secret-holding file at ``path`` is too open (readable by every user of
    the PC), as a warning a technician can act on; None when it is not, is gone, or on
    a system without POSIX modes. Readable by its group is fine: the deployment gives
    the service's group read access (``root:jiaohao 0640``)."""
    import os
    import stat

    if os.name == "nt":
        return None
    try:
        mode = stat.S_IMODE(os.stat(path).st_mode)
    except OSError:
        return None
    if not mode & stat.S_IROTH:
        return None
    return (f"{path} holds a secret and is readable by every user (mode {mode:04o}); "
            f"run: chmod o-r {path} (or chmod 600)")
