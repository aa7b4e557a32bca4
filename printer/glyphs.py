"""Drawing text lines as 1-bit images with the Noto Sans CJK SC font.

Used by the encoder for printers without a Chinese font (and for a line whose
characters the printer's font lacks), and by the renderer to show text printed in
Chinese mode. Both draw with the same character cells as the printer: 12×24 dots
for ASCII, 24×24 for everything else, scaled like ``GS !``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFont

from printer.layout import COLUMN_DOTS, Align, char_columns

#: Set to ``/path/font.ttc`` or ``/path/font.ttc#index`` to use another CJK font.
FONT_ENV = "JIAOHAO_CJK_FONT"
FONT_FAMILY = "Noto Sans CJK SC"

#: Blank rows under each text line (24-dot glyphs on the default 30-dot line spacing).
LINE_GAP_DOTS = 6


class FontMissingError(RuntimeError):
    """No CJK font to draw Chinese text with."""


@lru_cache(maxsize=2)
def font_file(bold: bool = False) -> tuple[str, int]:
    """(path, face index) of the CJK font, found with fontconfig.

    Raises:
        FontMissingError: ``fc-match`` is missing or finds no Noto Sans CJK SC.
    """
    env = os.environ.get(FONT_ENV)
    if env:
        path, _, index = env.partition("#")
        return path, int(index or 0)
    if shutil.which("fc-match") is None:
        raise FontMissingError(
            f"fc-match (fontconfig) not found; cannot find the {FONT_FAMILY} font. "
            f"Install fontconfig and fonts-noto-cjk, or set {FONT_ENV}."
        )
    pattern = f"{FONT_FAMILY}:bold" if bold else FONT_FAMILY
    out = subprocess.run(
        ["fc-match", "-f", "%{family}\n%{file}\n%{index}", pattern],
        capture_output=True,
        text=True,
        check=False,
        timeout=10,
    ).stdout.split("\n")
    if len(out) < 3 or FONT_FAMILY not in out[0] or not out[1]:
        raise FontMissingError(
            f"font {FONT_FAMILY!r} not installed (fontconfig offers {out[0]!r}); "
            f"install fonts-noto-cjk or set {FONT_ENV}"
        )
    return out[1], int(out[2] or 0)


@lru_cache(maxsize=8)
def _font(px: int, bold: bool) -> ImageFont.FreeTypeFont:
    path, index = font_file(bold)
    try:
        return ImageFont.truetype(path, px, index=index)
    except OSError as exc:
        raise FontMissingError(f"cannot load font {path}#{index}: {exc}") from exc


def _ink(ch: str, px: int) -> bytes:
    img = Image.new("L", (px * 2, px * 2), 0)
    ImageDraw.Draw(img).text((px, px), ch, fill=255, font=_font(px, False), anchor="mm")
    return img.tobytes()


@lru_cache(maxsize=4)
def _notdef(px: int) -> bytes:
    return _ink("\U0010fffd", px)


@lru_cache(maxsize=4096)
def has_glyph(ch: str, px: int = 24) -> bool:
    """Whether the CJK font draws ``ch`` (not its empty-box "notdef" glyph).

    Raises:
        FontMissingError: no CJK font.
    """
    if ch == " " or ch == "\u3000":
        return True
    return _ink(ch, px) != _notdef(px)


#: Where the baseline sits in a cell, as a share of its height: a full-width (CJK)
#: character fills the ideographic em box (7/8 above the baseline); a half-width one sits
#: higher, as in a printer's 12×24 font, to leave room for descenders (g, j, p, q, y).
_BASELINE_FULL = 21 / 24
_BASELINE_HALF = 19 / 24


def _baseline(ch: str, font: ImageFont.FreeTypeFont, size: int) -> int:
    """The baseline's row in a cell ``size`` high that keeps ``ch``'s ink inside it
    (moved up or down just enough when its ink would cross the top or the bottom;
    a character taller than the cell is centred)."""
    share = _BASELINE_FULL if char_columns(ch) > 1 else _BASELINE_HALF
    top, bottom = font.getbbox(ch, anchor="ls")[1::2]
    if bottom - top > size:
        return round((size - top - bottom) / 2)
    return int(min(max(round(size * share), -top), size - bottom))


@lru_cache(maxsize=4096)
def glyph(ch: str, px: int, w: int, h: int, bold: bool) -> Image.Image:
    """One character cell, 1-bit, (cell width × w) by (px × h)."""
    cell_w = char_columns(ch) * COLUMN_DOTS * px // 24
    size = px * h
    font = _font(size, bold)
    canvas = Image.new("L", (cell_w * h * 2, size), 0)
    draw = ImageDraw.Draw(canvas)
    draw.text((canvas.width // 2, _baseline(ch, font, size)), ch, fill=255, font=font,
              anchor="ms")
    box = canvas.getbbox()
    if box:
        ink = canvas.crop((box[0], 0, box[2], size))
        target_w = cell_w * w
        if ink.width > target_w or w != h:
            new_w = min(target_w, max(1, ink.width * w // h))
            ink = ink.resize((new_w, size), Image.Resampling.LANCZOS)
        cell = Image.new("L", (target_w, size), 0)
        cell.paste(ink, ((target_w - ink.width) // 2, 0))
    else:
        cell = Image.new("L", (cell_w * w, size), 0)
    return cell.point(lambda v: 255 if v >= 110 else 0).convert("1")


def line_width_dots(text: str, w: int = 1, px: int = 24) -> int:
    return sum(char_columns(c) for c in text) * COLUMN_DOTS * px // 24 * w


def draw_line(
    text: str,
    width_dots: int,
    align: Align = Align.LEFT,
    w: int = 1,
    h: int = 1,
    bold: bool = False,
    px: int = 24,
) -> Image.Image:
    """A full-width 1-bit image of one line (ink = 1), with the line gap underneath.

    Text wider than ``width_dots`` is clipped at the right edge (callers wrap first).

    Raises:
        FontMissingError: no CJK font.
    """
    height = px * h + LINE_GAP_DOTS
    img = Image.new("1", (width_dots, height), 0)
    total = line_width_dots(text, w, px)
    x = {Align.LEFT: 0, Align.CENTER: (width_dots - total) // 2, Align.RIGHT: width_dots - total}[
        align
    ]
    x = max(x, 0)
    for ch in text:
        cell = glyph(ch, px, w, h, bold)
        if x >= width_dots:
            break
        if ch != " ":
            img.paste(cell, (x, 0))
        x += cell.width
    return img
