"""The wiring of one wall screen: bridge → replica → model → window (and speaker).

:class:`WallApp` is what ``jiaohao display`` runs and what the tests and the
benchmark drive against a real hub: give it a bridge (not started), the screen's
filter and, on the one display per speaker zone that speaks, a speaker.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QObject

from display.model import DisplayModel, ScreenFilter, Timing
from display.speech import Speaker
from display.window import WallWindow
from hall.clock import Clock
from hall.protocol import Event, Welcome
from qtkit.bridge import HubBridge
from qtkit.replica import Replica
from qtkit.theme import DARK, Palette

log = logging.getLogger(__name__)


class WallApp(QObject):
    """A wall screen fed by ``bridge``; ``start()`` connects, ``stop()`` disconnects."""

    def __init__(
        self,
        bridge: HubBridge,
        screen: ScreenFilter | None = None,
        speaker: Speaker | None = None,
        notice: str = "",
        palette: Palette = DARK,
        clock: Callable[[], float] | None = None,
        *,
        now: Clock,
    ) -> None:
        """``clock`` is a monotonic clock (seconds) for highlights and catch-up; ``now``
        the local time of day, which the header and quiet hours follow as the hub's
        time (``replica.clock``: ``now`` plus the offset to the hub's)."""
        super().__init__()
        self.bridge = bridge
        self.replica = Replica(bridge, clock=now)
        self.model = DisplayModel(screen, notice=notice, clock=clock, now=self.replica.clock)
        self.speaker = speaker
        if speaker is not None:
            self.model.on_announce(speaker.announce)
            self.model.on_special(speaker.announce_special)
        self.window = WallWindow(self.model, palette, clock=self.replica.clock)
        self.replica.reset.connect(self._reset)
        self.replica.applied.connect(self._applied)
        # after the replica's own slot: a reset (if any) has been applied by then
        bridge.welcomed.connect(self._welcomed)
        bridge.connection_changed.connect(self.model.connection)
        bridge.refused.connect(self._refused)

    def _reset(self) -> None:
        hall = self.replica.hall
        settings = hall.display
        self.model.timing = Timing(settings.blink_s, max(settings.blink_s, settings.highlight_s),
                                   self.model.timing.catch_up_s)
        self.window.set_timezone(hall.hall.timezone)
        unknown = self.model.screen.unknown(hall)
        if unknown:
            log.warning("this screen's filter names what the hall lacks: %s", ", ".join(unknown))
        if self.speaker is not None:
            self.speaker.configure(hall)
        self.model.reset(hall, self.replica.state)

    def _applied(self, event: Event) -> None:
        self.model.event(event, self.replica.state)

    def _welcomed(self, welcome: Welcome) -> None:
        self.model.welcomed(welcome.seq)

    def _refused(self, reason: str) -> None:
        self.window.problem = f"叫号服务器拒绝了本显示屏：{reason}"
        self.window.refresh()

    def start(self) -> None:
        self.bridge.start()

    def stop(self) -> None:
        self.bridge.stop()
        if self.speaker is not None:
            self.speaker.close()
