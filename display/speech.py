"""How the wall's calls reach the hall's voice: one small protocol, no Qt.

The display model hands each call to be spoken to a :class:`Speaker` (see
:meth:`display.model.DisplayModel.on_announce`). In a hall, the speaker is
:class:`display.voicehost.VoiceSpeaker`, the ``voice`` package's queue and backends;
tests use :class:`RecordingSpeaker`; a screen without ``voice = true`` gets none.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Protocol

from display.model import Call, SpecialCall
from hall.config import HallConfig


class Speaker(Protocol):
    """Speaks calls (queued: every method returns at once)."""

    def configure(self, hall: HallConfig) -> None:
        """The hall (templates, repeat, quiet hours…) from the latest full welcome."""

    def announce(self, call: Call) -> None: ...

    def announce_special(self, special: SpecialCall) -> None:
        """Say a special call (请大堂经理到3号窗口): its own words, never a ticket call's."""

    def close(self) -> None:
        """Stop speaking (the app is closing)."""


def call_event_data(call: Call) -> dict[str, Any]:
    """The call as ``ticket_called`` event data (what the voice package reads)."""
    return {
        "ticket": {"id": call.ticket_id, "number": call.number, "service": call.service,
                   "priority": call.priority},
        "window": call.window,
        "recall": call.recall,
    }


def special_event_data(special: SpecialCall) -> dict[str, Any]:
    """The special call as ``announcement`` event data (what the voice package reads)."""
    return {"window": special.window, "call": special.call, "text": special.text}


@dataclass
class RecordingSpeaker:
    """A speaker for tests and the benchmark: keeps each call and when it came."""

    calls: list[Call] = field(default_factory=list)
    times: list[float] = field(default_factory=list)  # time.perf_counter() of each
    specials: list[SpecialCall] = field(default_factory=list)

    def configure(self, hall: HallConfig) -> None:
        """Nothing to configure."""

    def announce(self, call: Call) -> None:
        self.calls.append(call)
        self.times.append(time.perf_counter())

    def announce_special(self, special: SpecialCall) -> None:
        self.specials.append(special)

    def close(self) -> None:
        """Nothing to stop."""

    @property
    def spoken(self) -> list[tuple[str, int, int]]:
        """(number, window, recall) of each call, in order."""
        return [(c.number, c.window, c.recall) for c in self.calls]
