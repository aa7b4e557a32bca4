"""The wall's layout at every supported size: parts inside the screen, apart, readable."""

from __future__ import annotations

import pytest

from display.layout import NUMBER_EM_LANDSCAPE, NUMBER_EM_PORTRAIT, Rect, plan

SIZES = [(1366, 768), (1920, 1080), (2560, 1440), (3840, 2160), (1080, 1920), (768, 1366)]


def _apart(a: Rect, b: Rect) -> bool:
    return a.right <= b.x or b.right <= a.x or a.bottom <= b.y or b.bottom <= a.y


@pytest.mark.parametrize(("w", "h"), SIZES)
def test_parts_lie_inside_the_screen_and_apart(w: int, h: int) -> None:
    p = plan(w, h)
    parts = [p.header, p.newest, p.recent, p.status, p.notice]
    for part in parts:
        assert part.x >= 0 and part.right <= w and part.y >= 0 and part.bottom <= h
    for i, a in enumerate(parts):
        for b in parts[i + 1:]:
            assert _apart(a, b), (a, b)
    assert p.portrait == (h > w)


@pytest.mark.parametrize(("w", "h"), SIZES)
def test_the_number_is_the_stated_fraction_and_fits(w: int, h: int) -> None:
    p = plan(w, h)
    fraction = NUMBER_EM_PORTRAIT if h > w else NUMBER_EM_LANDSCAPE
    assert p.number_px == round(fraction * h)
    # "A001" is about 2.5 em wide in a bold CJK font's Latin digits
    assert 2.5 * p.number_px < p.newest.w
    # the label, number, window and "办理" lines fit the panel's height
    assert 1.5 * p.label_px * 2 + 1.1 * p.number_px + 1.3 * p.window_px <= p.newest.h
    assert p.rows * p.row_h + p.row_h <= p.recent.h
    assert p.recent_capacity >= 10


def test_without_a_notice_the_strip_has_no_height() -> None:
    assert plan(1920, 1080, notice=False).notice.h == 0


def test_too_small_is_refused() -> None:
    with pytest.raises(ValueError, match="too small"):
        plan(300, 200)
