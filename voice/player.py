"""Runs the announcement queue on its own thread: one announcement at a time, each
said to the end before the next (never two over each other, never one cut off).

The time comes from the ``clock`` the wiring gives (``jiaohao voice station``, the
display): the player asks it when a call arrives and when one is taken, and the
announcer decides with those readings (quiet hours, how short to say a call).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from voice.announcer import Announcement, Announcer
from voice.backends import Backend

log = logging.getLogger(__name__)

#: When the player is idle and a call arrives, it waits this long (seconds) for calls
#: made in the same moment, so that a burst is seen as one and said short from its
#: first call (a call nobody else follows waits only this long).
SETTLE_S = 0.3


class Player:
    """``offer`` from any thread (a hub client's event callback); a daemon thread says
    the queued calls through ``backend``. ``clock`` gives the time now (aware)."""

    def __init__(self, announcer: Announcer, backend: Backend, *,
                 clock: Callable[[], datetime], settle_s: float = SETTLE_S) -> None:
        self.announcer = announcer
        self.backend = backend
        self.clock = clock
        self.settle_s = settle_s
        self._cond = threading.Condition()
        self._busy = False
        self._stop = False
        self._thread = threading.Thread(target=self._run, name="voice", daemon=True)
        self._thread.start()

    def offer(self, data: Mapping[str, Any],
              called_at: datetime | None = None) -> Announcement | None:
        """Queue a ``ticket_called`` event's data (see :meth:`Announcer.offer`)."""
        with self._cond:
            item = self.announcer.offer(data, self.clock(), called_at)
            self._cond.notify_all()
            return item

    def offer_special(self, data: Mapping[str, Any],
                      called_at: datetime | None = None) -> Announcement | None:
        """Queue an ``announcement`` event's data (see :meth:`Announcer.offer_special`)."""
        with self._cond:
            item = self.announcer.offer_special(data, self.clock(), called_at)
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
        """Stop after the announcement being said; those still waiting are not said
        (each logged)."""
        with self._cond:
            self._stop = True
            for item in self.announcer.waiting:
                log.warning("not said: %s (the voice is stopping)", item.what)
            self.announcer.waiting = []
            self._cond.notify_all()
        self._thread.join(timeout_s)

    def _settle(self) -> None:
        """Wait (lock held) until no new call came for ``settle_s``, or stop."""
        while not self._stop and self.settle_s > 0:
            count = len(self.announcer.waiting)
            self._cond.wait(self.settle_s)
            if len(self.announcer.waiting) == count:
                return

    def _run(self) -> None:
        idle = True
        while True:
            with self._cond:
                self._cond.wait_for(lambda: self._stop or bool(self.announcer.waiting))
                if idle:
                    self._settle()
                if self._stop:
                    return
                now = self.clock()
                item = self.announcer.next(now)
                self._busy = item is not None
            if item is None:
                idle = True
                continue
            idle = False
            log.info("%s", item.started(now))
            try:
                self.backend.play(item)
            except Exception:  # a backend bug must not silence the hall for the day
                log.exception("not said: %s (the voice failed)", item.what)
            finally:
                with self._cond:
                    self._busy = False
                    idle = not self.announcer.waiting
                    self._cond.notify_all()
