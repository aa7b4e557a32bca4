"""What a window's LED bars show, from the hall state: shared by the device host and a
terminal that drives its own bar.

请A001号 (flashing) for each new call and recall, 暂停服务 while paused, a welcome text
when idle, a special call's words (flashing) until the next change.

Two things a bar must not do: flicker and call twice. A finish is usually followed at
once by the next call (``call_next`` finishes the current ticket and calls the next in
one step), so the welcome text after a finish waits for :meth:`BarShow.flush` (the
owner calls it about once a second) and is never sent when a call came first. A window
paused while serving shows 暂停服务; when it resumes, its citizen's number comes back
steady: resuming is not a new call.
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
        self._before_pause: str | None = None  # the number shown when the pause began
        self._idle_due = False  # the welcome waits for the next flush

    def forget(self) -> None:
        """Send everything again at the next sync (after a welcome: catch up)."""
        self._shown = None
        self._idle_due = False

    def event(self, event: Event, state: HallState) -> None:
        """Follow one event (after the state applied it)."""
        data = event.data
        if data.get("window") != self.window:
            self.sync(state)
        elif event.kind == "announcement":
            for bar in self.bars:
                bar.show_text(str(data["text"]), flash=True)
            self._shown = None  # the next change redraws the window's own text
            self._idle_due = False
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
            self._idle_due = False
            return
        if shown == "idle" and self._shown not in (None, "idle", "paused"):
            self._idle_due = True  # maybe the next call is on its way: no welcome between
            return
        self._show(shown, flash=again or not (self._shown == "paused"
                                              and shown == self._before_pause))

    def flush(self) -> None:
        """Show a welcome that was held back after a finish (call about once a second)."""
        if self._idle_due:
            self._show("idle", flash=False)

    def _show(self, shown: str, flash: bool) -> None:
        self._idle_due = False
        if shown == "paused":
            self._before_pause = self._shown
        for bar in self.bars:
            if shown == "paused":
                bar.show_paused()
            elif shown == "idle":
                bar.show_welcome(self.welcome_text)
            else:
                bar.show_call(shown, self.window, flash=flash)
        self._shown = shown
