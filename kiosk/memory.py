"""What a kiosk keeps across restarts: the hall's name as the hub last sent it.

A kiosk started while the hub is unreachable then still names its hall (docs/kiosk.md),
even when the station file has no ``[app] hall_name``. The file sits beside the station
file (``kiosk.toml`` → ``kiosk.last-hall.json``) when the kiosk may write there, else in
the user's state folder (``$XDG_STATE_HOME/jiaohao/``, by default
``~/.local/state/jiaohao/``: the shipped unit reads ``/etc/jiaohao/kiosk.toml`` as the
desktop user). It is replaced atomically, so a power cut leaves the old name or the new
one, never half a file.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Mapping
from pathlib import Path

log = logging.getLogger(__name__)

SUFFIX = ".last-hall.json"


class HallMemory:
    """The hall's last known name (Chinese, English) in a small JSON file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._saved: tuple[str, str] | None = None
        self._warned = False

    @classmethod
    def beside(cls, station_file: Path) -> HallMemory:
        return cls(station_file.with_name(station_file.stem + SUFFIX))

    @classmethod
    def for_station(cls, station_file: Path, environ: Mapping[str, str] | None = None
                    ) -> HallMemory:
        """Beside the station file if its folder is writable, else the state folder."""
        folder = station_file.resolve().parent
        if os.access(folder, os.W_OK):
            return cls.beside(station_file)
        env = os.environ if environ is None else environ
        state = Path(env.get("XDG_STATE_HOME") or Path.home() / ".local" / "state")
        return cls(state / "jiaohao" / (station_file.stem + SUFFIX))

    def load(self) -> tuple[str, str]:
        """The remembered name; ("", "") when there is none or the file is unreadable."""
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return "", ""
        except (OSError, ValueError) as exc:
            log.warning("ignoring %s: %s", self.path, exc)
            return "", ""
        name = data.get("name") if isinstance(data, dict) else None
        name_en = data.get("name_en", "") if isinstance(data, dict) else ""
        if not isinstance(name, str) or not isinstance(name_en, str):
            log.warning("ignoring %s: no hall name in it", self.path)
            return "", ""
        self._saved = (name, name_en)
        return name, name_en

    def save(self, name: str, name_en: str) -> None:
        """Remember the hub's name for the hall (nothing is written when it is unchanged
        or empty; a folder the kiosk may not write to is logged once, never fatal)."""
        if not name or (name, name_en) == self._saved:
            return
        fresh = self.path.with_name(self.path.name + ".new")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with open(fresh, "w", encoding="utf-8") as out:
                json.dump({"name": name, "name_en": name_en}, out, ensure_ascii=False)
                out.flush()
                os.fsync(out.fileno())
            os.replace(fresh, self.path)
        except OSError as exc:
            if not self._warned:
                log.warning("cannot remember the hall's name in %s: %s", self.path, exc)
                self._warned = True
            return
        self._saved = (name, name_en)
