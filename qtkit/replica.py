"""The GUI thread's own replica of the hall, fed by a :class:`qtkit.bridge.HubBridge`.

The bridge hands over copies of welcomes and events; the replica builds its
``HallState`` and ``HallConfig`` from them with the same ``apply`` the hub uses. It
belongs to the thread that created it (the GUI thread) and refuses to be read or
changed from any other, so a presenter can never race the worker.

It also keeps the hub's time (:class:`hall.clock.HubClock`): a welcome's ``now``,
moved on by the ``at`` of live events; ``replica.clock`` is the clock the app's
presenters and windows are given.
"""

from __future__ import annotations

import logging
import threading

from PySide6.QtCore import QObject, Signal, Slot

from hall.clock import Clock, HubClock
from hall.config import HallConfig
from hall.protocol import Event, Welcome
from hall.state import HallState, apply
from qtkit.bridge import HubBridge

log = logging.getLogger(__name__)


class WrongThread(RuntimeError):
    """The replica was touched from a thread other than the one that owns it."""


class Replica(QObject):
    """``hall`` and ``state`` as the hub last told this device; see docs/qtkit.md.

    Until the first welcome ``hall`` is an empty configuration and ``state`` an empty
    ``HallState``; ``ready`` says whether a welcome has arrived. ``clock`` is the
    hub's time: the given local ``clock`` (the wiring's wall clock, a test's fake one)
    plus the offset to the hub's time as last heard.
    """

    reset = Signal()  # a full welcome replaced the state (and the hall)
    applied = Signal(object)  # one event applied: the Event

    def __init__(self, bridge: HubBridge | None = None, parent: QObject | None = None, *,
                 clock: Clock) -> None:
        super().__init__(parent)
        self._owner = threading.get_ident()
        self.clock = HubClock(clock)
        self._hall = HallConfig.from_public({"hall": {"name": ""}})
        self._state = HallState()
        self._ready = False
        if bridge is not None:
            bridge.welcomed.connect(self.on_welcome)
            bridge.event_received.connect(self.on_event)

    def _guard(self) -> None:
        if threading.get_ident() != self._owner:
            raise WrongThread(
                f"the replica belongs to thread {self._owner}, "
                f"touched from {threading.get_ident()}"
            )

    @property
    def hall(self) -> HallConfig:
        """The hall as the last full welcome described it (no devices, no tokens)."""
        self._guard()
        return self._hall

    @property
    def state(self) -> HallState:
        """The live replica; read it, never change it (only ``apply`` does)."""
        self._guard()
        return self._state

    @property
    def ready(self) -> bool:
        self._guard()
        return self._ready

    @Slot(object)
    def on_welcome(self, welcome: Welcome) -> None:
        """Start over from a full welcome; keep the replica on a resumed one.

        Raises:
            WrongThread: called from another thread.
        """
        self._guard()
        self.clock.set_from(welcome.now)
        if welcome.state is None and self._ready:
            return  # a resume: the events after our seq follow
        if welcome.hall:
            try:
                self._hall = HallConfig.from_public(welcome.hall)
            except ValueError:
                log.exception("the hub's hall description cannot be read; keeping the old one")
        self._state = HallState.from_public(welcome.state or {"seq": welcome.seq})
        self._ready = True
        self.reset.emit()

    @Slot(object)
    def on_event(self, event: Event) -> None:
        """Apply one event (events already applied are ignored).

        Raises:
            WrongThread: called from another thread.
        """
        self._guard()
        self.clock.heard_from(event.at)
        if event.seq <= self._state.seq:
            return
        if event.seq != self._state.seq + 1:
            # The bridge resumes on a gap before passing anything on; say so if not.
            log.warning("replica: event %s after %s", event.seq, self._state.seq)
        apply(self._state, event)
        self.applied.emit(event)
