"""Pictures of what a virtual LED bar or keypad shows, to look at as a person would.

An LED bar is a matrix of red dots, 16 per character row; the text is drawn at that
resolution with a CJK font and each lit pixel becomes a dot.
"""

from __future__ import annotations

import functools
import logging
import shutil
import subprocess

from PIL import Image, ImageDraw, ImageFont

log = logging.getLogger(__name__)

ROWS = 16  # dot rows of a one-line bar (one 16×16 character high)
LIT = (255, 40, 20)
DARK = (45, 12, 10)
BACK = (12, 12, 12)

FontType = ImageFont.FreeTypeFont | ImageFont.ImageFont


@functools.lru_cache(maxsize=4)
def cjk_font(size: int) -> FontType:
    """A font with Chinese glyphs (found through fontconfig), else Pillow's default
    (which draws boxes for Chinese, and says so in the log)."""
    fc = shutil.which("fc-match")
    if fc is not None:
        try:
            path = subprocess.run(
                [fc, "-f", "%{file}", "Noto Sans CJK SC:lang=zh-cn"],
                capture_output=True, text=True, timeout=5, check=False,
            ).stdout.strip()
            if path:
                return ImageFont.truetype(path, size)
        except (OSError, subprocess.SubprocessError) as exc:
            log.debug("fc-match failed: %s", exc)
    log.warning("no CJK font found: Chinese will show as boxes")
    return ImageFont.load_default()


def _dots(mask: Image.Image, dot_px: int) -> Image.Image:
    width, height = mask.size
    out = Image.new("RGB", (width * dot_px + dot_px, height * dot_px + dot_px), BACK)
    draw = ImageDraw.Draw(out)
    pixels = mask.load()
    assert pixels is not None
    radius = max(1, dot_px * 2 // 5)
    for y in range(height):
        for x in range(width):
            cx, cy = dot_px + x * dot_px, dot_px + y * dot_px
            on = pixels[x, y] > 110  # type: ignore[operator]
            draw.ellipse((cx - radius, cy - radius, cx + radius, cy + radius),
                         fill=LIT if on else DARK)
    return out


def render_bar(
    text: str, *, chars: int = 8, flashing: bool = False, dot_px: int = 5
) -> Image.Image:
    """The bar showing ``text``: ``chars`` 16×16 cells wide (wider if the text needs it,
    as a scrolling bar would show it over time); a flashing bar gets a note below."""
    font = cjk_font(ROWS)
    left, _top, right, _bottom = font.getbbox(text) if text else (0, 0, 0, 0)
    width = max(chars * ROWS, int(right - min(left, 0)) + 4)
    mask = Image.new("L", (width, ROWS), 0)
    ImageDraw.Draw(mask).text((max(0, (width - right) // 2), ROWS // 2), text, fill=255,
                              font=font, anchor="lm")
    picture = _dots(mask, dot_px)
    if not flashing:
        return picture
    note = Image.new("RGB", (picture.width, 28), BACK)
    ImageDraw.Draw(note).text((6, 14), "闪烁 flashing", fill=(200, 200, 200),
                              font=cjk_font(18), anchor="lm")
    both = Image.new("RGB", (picture.width, picture.height + note.height), BACK)
    both.paste(picture, (0, 0))
    both.paste(note, (0, picture.height))
    return both


def render_keypad(display: str, *, group: int = 3, dot_px: int = 4) -> Image.Image:
    """The keypad's digit cells (``display`` as read off the twin, blanks as spaces),
    with a gap after every ``group`` cells (waiting count | ticket)."""
    font = cjk_font(ROWS)
    cell, gap = ROWS // 2 + 2, ROWS // 2
    groups = max(0, (len(display) - 1) // group)
    mask = Image.new("L", (cell * len(display) + gap * groups, ROWS), 0)
    draw = ImageDraw.Draw(mask)
    for i, char in enumerate(display):
        x = i * cell + (i // group) * gap + cell // 2
        draw.text((x, ROWS // 2), char, fill=255, font=font, anchor="mm")
    return _dots(mask, dot_px)
