"""Which pad request rates which service: the book both the calling terminal and the
device host keep, so a key always rates the ticket it was asked for.

A request id is unique per pad session; the book ties it to the ticket, window and
clerk at the moment the clerk finished. A key that answers a request the book no
longer holds (timed out, superseded, lost with the port) rates nothing, so an unplug
and replug mid-rating can never rate the wrong ticket, and no ticket is rated twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from devices.events import RatingCancelled, RatingGiven, RatingTimedOut


@dataclass(frozen=True)
class Rated:
    """What was finished: the pad's request stands for this service."""

    ticket: int
    number: str
    window: int
    staff: str | None


class RatingBook:
    """Open pad requests by (pad address, request id)."""

    def __init__(self) -> None:
        self._open: dict[tuple[int, int], Rated] = {}
        self._done: set[int] = set()  # tickets already sent for rating

    def asked(self, address: int, request_id: int, rated: Rated) -> None:
        """The pad at ``address`` now asks for a rating of ``rated``."""
        self._open[(address, request_id)] = rated

    def __len__(self) -> int:
        return len(self._open)

    def answer(
        self, event: RatingGiven | RatingTimedOut | RatingCancelled
    ) -> tuple[Rated, dict[str, Any]] | None:
        """The ``rate`` request fields for a key, or None (timeout, cancel, unknown or
        already rated request)."""
        rated = self._open.pop((event.address, event.request_id), None)
        if rated is None or not isinstance(event, RatingGiven) or rated.ticket in self._done:
            return None
        self._done.add(rated.ticket)
        return rated, {"window": rated.window, "ticket": rated.ticket,
                       "score": event.score, "channel": "pad"}


class _ScreenPad(Protocol):
    profile: Any

    def show_clerk(self, name: str, staff: str) -> None: ...

    def clear_screen(self) -> None: ...


class ClerkCard:
    """亮牌: a pad with a screen shows the signed-in clerk's name and staff number."""

    def __init__(self) -> None:
        self._shown: tuple[str, str] | None = None

    def update(self, pads: list[Any], staff: str | None, name: str | None) -> None:
        """Show ``staff``/``name`` on every pad with a screen when it changed."""
        clerk = (staff, name or "") if staff else None
        if clerk == self._shown:
            return
        self._shown = clerk
        for pad in pads:
            if getattr(pad.profile, "screen", None) is None:
                continue
            if clerk is None:
                pad.clear_screen()
            else:
                pad.show_clerk(clerk[1], clerk[0])
