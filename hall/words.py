"""Words every citizen-facing part says the same way: kiosk, printed ticket, phone page.

One function per phrase, so a change of wording (a wait range such as 约 15–25 分钟)
is made once. Each phrase is a Chinese template (also the key of the kiosk's Qt
translation) and its fields; ``ENGLISH`` gives the English for the printed ticket and
the phone page, which have no Qt.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

NO_WAIT = "无需等候"
ABOUT_MIN = "约 {m} 分钟"
ABOUT_RANGE = "约 {low}–{high} 分钟"
WITHIN_MIN = "约 {high} 分钟以内"
NO_ESTIMATE = "暂无法估计"
PRIORITY = "优先"
BOOKING = "预约"

#: English of the templates above (the kiosk's .ts carries the same).
ENGLISH = {
    NO_WAIT: "no wait",
    ABOUT_MIN: "about {m} min",
    ABOUT_RANGE: "about {low}–{high} min",
    WITHIN_MIN: "within about {high} min",
    NO_ESTIMATE: "no estimate for now",
    PRIORITY: "Priority",
    BOOKING: "Booking",
}


def _same(text: str) -> str:
    return text


def english(text: str) -> str:
    """The English of a template here (the template itself when it has none)."""
    return ENGLISH.get(text, text)


def wait_phrase(minutes: int | None, *, range_min: Sequence[int] | None = None,
                known: bool = True) -> tuple[str, dict[str, int]]:
    """The expected wait as a template and its fields, never 约 0 分钟.

    ``known`` False (no window can serve the service now, hall/forecast.py): 暂无法估计.
    With ``range_min`` (the protocol's ``wait_range_min``): 无需等候 when even its top is
    0, 约 {low}–{high} 分钟, 约 {high} 分钟以内 when it starts at 0, 约 N 分钟 when it is
    one figure. Without it: 无需等候 for 0 minutes (or None), else 约 N 分钟."""
    if not known:
        return NO_ESTIMATE, {}
    if range_min is None:
        m = int(minutes or 0)
        return (NO_WAIT, {}) if m <= 0 else (ABOUT_MIN, {"m": m})
    low, high = int(range_min[0]), int(range_min[1])
    if high <= 0:
        return NO_WAIT, {}
    if low <= 0:
        return WITHIN_MIN, {"high": high}
    if low >= high:
        return ABOUT_MIN, {"m": high}
    return ABOUT_RANGE, {"low": low, "high": high}


def wait_words(minutes: int | None, translate: Callable[[str], str] = _same, *,
               range_min: Sequence[int] | None = None, known: bool = True) -> str:
    """The expected wait in words (:func:`wait_phrase`), through ``translate`` (Qt's,
    or :func:`english`)."""
    template, fields = wait_phrase(minutes, range_min=range_min, known=known)
    return translate(template).format(**fields)


def ticket_mark(priority: bool, booking: bool) -> str:
    """What marks a ticket that is not an ordinary one: 预约 (a checked-in booking,
    served as priority), 优先 (priority), or nothing."""
    if booking:
        return BOOKING
    return PRIORITY if priority else ""
