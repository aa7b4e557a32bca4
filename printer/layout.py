"""The ticket layout: pure, from :class:`TicketContent` and a profile to layout items.

Widths are counted in Latin columns of 12 dots (font A): an ASCII character takes
one column, any other character two (a CJK glyph is 24 dots wide). This is exactly
how a Chinese-mode printer spaces text, and the raster drawing uses the same cells,
so a ticket looks the same in every text mode.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from hall.words import english, wait_words
from printer.profile import PrinterProfile

DEFAULT_NOTICE = "请留意叫号及大屏显示，过号请重新取号"
NOTICE_EN = "Listen for your number and watch the screens. A missed number needs a new ticket."

#: Printed in place of a character that neither the printer's font nor the CJK
#: drawing font has (the character is also reported, never silently turned into ``?``).
MISSING_MARK = "□"

#: Width of one Latin column in dots (font A is 12×24).
COLUMN_DOTS = 12


@dataclass(frozen=True)
class TicketContent:
    """Everything printed on one ticket. The kiosk builds it from a hub ``take_ticket``."""

    hall_name: str
    zone_name: str
    service_name: str
    number: str
    people_ahead: int
    taken_at: datetime
    qr_payload: str
    estimated_wait_min: int | None = None
    #: the 80 % range of the wait (take_ticket's wait_range_min); None: not given
    wait_range_min: tuple[int, ...] | None = None
    #: False when the hub could not estimate the wait (no window serves it now)
    wait_known: bool = True
    notice: str = DEFAULT_NOTICE
    #: 优先 or 预约 (hall.words.ticket_mark): printed above the number; "" for none
    mark: str = ""
    #: taken in English: English lines beside the Chinese (kept for the staff)
    english: bool = False
    hall_name_en: str = ""
    zone_name_en: str = ""
    service_name_en: str = ""


class Align(Enum):
    LEFT = 0
    CENTER = 1
    RIGHT = 2


@dataclass(frozen=True)
class TextLine:
    """One printed line of text (already wrapped to the paper width)."""

    text: str
    align: Align = Align.LEFT
    width_scale: int = 1  # 1..8, as GS !
    height_scale: int = 1
    bold: bool = False


@dataclass(frozen=True)
class QrCode:
    payload: str


@dataclass(frozen=True)
class Feed:
    lines: int


@dataclass(frozen=True)
class Cut:
    """Feed to the cutter and cut (or only feed, on a printer without one)."""


LayoutItem = TextLine | QrCode | Feed | Cut


def char_columns(ch: str) -> int:
    """Columns a character takes: 1 for printable ASCII, 2 for anything else."""
    return 1 if " " <= ch <= "~" else 2


def text_columns(text: str) -> int:
    return sum(char_columns(c) for c in text)


def clean_text(text: str) -> str:
    """Whitespace and line breaks become one space; other characters are kept."""
    out = []
    for ch in text:
        cat = unicodedata.category(ch)
        if ch in "\t\n\r\v\f" or cat in ("Zl", "Zp") or (cat == "Zs" and ch != "\u3000"):
            out.append(" ")
        else:
            out.append(ch)
    return re.sub(" +", " ", "".join(out)).strip(" ")


# A line should not start with these (Chinese line-breaking rule, 避头).
_NO_LINE_START = set("，。、；：？！）》」』】〕”’·…—,.;:?!)]}%")


def wrap(text: str, columns: int) -> list[str]:
    """Split ``text`` into lines of at most ``columns`` columns (at least one line).

    Breaks after CJK punctuation or at a space where it can, never leaves closing
    punctuation at the start of a line when the line before has room to take it back
    by one character, and never loses a character.
    """
    columns = max(columns, 2)
    lines: list[str] = []
    rest = text
    while text_columns(rest) > columns:
        used = 0
        cut = 0
        while cut < len(rest) and used + char_columns(rest[cut]) <= columns:
            used += char_columns(rest[cut])
            cut += 1
        cut = max(cut, 1)
        # prefer a break after a space or CJK punctuation in the last third of the line
        for i in range(cut, max(cut * 2 // 3, 1) - 1, -1):
            if i < len(rest) and (rest[i - 1] in " ，。、；：！？" or rest[i] == " "):
                cut = i
                break
        # do not start the next line with closing punctuation
        while 1 < cut < len(rest) and rest[cut] in _NO_LINE_START:
            cut -= 1
        lines.append(rest[:cut].rstrip(" ") or rest[:cut])
        rest = rest[cut:].lstrip(" ")
    lines.append(rest)
    return lines


def _lines(text: str, columns: int, **style: object) -> list[TextLine]:
    scale = int(style.get("width_scale", 1))  # type: ignore[call-overload]
    return [TextLine(line, **style) for line in wrap(clean_text(text), columns // scale)]  # type: ignore[arg-type]


def number_scale(number: str, columns: int) -> int:
    """The largest size (up to 4×) at which the ticket number fits on one line."""
    width = max(text_columns(number), 1)
    for scale in (4, 3, 2):
        if width * scale <= columns:
            return scale
    return 1


def layout_ticket(content: TicketContent, profile: PrinterProfile) -> list[LayoutItem]:
    """Lay out one ticket for the profile's paper width.

    Pure: the same content and profile always give the same items. Never raises on
    any text (it is wrapped, never cut).
    """
    cols = profile.columns
    center = Align.CENTER
    rule = TextLine("-" * cols, center)
    items: list[LayoutItem] = []
    en = content.english
    items += _lines(content.hall_name, cols, align=center, bold=True)
    if en and content.hall_name_en:
        items += _lines(content.hall_name_en, cols, align=center)
    names = [(content.zone_name, content.service_name)]
    if en:
        names.append((content.zone_name_en, content.service_name_en))
    for zone, service in names:
        parts = [p for p in (clean_text(zone), clean_text(service)) if p]
        joined = "  ".join(parts)
        for part in [joined] if text_columns(joined) <= cols else parts:
            items += _lines(part, cols, align=center)
    items.append(rule)
    if content.mark:
        mark = f"{content.mark} {english(content.mark)}" if en else f"{content.mark}号"
        items += _lines(f"★ {mark} ★", cols, align=center, width_scale=2, height_scale=2,
                        bold=True)
    number = clean_text(content.number)
    scale = number_scale(number, cols)
    items += _lines(number, cols, align=center, width_scale=scale, height_scale=scale, bold=True)
    ahead = content.people_ahead
    items += _lines(f"您前面还有 {ahead} 人等候" if ahead else "您前面没有人等候", cols,
                    align=center)
    if en:
        items += _lines(f"{ahead} people ahead of you" if ahead else "Nobody is ahead of you",
                        cols, align=center)
    if content.estimated_wait_min is not None or not content.wait_known:
        m, span = content.estimated_wait_min, content.wait_range_min
        words = wait_words(m, range_min=span, known=content.wait_known)
        # 预计等候约 15–25 分钟, but 无需等候 and 暂无法估计 stand alone
        items += _lines(f"预计等候{words}" if words.startswith("约") else words, cols,
                        align=center)
        if en:
            words = wait_words(m, english, range_min=span, known=content.wait_known)
            items += _lines(f"Expected wait: {words}" if words.startswith(("about", "within"))
                            else words.capitalize(), cols, align=center)
    items += _lines(f"取号时间：{content.taken_at:%Y-%m-%d %H:%M:%S}", cols, align=center)
    items.append(rule)
    items += _lines(content.notice, cols, align=center)
    if en and content.notice == DEFAULT_NOTICE:
        items += _lines(NOTICE_EN, cols, align=center)
    if content.qr_payload:
        items.append(QrCode(content.qr_payload))
    items.append(Cut())
    return items


def laid_out_text(items: Iterable[LayoutItem]) -> list[str]:
    """The text lines of a layout, in order (what a round trip must give back)."""
    return [item.text for item in items if isinstance(item, TextLine)]


def sample_content() -> TicketContent:
    """A sample ticket: Chinese names, CJK punctuation, full-width digits, a Latin number."""
    return TicketContent(
        hall_name="示例市政务服务中心",
        zone_name="一楼（１号厅）",
        service_name="办税服务·发票领用",
        number="A001",
        people_ahead=12,
        estimated_wait_min=25,
        taken_at=datetime(2026, 11, 21, 9, 30, 5),
        qr_payload="http://192.168.10.2:8765/t/1-5c0ffee5c0ffee51",
    )
