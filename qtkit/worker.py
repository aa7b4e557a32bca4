"""Blocking work (printing, speech, file writes) off the GUI thread.

``run_blocking(fn, on_done)`` runs ``fn()`` on a Qt thread pool and calls
``on_done(Outcome)`` back on the thread that asked (the GUI thread). ``fn`` must not
touch widgets or the replica; give it the plain values it needs.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

from qtkit.results import Outcome

log = logging.getLogger(__name__)


class _Relay(QObject):
    """Lives on the asking thread; its signal carries the outcome back there."""

    done = Signal(object)

    def __init__(self, on_done: Callable[[Outcome], None]) -> None:
        super().__init__()
        self._on_done = on_done
        self.done.connect(self._finish)

    @Slot(object)
    def _finish(self, outcome: Outcome) -> None:
        _pending.discard(self)
        self._on_done(outcome)


class _Job(QRunnable):
    def __init__(self, fn: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self._fn = fn
        self._relay = relay

    def run(self) -> None:
        try:
            outcome = Outcome(value=self._fn())
        except Exception as exc:  # handed to on_done, which decides what the user sees
            log.warning("background job failed: %s", exc, exc_info=True)
            outcome = Outcome(error=exc)
        self._relay.done.emit(outcome)


#: Relays waiting for their job (kept alive until the outcome is delivered).
_pending: set[_Relay] = set()


def run_blocking(
    fn: Callable[[], Any],
    on_done: Callable[[Outcome], None] | None = None,
    pool: QThreadPool | None = None,
) -> None:
    """Run ``fn()`` on ``pool`` (the global pool by default); ``on_done(Outcome)`` runs
    later on the calling thread, which must run a Qt event loop. Never raises for
    ``fn``'s errors: they arrive as ``Outcome.error``."""
    relay = _Relay(on_done or (lambda _outcome: None))
    _pending.add(relay)
    (pool or QThreadPool.globalInstance()).start(_Job(fn, relay))
