"""Numbers read the way a hall reads them, as lists of spoken parts.

Ticket numbers are read character by character: letters by their name, digits one by
one ("A001" → A 零 零 一; with 幺, A 零 零 幺). Window numbers are read as amounts
(12 → 十二, 101 → 一百零一). Each part is one clip of a recorded clip pack.
"""

from __future__ import annotations

DIGITS = "零一二三四五六七八九"
YAO = "幺"
UNITS = ("", "十", "百", "千")


def read_ticket(number: str, *, yao: bool = False) -> tuple[str, ...]:
    """The spoken parts of a ticket number: ``read_ticket("A001") == ("A", "零", "零", "一")``.

    Letters become upper case; characters that are neither letters nor digits
    ("-", spaces) are not spoken.
    """
    parts: list[str] = []
    for char in number:
        if char.isascii() and char.isdigit():
            parts.append(YAO if yao and char == "1" else DIGITS[int(char)])
        elif char.isascii() and char.isalpha():
            parts.append(char.upper())
    return tuple(parts)


def read_amount(value: int) -> tuple[str, ...]:
    """The spoken parts of a whole number from 0 to 9999 read as an amount:
    3 → 三, 10 → 十, 12 → 十 二, 20 → 二 十, 101 → 一 百 零 一, 1010 → 一 千 零 一 十.

    Raises:
        ValueError: ``value`` is outside 0..9999.
    """
    if not 0 <= value <= 9999:
        raise ValueError(f"cannot read {value} as an amount (0..9999)")
    if value == 0:
        return (DIGITS[0],)
    digits = [int(d) for d in str(value)]
    parts: list[str] = []
    zero_pending = False
    for position, digit in enumerate(digits):
        unit = UNITS[len(digits) - 1 - position]
        if digit == 0:
            zero_pending = bool(parts)
            continue
        if zero_pending:
            parts.append(DIGITS[0])
            zero_pending = False
        if not (digit == 1 and unit == "十" and not parts):  # 10..19: 十, not 一十
            parts.append(DIGITS[digit])
        if unit:
            parts.append(unit)
    return tuple(parts)


def read_ticket_en(number: str) -> str:
    """A ticket number for an English voice: its letters and digits spaced ("A 0 0 1")."""
    return " ".join(c.upper() for c in number if c.isascii() and c.isalnum())
