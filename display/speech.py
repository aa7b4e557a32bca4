"""How the wall's calls reach the hall's voice: one small protocol, no Qt.

The display model hands each call to be spoken to a :class:`Speaker` (see
:meth:`display.model.DisplayModel.on_announce`). In a hall, the speaker is the
``voice`` package's announcer (queue, templates, backends); tests use
:class:`RecordingSpeaker`; a screen without ``voice = true`` gets none.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Protocol

from display.model import Call


class Speaker(Protocol):
    """Speaks one call (queued: it must return at once)."""

    def announce(self, call: Call) -> None: ...


@dataclass
class RecordingSpeaker:
    """A speaker for tests and the benchmark: keeps each call and when it came."""

    calls: list[Call] = field(default_factory=list)
    times: list[float] = field(default_factory=list)  # time.perf_counter() of each

    def announce(self, call: Call) -> None:
        self.calls.append(call)
        self.times.append(time.perf_counter())

    @property
    def spoken(self) -> list[tuple[str, int, int]]:
        """(number, window, recall) of each call, in order."""
        return [(c.number, c.window, c.recall) for c in self.calls]
