"""One rule for every cell the project writes into a spreadsheet (CSV or XLSX): no text
a spreadsheet program would evaluate as a formula (OWASP's CSV-injection rule).

A rating reason typed by a citizen, or a hall-config name beginning with ``=``, must
reach a manager's spreadsheet as the text it is, never as ``=HYPERLINK(…)`` or
``=cmd|' /C calc'!A0``. Text that begins (after any spaces) with ``=``, ``+``, ``-`` or
``@`` (or their full-width forms, which some spreadsheet programs accept as well), or
with a tab, carriage return or line feed, gets a leading apostrophe: every spreadsheet
then shows it as text, and a person still reads it. Numbers are left alone (``-2`` in a
number cell is a number, not a formula).
"""

from __future__ import annotations

#: First characters that make a spreadsheet read a text cell as a formula.
FORMULA_STARTS = frozenset("=+-@＝＋－＠")
#: Control characters that some programs skip before looking for one of those.
CONTROL_STARTS = frozenset("\t\r\n")


def formula_like(text: str) -> bool:
    """Whether a spreadsheet could evaluate ``text`` as a formula."""
    if not text:
        return False
    if text[0] in CONTROL_STARTS:
        return True
    stripped = text.lstrip(" \u3000")
    return bool(stripped) and stripped[0] in FORMULA_STARTS


def spreadsheet_cell(value: object) -> object:
    """``value`` as it may be written into a CSV or XLSX cell: text that could be read
    as a formula gets a leading ``'``; None becomes empty text; numbers, booleans and
    other text are unchanged."""
    if value is None:
        return ""
    if isinstance(value, str) and formula_like(value):
        return "'" + value
    return value
