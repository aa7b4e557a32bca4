"""Character cells keep every character's ink (descenders included)."""

from __future__ import annotations

import pytest
from PIL import Image, ImageDraw

from printer.glyphs import _font, glyph

CHARS = [chr(c) for c in range(0x21, 0x7F)] + list("中国号办税（）：，。、·")


@pytest.mark.parametrize(("w", "h"), [(1, 1), (2, 2), (1, 2)])
def test_no_ink_is_cut_off_at_the_top_or_bottom_of_a_cell(w: int, h: int) -> None:
    size = 24 * h
    cut = []
    for ch in CHARS:
        ink = _ink_height(ch, size)
        if ink > size:  # taller than any cell (such as "|"): centred
            continue
        box = glyph(ch, 24, w, h, False).getbbox()
        assert box is not None, ch
        # a cell narrower than the glyph is squeezed sideways, never in height;
        # 1-bit cells may lose a faint anti-aliased edge row
        if box[3] - box[1] < ink - 1:
            cut.append((ch, box[3] - box[1], ink))
    assert cut == []


def _ink_height(ch: str, size: int) -> int:
    """Rows of ink ``ch`` has when drawn with room all round, thresholded as cells are."""
    canvas = Image.new("L", (size * 3, size * 3), 0)
    ImageDraw.Draw(canvas).text((size, size * 2), ch, fill=255, font=_font(size, False),
                                anchor="ls")
    box = canvas.point(lambda v: 255 if v >= 110 else 0).getbbox()
    assert box is not None, ch
    return box[3] - box[1]


def test_latin_sits_on_one_baseline_and_descenders_go_below_it() -> None:
    rows = {ch: glyph(ch, 24, 1, 1, False).getbbox() for ch in "A0xgy"}
    assert rows["A"][3] == rows["0"][3] == rows["x"][3]  # one baseline
    assert rows["g"][3] > rows["A"][3] + 3  # the descender is drawn, below it
    assert glyph("中", 24, 1, 1, False).getbbox()[3] > rows["A"][3]
