"""Words every citizen-facing part says the same way: kiosk, printed ticket, phone page.

One function per phrase, so a change of wording (a wait range such as 约 15–25 分钟)
is made once. Each phrase is a Chinese template (also the key of the kiosk's Qt
translation) and its fields; ``ENGLISH`` gives the English for the printed ticket and
the phone page, which have no Qt.
"""

from __future__ import annotations

from collections.abc import Callable

NO_WAIT = "无需等候"
ABOUT_MIN = "约 {m} 分钟"
PRIORITY = "优先"
BOOKING = "预约"

#: English of the templates above (the kiosk's .ts carries the same).
ENGLISH = {
    NO_WAIT: "no wait",
    ABOUT_MIN: "about {m} min",
    PRIORITY: "Priority",
    BOOKING: "Booking",
}


def _same(text: str) -> str:
    return text


def english(text: str) -> str:
    """The English of a template here (the template itself when it has none)."""
    return ENGLISH.get(text, text)


def wait_phrase(minutes: int | None) -> tuple[str, dict[str, int]]:
    """The expected wait as a template and its fields: 无需等候 for no wait, else
    约 N 分钟. ``None`` (not known) reads as no wait only when it is 0."""
    m = int(minutes or 0)
    if m <= 0:
        return NO_WAIT, {}
    return ABOUT_MIN, {"m": m}


def wait_words(minutes: int | None, translate: Callable[[str], str] = _same) -> str:
    """The expected wait in words, through ``translate`` (Qt's, or :func:`english`)."""
    template, fields = wait_phrase(minutes)
    return translate(template).format(**fields)


def ticket_mark(priority: bool, booking: bool) -> str:
    """What marks a ticket that is not an ordinary one: 预约 (a checked-in booking,
    served as priority), 优先 (priority), or nothing."""
    if booking:
        return BOOKING
    return PRIORITY if priority else ""
