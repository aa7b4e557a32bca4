"""The announcement rules, pure: which calls this speaker says, in what order, and what
a burst of calls leaves waiting. No threads, no audio; the clock is injected.

Rules (docs/voice.md):
- a speaker announces calls to windows in its zones (a window without a zone: its
  service's zone; a speaker without zones: every call);
- each announcement is built from ITS OWN call's number and window when it arrives;
- no announcement during quiet hours (logged);
- waiting calls are spoken oldest first, one at a time (the player never overlaps);
- a call for a ticket already waiting replaces it in place (a recall before the first
  call was spoken is said once, with the latest window);
- at most ``max_queue`` wait: the oldest waiting one is dropped, with a log line, so
  a burst never leaves minutes of backlog. A recall after a call was spoken is said again.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from hall.clock import Clock
from hall.config import HallConfig, VoiceSettings
from voice.phrases import Utterance, call_utterances

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Announcement:
    """One call to say: ``repeat`` times its utterances, after a chime if ``chime``."""

    ticket_id: int
    number: str
    window: int
    recall: int
    utterances: tuple[Utterance, ...]
    repeat: int
    chime: bool
    volume: int  # percent

    @property
    def text(self) -> str:
        return " / ".join(u.text for u in self.utterances)


class Announcer:
    """Turns ``ticket_called`` event data into queued :class:`Announcement` s."""

    def __init__(self, config: HallConfig, *, speaker: str | None = None,
                 clock: Clock,
                 settings: VoiceSettings | None = None) -> None:
        """Raises:
            ValueError: ``speaker`` is not a ``[[voice.speaker]]`` of the hall.
        """
        self.config = config
        self.settings = settings or config.voice
        self.zones: frozenset[str] | None = None
        if speaker is not None:
            found = self.settings.speaker(speaker)
            if found is None:
                known = ", ".join(s.id for s in self.settings.speakers) or "none configured"
                raise ValueError(f"unknown speaker {speaker!r} (speakers: {known})")
            self.zones = frozenset(found.zones) or None
        self.tz = ZoneInfo(config.hall.timezone)
        self.clock = clock
        self.waiting: list[Announcement] = []
        self.dropped = 0

    def offer(self, data: Mapping[str, Any]) -> Announcement | None:
        """Queue the call in a ``ticket_called`` event's ``data``; the announcement, or
        None when this speaker does not say it (other zone, quiet hours, bad data)."""
        try:
            ticket = data["ticket"]
            window = int(data["window"])
            number = str(ticket["number"])
            ticket_id = int(ticket["id"])
            service = ticket.get("service")
            recall = int(data.get("recall") or 0)
        except (KeyError, TypeError, ValueError) as exc:
            log.warning("ignored a call that cannot be read (%s): %r", exc, data)
            return None
        if not self.hears(window, service):
            return None
        now = self.clock().astimezone(self.tz)
        if self.settings.is_quiet(now.time()):
            log.info("quiet hours: %s to window %d not spoken", number, window)
            return None
        try:
            utterances = call_utterances(self.config, number, window, service, self.settings)
        except ValueError as exc:
            log.warning("call %s to window %d not spoken: %s", number, window, exc)
            return None
        item = Announcement(ticket_id=ticket_id, number=number, window=window, recall=recall,
                            utterances=utterances, repeat=self.settings.repeat,
                            chime=self.settings.chime, volume=self.settings.volume)
        for index, queued in enumerate(self.waiting):
            if queued.ticket_id == ticket_id:
                self.waiting[index] = item
                return item
        self.waiting.append(item)
        while len(self.waiting) > self.settings.max_queue:
            old = self.waiting.pop(0)
            self.dropped += 1
            log.warning("too many calls waiting (%d): %s to window %d dropped unspoken",
                        self.settings.max_queue, old.number, old.window)
        return item

    def hears(self, window: int, service: str | None) -> bool:
        """Whether this speaker announces calls to ``window``."""
        if self.zones is None:
            return True
        found = self.config.window(window)
        zone = found.zone if found else None
        if zone is None and service:
            svc = self.config.service(service)
            zone = svc.zone if svc else None
        return zone is None or zone in self.zones

    def next(self) -> Announcement | None:
        """The oldest waiting announcement, taken off the queue; None when none waits."""
        return self.waiting.pop(0) if self.waiting else None
