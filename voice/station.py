"""A headless announcer: a loudspeaker PC (no screen) connected to the hub as a
display device, saying the calls and special calls of its speaker's zones.

It takes the hall (zones, windows, ``[voice]``) from each ``welcome``, listens only to
``ticket_called`` and ``announcement`` events and hands them to a
:class:`~voice.player.Player`.

Calls missed while the link was down come again when it returns (the client resumes
with ``since``). Like the wall display, the station says them when the outage lasted
at most ``catch_up_s`` (60 s); after a longer one they are not said late (logged): a
citizen called minutes ago has seen the wall, and a backlog of old calls would hold
back the live ones.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime
from typing import Any

from hall.client import HubClient
from hall.clock import Clock, HubClock, hub_time
from hall.config import HallConfig
from hall.protocol import Event, EventKind, Welcome
from voice.announcer import Announcer, call_words
from voice.backends import Backend
from voice.player import Player

log = logging.getLogger(__name__)


#: Calls missed during an outage at most this long (seconds) are said when it ends.
CATCH_UP_S = 60.0


class Station:
    """Connects to the hub and speaks. ``speaker`` picks a ``[[voice.speaker]]``;
    ``clock`` gives the time now (aware)."""

    def __init__(self, url: str, device: str, token: str, backend: Backend, *,
                 clock: Clock, speaker: str | None = None,
                 settle_s: float | None = None, catch_up_s: float = CATCH_UP_S) -> None:
        """``clock`` is the local clock; quiet hours follow the hub's time (``clock``
        plus the offset to the hub's, heard from the welcome and the calls)."""
        self.backend = backend
        self._local = clock  # how long the link was down is measured on our own clock
        self.clock = HubClock(clock)
        self.speaker = speaker
        self.settle_s = settle_s
        self.catch_up_s = catch_up_s
        self.player: Player | None = None
        self.problem = ""
        self._down_since: datetime | None = None
        self._backlog_until = 0  # events up to this seq were missed during the outage
        self._say_backlog = True
        self.client = HubClient(url, device, token, on_welcome=self._welcomed,
                                on_event=self._event, on_connection=self._connection,
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

    def _connection(self, up: bool) -> None:
        if not up and self._down_since is None:
            self._down_since = self._local()

    def _welcomed(self, welcome: Welcome, state: Any) -> None:
        self.clock.set_from(welcome.now)
        if self._down_since is not None:
            down_s = (self._local() - self._down_since).total_seconds()
            self._say_backlog = down_s <= self.catch_up_s
            self._backlog_until = welcome.seq
            self._down_since = None
            if not self._say_backlog:
                log.warning("the hub link was down %.0f s: calls made meanwhile are shown "
                            "on the walls, not said late", down_s)
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
        if event.seq <= self._backlog_until and not self._say_backlog:
            log.warning("not said: %s (made during a long outage of the hub link, "
                        "not said late)", call_words(event.data))
            return
        if event.kind is EventKind.TICKET_CALLED:
            self.player.offer(event.data, hub_time(event.at))
        elif event.kind is EventKind.ANNOUNCEMENT:
            self.player.offer_special(event.data, hub_time(event.at))
