"""Runs the announcement queue on its own thread: one announcement at a time, each
said to the end before the next (never two over each other, never one cut off).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping
from typing import Any

from voice.announcer import Announcement, Announcer
from voice.backends import Backend

log = logging.getLogger(__name__)


class Player:
    """``offer`` from any thread (a hub client's event callback); a daemon thread says
    the queued calls through ``backend``."""

    def __init__(self, announcer: Announcer, backend: Backend) -> None:
        self.announcer = announcer
        self.backend = backend
        self._cond = threading.Condition()
        self._busy = False
        self._stop = False
        self._thread = threading.Thread(target=self._run, name="voice", daemon=True)
        self._thread.start()

    def offer(self, data: Mapping[str, Any]) -> Announcement | None:
        """Queue a ``ticket_called`` event's data (see :class:`Announcer`)."""
        with self._cond:
            item = self.announcer.offer(data)
            self._cond.notify_all()
            return item

    def replace_rules(self, announcer: Announcer) -> None:
        """New rules (a changed hall); calls already waiting stay queued."""
        with self._cond:
            announcer.waiting = self.announcer.waiting
            self.announcer = announcer

    def idle(self) -> bool:
        with self._cond:
            return not self._busy and not self.announcer.waiting

    def wait_idle(self, timeout_s: float) -> bool:
        """Whether everything queued was said within ``timeout_s``."""
        with self._cond:
            return self._cond.wait_for(
                lambda: not self._busy and not self.announcer.waiting, timeout_s)

    def close(self, timeout_s: float = 5) -> None:
        with self._cond:
            self._stop = True
            self._cond.notify_all()
        self._thread.join(timeout_s)

    def _run(self) -> None:
        while True:
            with self._cond:
                self._cond.wait_for(lambda: self._stop or bool(self.announcer.waiting))
                if self._stop:
                    return
                item = self.announcer.next()
                self._busy = item is not None
            if item is None:
                continue
            try:
                self.backend.play(item)
            except Exception:  # a backend bug must not silence the hall for the day
                log.exception("speaking %s failed", item.number)
            finally:
                with self._cond:
                    self._busy = False
                    self._cond.notify_all()
