"""What a window's LED bars show, from the hall state: shared by the device host and a
terminal that drives its own bar.

请A001号 (flashing) for each new call and recall, 暂停服务 while paused, a welcome text
when idle, a special call's words (flashing) until the next change.
"""

from __future__ import annotations

from typing import Any

from hall.protocol import Event
from hall.state import HallState


class BarShow:
    """Keeps the bars of ``window`` showing its state; sends only on a change."""

    def __init__(self, window: int, bars: list[Any], welcome_text: str | None = None) -> None:
        self.window = window
        self.bars = bars
        self.welcome_text = welcome_text
        self._shown: str | None = None  # a ticket number, "paused" or "idle"

    def forget(self) -> None:
        """Send everything again at the next sync (after a welcome: catch up)."""
        self._shown = None

    def event(self, event: Event, state: HallState) -> None:
        """Follow one event (after the state applied it)."""
        data = event.data
        if data.get("window") != self.window:
            self.sync(state)
        elif event.kind == "announcement":
            for bar in self.bars:
                bar.show_text(str(data["text"]), flash=True)
            self._shown = None  # the next change redraws the window's own text
        else:
            self.sync(state, again=event.kind == "ticket_called")

    def sync(self, state: HallState, again: bool = False) -> None:
        """Show the window's state; ``again`` repeats a call (a recall flashes again)."""
        window = state.windows.get(self.window)
        ticket = state.tickets.get(window.ticket) if window and window.ticket else None
        if window is not None and window.paused:
            shown = "paused"
        elif ticket is not None:
            shown = ticket.number
        else:
            shown = "idle"
        if shown == self._shown and not again:
            return
        for bar in self.bars:
            if shown == "paused":
                bar.show_paused()
            elif shown == "idle":
                bar.show_welcome(self.welcome_text)
            else:
                bar.show_call(shown, self.window)
        self._shown = shown
