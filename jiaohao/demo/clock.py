"""The demo's clock: a morning that starts at 08:30 in the hall and runs fast."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo


class DemoClock:
    """Aware UTC time for the hub and every app, starting at 08:30 today in the hall.

    ``speed`` demo seconds pass per real second (0: the clock only moves when
    :meth:`advance` is called, as in the headless morning). Thread-safe: the hub reads
    it on its own thread.
    """

    def __init__(self, timezone: str, speed: float = 0.0, start: str = "08:30") -> None:
        self.tz = ZoneInfo(timezone)
        hour, minute = (int(part) for part in start.split(":"))
        local = datetime.now(self.tz).replace(hour=hour, minute=minute, second=0,
                                              microsecond=0)
        self._base = local.astimezone(UTC)
        self._since = time.monotonic()
        self.speed = speed
        self._lock = threading.Lock()

    def __call__(self) -> datetime:
        with self._lock:
            return self._base + timedelta(seconds=(time.monotonic() - self._since) * self.speed)

    def advance(self, minutes: float) -> None:
        """Move the clock on by ``minutes`` at once."""
        with self._lock:
            self._base += timedelta(minutes=minutes)

    def local(self) -> datetime:
        return self().astimezone(self.tz)
