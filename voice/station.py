"""A headless announcer: a loudspeaker PC (no screen) connected to the hub as a
display device, saying the calls and special calls of its speaker's zones.

It takes the hall (zones, windows, ``[voice]``) from each ``welcome``, listens only to
``ticket_called`` and ``announcement`` events and hands them to a
:class:`~voice.player.Player`.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from hall.client import HubClient
from hall.clock import Clock, HubClock
from hall.config import HallConfig
from hall.protocol import Event, EventKind, Welcome
from voice.announcer import Announcer
from voice.backends import Backend
from voice.player import Player

log = logging.getLogger(__name__)


class Station:
    """Connects to the hub and speaks. ``speaker`` picks a ``[[voice.speaker]]``."""

    def __init__(self, url: str, device: str, token: str, backend: Backend, *,
                 clock: Clock, speaker: str | None = None,
                 settle_s: float | None = None) -> None:
        """``clock`` is the local clock; quiet hours follow the hub's time (``clock``
        plus the offset to the hub's, heard from the welcome and the calls)."""
        self.backend = backend
        self.clock = HubClock(clock)
        self.speaker = speaker
        self.settle_s = settle_s
        self.player: Player | None = None
        self.problem = ""
        self.client = HubClient(url, device, token, on_welcome=self._welcomed,
                                on_event=self._event,
                                subscribe=(EventKind.TICKET_CALLED, EventKind.ANNOUNCEMENT))

    async def start(self, timeout_s: float | None = None) -> None:
        """Raises:
            hall.client.HubRefused, TimeoutError, ValueError: as the client's ``connect``;
            ValueError also for a speaker the hall does not have.
        """
        await self.client.connect(timeout_s)
        if self.player is None:
            await self.client.close()
            raise ValueError(self.problem or "the hub sent no hall to announce")

    async def close(self) -> None:
        await self.client.close()
        if self.player is not None:
            await asyncio.to_thread(self.player.close)

    def _welcomed(self, welcome: Welcome, state: Any) -> None:
        self.clock.set_from(welcome.now)
        try:
            config = HallConfig.from_public(welcome.hall or {})
            announcer = Announcer(config, speaker=self.speaker)
        except ValueError as exc:
            self.problem = str(exc)
            log.error("cannot announce: %s", exc)
            return
        if self.player is None:
            extra = {} if self.settle_s is None else {"settle_s": self.settle_s}
            self.player = Player(announcer, self.backend, clock=self.clock, **extra)
        else:  # a reconnection may bring a changed hall: its rules from now on
            self.player.replace_rules(announcer)

    def _event(self, event: Event, state: Any) -> None:
        self.clock.heard_from(event.at)
        if self.player is None:
            return
        if event.kind is EventKind.TICKET_CALLED:
            self.player.offer(event.data)
        elif event.kind is EventKind.ANNOUNCEMENT:
            self.player.offer_special(event.data)
