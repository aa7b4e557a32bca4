"""The announcement rules, pure: which calls this speaker says, in what order, and how
short when calls queue up. No threads, no audio, no clock: time is an argument.

Rules (docs/voice.md):
- a speaker announces calls to windows in its zones (a window without a zone: its
  service's zone; a speaker without zones: every call), special calls (请大堂经理…)
  included;
- each announcement is built from ITS OWN call's number and window when it arrives;
  a special call has its own words and is never merged with a ticket call;
- no announcement during quiet hours (logged);
- waiting calls are spoken oldest first, one at a time (the player never overlaps);
- nothing nobody has heard is dropped: only a call truly superseded goes, i.e. a
  ticket called again (recalled, or called to another window) while its first call
  still waits is said once, with the latest window, in the first one's place; the same
  special call of the same window pressed again while it waits is said once;
- the backlog decides how each call is said (:class:`Form`): in full when nothing
  waits behind it, short (no chime, the Chinese sentence once, no English) when
  something does, brief (the brief sentence, a little faster) when the queue is long,
  so twenty windows calling at once are all said within a minute.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from hall.config import HallConfig, VoiceSettings
from voice.phrases import Utterance, call_utterances, special_utterances

log = logging.getLogger(__name__)

#: Calls waiting behind one from which it is said brief (see :class:`Form`).
BRIEF_FROM = 3
#: A call that has waited this long (seconds) is said brief whatever waits behind it.
BRIEF_AFTER_S = 20.0
#: How much faster a brief call is spoken (where the voice can: espeak-ng).
BRIEF_RATE = 1.2


class Form(StrEnum):
    """How much of a call is said, chosen by the backlog when it is taken."""

    FULL = "full"  # the chime, the Chinese ``repeat`` times, the English once
    SHORT = "short"  # the Chinese sentence once: no chime, no English
    BRIEF = "brief"  # the brief Chinese sentence once, a little faster


@dataclass(frozen=True)
class Announcement:
    """One call to say: ``repeat`` times its Chinese, then the other languages once,
    after a chime if ``chime``.

    A ticket call has ``ticket_id`` ≥ 0 and ``special`` empty; a special call (请大堂经理
    到3号窗口) has ``special`` (``manager``, ``rating``) and ``ticket_id`` -1.
    """

    ticket_id: int
    number: str
    window: int
    recall: int
    utterances: tuple[Utterance, ...]
    repeat: int
    chime: bool
    volume: int  # percent
    special: str = ""
    #: When the call reached this speaker (hub-independent: the time given to offer).
    at: datetime | None = None
    form: Form = Form.FULL
    #: The brief Chinese sentence, said instead of the first utterance in :attr:`Form.BRIEF`.
    brief: Utterance | None = None
    #: When the hub made the call (its ``at``), when known: the log says the delay.
    called_at: datetime | None = None

    @property
    def what(self) -> str:
        """The call in a log line: ``A001 (recall 1) to window 3``, ``special call
        manager of window 3``."""
        if self.special:
            return call_words({"window": self.window, "call": self.special})
        return call_words({"window": self.window, "recall": self.recall,
                           "ticket": {"number": self.number}})

    def started(self, now: datetime) -> str:
        """The log line of this announcement starting at ``now``: what, in which
        form, how long after the hub made the call (or after it reached this speaker)."""
        since = self.called_at or self.at
        delay = f", {(now - since).total_seconds():.1f} s after the call" if since else ""
        return f"saying {self.what} ({self.form.value}{delay})"

    @property
    def text(self) -> str:
        return " / ".join(u.text for u in self.utterances)

    @property
    def key(self) -> tuple[object, ...]:
        """What a later call must share to supersede this one while it waits."""
        if self.special:
            return ("special", self.special, self.window)
        return ("ticket", self.ticket_id)

    def shortened(self, form: Form) -> Announcement:
        """This announcement said in ``form``."""
        if form is Form.FULL:
            return replace(self, form=form)
        chinese = next((u for u in self.utterances if u.lang == "zh"), self.utterances[0])
        if form is Form.BRIEF:
            said = replace(self.brief or chinese, rate=BRIEF_RATE)
            return replace(self, form=form, utterances=(said,), repeat=1, chime=False)
        return replace(self, form=form, utterances=(chinese,), repeat=1, chime=False)


def call_words(data: Mapping[str, Any]) -> str:
    """A ``ticket_called`` or ``announcement`` event's data in a log line, as
    :attr:`Announcement.what` says it (the data as it is when it cannot be read)."""
    try:
        window = int(data["window"])
        if "ticket" not in data:
            return f"special call {data['call']} of window {window}"
        recall = int(data.get("recall") or 0)
        return (f"{data['ticket']['number']}{f' (recall {recall})' if recall else ''}"
                f" to window {window}")
    except (KeyError, TypeError, ValueError):
        return repr(dict(data))


class Announcer:
    """Turns ``ticket_called`` and ``announcement`` event data into queued
    :class:`Announcement` s and hands them out in the form the backlog calls for."""

    def __init__(self, config: HallConfig, *, speaker: str | None = None,
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
        self.waiting: list[Announcement] = []
        self.superseded = 0  # calls replaced by a later call of the same ticket

    def offer(self, data: Mapping[str, Any], now: datetime,
              called_at: datetime | None = None) -> Announcement | None:
        """Queue the call in a ``ticket_called`` event's ``data`` that reached this
        speaker at ``now`` (an aware datetime; ``called_at``: when the hub made it, for
        the log); the announcement, or None when this speaker does not say it (other
        zone; quiet hours and bad data are logged as WARNING)."""
        try:
            ticket = data["ticket"]
            window = int(data["window"])
            number = str(ticket["number"])
            ticket_id = int(ticket["id"])
            service = ticket.get("service")
            recall = int(data.get("recall") or 0)
        except (KeyError, TypeError, ValueError) as exc:
            log.warning("not said: a call that cannot be read (%s): %r", exc, data)
            return None
        what = call_words(data)
        if not self.hears(window, service) or self._quiet(now, what):
            return None
        try:
            utterances = call_utterances(self.config, number, window, service, self.settings)
            brief = call_utterances(self.config, number, window, service, self.settings,
                                    brief=True)[0]
        except ValueError as exc:
            log.warning("not said: %s (%s)", what, exc)
            return None
        return self._queue(Announcement(
            ticket_id=ticket_id, number=number, window=window, recall=recall,
            utterances=utterances, repeat=self.settings.repeat, chime=self.settings.chime,
            volume=self.settings.volume, at=now, brief=brief, called_at=called_at))

    def offer_special(self, data: Mapping[str, Any], now: datetime,
                      called_at: datetime | None = None) -> Announcement | None:
        """Queue the special call in an ``announcement`` event's ``data`` (请大堂经理到
        3号窗口, 请对本次服务进行评价) that reached this speaker at ``now``; None when this
        speaker does not say it (another zone's window, quiet hours, bad data)."""
        try:
            window = int(data["window"])
            call = str(data["call"])
            text = str(data.get("text") or "")
        except (KeyError, TypeError, ValueError) as exc:
            log.warning("not said: a special call that cannot be read (%s): %r", exc, data)
            return None
        what = call_words(data)
        if not self.hears(window, None) or self._quiet(now, what):
            return None
        try:
            utterances = special_utterances(self.config, call, window, text, self.settings)
        except ValueError as exc:
            log.warning("not said: %s (%s)", what, exc)
            return None
        return self._queue(Announcement(
            ticket_id=-1, number="", window=window, recall=0, utterances=utterances,
            repeat=self.settings.repeat, chime=self.settings.chime,
            volume=self.settings.volume, special=call, at=now, brief=utterances[0],
            called_at=called_at))

    def _quiet(self, now: datetime, what: str) -> bool:
        if self.settings.is_quiet(now.astimezone(self.tz).time()):
            log.warning("not said: %s (quiet hours)", what)
            return True
        return False

    def _queue(self, item: Announcement) -> Announcement:
        for index, queued in enumerate(self.waiting):
            if queued.key == item.key:
                # the same ticket called again before its call was said: say it once,
                # with the latest words, where the first one stood
                self.waiting[index] = item
                self.superseded += 1
                log.info("%s: said once, as its later call (%s)", queued.what, item.what)
                return item
        self.waiting.append(item)
        return item

    def hears(self, window: int, service: str | None) -> bool:
        """Whether this speaker announces calls to ``window``: the window's zone, else
        the zone of the called ticket's ``service``, else (a special call) the zones of
        every service the window serves; a window of no known zone is heard everywhere."""
        if self.zones is None:
            return True
        found = self.config.window(window)
        if found is not None and found.zone:
            return found.zone in self.zones
        services = [service] if service else list(found.services if found else ())
        zones = {svc.zone for svc in map(self.config.service, services) if svc is not None}
        return not zones or bool(zones & self.zones)

    def form(self, item: Announcement, behind: int, now: datetime) -> Form:
        """How ``item`` is said when taken at ``now`` with ``behind`` calls waiting after
        it: in full when nothing waits, brief when many wait or it has waited long,
        else short. Always in full with ``shorten = false``."""
        if not self.settings.shorten:
            return Form.FULL
        waited = (now - item.at).total_seconds() if item.at is not None else 0.0
        if behind >= BRIEF_FROM or waited >= BRIEF_AFTER_S:
            return Form.BRIEF
        if behind:
            return Form.SHORT
        return Form.FULL

    def next(self, now: datetime) -> Announcement | None:
        """The oldest waiting announcement, taken off the queue at ``now`` and shortened
        as the backlog calls for; None when none waits."""
        if not self.waiting:
            return None
        item = self.waiting.pop(0)
        return item.shortened(self.form(item, len(self.waiting), now))
