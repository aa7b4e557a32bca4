"""Which pad request rates which service: the book both the calling terminal and the
device host keep, so a key always rates the ticket it was asked for.

A request id is unique per pad session; the book ties it to the ticket, window and
clerk at the moment the clerk finished. A key that answers a request the book no
longer holds (timed out, superseded, lost with the port) rates nothing, so an unplug
and replug mid-rating can never rate the wrong ticket, and no ticket is rated twice.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from devices.events import RatingCancelled, RatingGiven, RatingTimedOut
from devices.pad import photo_raster
from hall.rating import pad_reasons, reason_prompt

log = logging.getLogger(__name__)

#: A photo file larger than this is not read (a pad's picture is a few hundred bytes).
MAX_PHOTO_BYTES = 2 * 1024 * 1024


@dataclass(frozen=True)
class Rated:
    """What was finished: the pad's request stands for this service."""

    ticket: int
    number: str
    window: int
    staff: str | None


#: The reasons a 差评 citizen can pick on a pad with a screen, by the key's level
#: (5 … 1): (the screen's short word, the reason sent with the rating). The list is
#: the hall's one (hall/rating.py): the phone page offers the same.
REASONS = pad_reasons()
#: The prompt on the pad's screen, e.g. "5等候久4态度3效率2未办结1其他" (29 GBK bytes).
REASON_PROMPT = reason_prompt()
#: How long the pad waits for a reason before the rating is sent without one.
REASON_TIMEOUT_S = 20.0


class RatingBook:
    """Open pad requests by (pad address, request id).

    After a 差评 on a pad whose screen can ask (profile ``[screen] ask_reason``), the
    book asks once more, for a reason: the screen lists them, a key picks one, and the
    rating goes out with it. No reason in time, or the pad lost mid-way: the rating goes
    out without one; it is never dropped and never tied to another ticket.
    """

    def __init__(self) -> None:
        self._open: dict[tuple[int, int], Rated] = {}
        self._reasons: dict[tuple[int, int], tuple[Rated, dict[str, Any], str | None]] = {}
        self._done: set[int] = set()  # tickets already sent for rating

    def asked(self, address: int, request_id: int, rated: Rated) -> None:
        """The pad at ``address`` now asks for a rating of ``rated``."""
        self._open[(address, request_id)] = rated

    def __len__(self) -> int:
        return len(self._open)

    def answer(
        self, event: RatingGiven | RatingTimedOut | RatingCancelled, pad: Any = None,
    ) -> tuple[Rated, dict[str, Any]] | None:
        """The ``rate`` request fields for a key, or None (timeout, cancel, unknown or
        already rated request, or a 差评 whose reason ``pad`` is now asking for)."""
        key = (event.address, event.request_id)
        if key in self._reasons:  # the answer to "why?"
            asked, given, screen = self._reasons.pop(key)
            if isinstance(event, RatingGiven) and event.score in REASONS:
                given = {**given, "reason": REASONS[event.score][1]}
            _show(pad, screen)
            return asked, given
        rated = self._open.pop(key, None)
        if rated is None or not isinstance(event, RatingGiven) or rated.ticket in self._done:
            return None
        self._done.add(rated.ticket)
        fields = {"window": rated.window, "ticket": rated.ticket, "score": event.score,
                  "channel": "pad"}
        if event.score <= 2 and _asks_reason(pad):
            screen = pad.screen_text
            try:
                pad.show_text(REASON_PROMPT)
                request_id = pad.request_rating(REASON_TIMEOUT_S)
            except (ValueError, OSError):
                _show(pad, screen)
                return rated, fields  # it cannot ask: rated without a reason
            self._reasons[(pad.address, request_id)] = (rated, fields, screen)
            return None
        return rated, fields


def _asks_reason(pad: Any) -> bool:
    screen = getattr(getattr(pad, "profile", None), "screen", None)
    return bool(getattr(screen, "ask_reason", False))


def _show(pad: Any, text: str | None) -> None:
    """Put the screen back as it was before the reason prompt (the clerk's card)."""
    if pad is None or not _asks_reason(pad):
        return
    try:
        pad.show_text(text or "")
    except (ValueError, OSError):
        pass


class _ScreenPad(Protocol):
    profile: Any

    def show_clerk(self, name: str, staff: str) -> None: ...

    def clear_screen(self) -> None: ...


class ClerkCard:
    """亮牌: a pad with a screen shows the signed-in clerk's name and staff number, and a
    pad that can shows the clerk's photo: ``<photos>/<staff number>.png`` (or ``.jpg``),
    a folder the station file names. A clerk without a photo file gets the text only."""

    def __init__(self, photos: Path | None = None) -> None:
        self.photos = photos
        self._shown: tuple[str, str] | None = None

    def update(self, pads: list[Any], staff: str | None, name: str | None) -> None:
        """Show ``staff``/``name`` on every pad with a screen when it changed."""
        clerk = (staff, name or "") if staff else None
        if clerk == self._shown:
            return
        self._shown = clerk
        for pad in pads:
            if getattr(pad.profile, "screen", None) is not None:
                if clerk is None:
                    pad.clear_screen()
                else:
                    pad.show_clerk(clerk[1], clerk[0])
            photo = getattr(pad.profile, "photo", None)
            if photo is not None:
                pad.show_photo(self._raster(clerk[0] if clerk else None, photo))

    def _raster(self, staff: str | None, photo: Any) -> bytes:
        """The clerk's photo as the pad's raster; blank without a clerk or a photo file."""
        blank = bytes(photo.size)
        if staff is None or self.photos is None:
            return blank
        for suffix in (".png", ".jpg", ".jpeg"):
            path = self.photos / f"{staff}{suffix}"
            if path.is_file():
                if path.stat().st_size > MAX_PHOTO_BYTES:
                    log.warning("%s is over %d bytes: not shown", path, MAX_PHOTO_BYTES)
                    return blank
                try:
                    return photo_raster(str(path), photo.width, photo.height)
                except (OSError, ValueError) as exc:
                    log.warning("cannot show the photo %s: %s", path, exc)
                    return blank
        log.info("no photo of clerk %s in %s", staff, self.photos)
        return blank
