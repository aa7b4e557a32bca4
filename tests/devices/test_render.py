"""Pictures of virtual bars and keypads: Chinese drawn as glyphs, nothing clipped."""

from __future__ import annotations

from PIL import ImageChops

from devices.virtual.render import LIT, render_bar, render_keypad


def lit_dots(picture: object) -> int:
    colors = picture.getcolors(1 << 20)  # type: ignore[attr-defined]
    return sum(count for count, color in colors if color == LIT)


def test_chinese_is_drawn_as_distinct_glyphs() -> None:
    # with a font lacking CJK every character is the same box: the pictures would match
    one, two = render_bar("请"), render_bar("号")
    assert ImageChops.difference(one, two).getbbox() is not None
    assert lit_dots(one) > 20 and lit_dots(two) > 20


def test_long_text_widens_the_bar_instead_of_clipping() -> None:
    short, long = render_bar("请A001号"), render_bar("请A001号到13号窗口办理")
    assert long.width > short.width
    # the rightmost column of dots stays dark: the last glyph is whole
    edge = long.crop((long.width - 8, 0, long.width, long.height))
    assert lit_dots(edge) == 0


def test_flashing_note_and_keypad_digits() -> None:
    assert render_bar("暂停服务", flashing=True).height > render_bar("暂停服务").height
    assert lit_dots(render_keypad(" 12001")) > lit_dots(render_keypad("     1"))
