"""Fonts, theme and screenshots: what a person sees."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QLabel

from qtkit.fonts import SAMPLE, pick_cjk_family, setup_fonts
from qtkit.screenshot import grab
from qtkit.theme import (
    DARK,
    MIN_CONTRAST,
    MIN_TARGET_DP,
    Palette,
    contrast_ratio,
    make_theme,
)


def test_contrast_ratio_matches_wcag() -> None:
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast_ratio("#ffffff", "#000000") == pytest.approx(21.0)
    assert contrast_ratio("#777777", "#777777") == pytest.approx(1.0)
    assert contrast_ratio("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)
    with pytest.raises(ValueError, match="#1a2b3c"):
        contrast_ratio("red", "#ffffff")


@pytest.mark.parametrize("palette", [Palette(), DARK], ids=["light", "dark"])
def test_every_text_colour_meets_the_minimum_contrast(palette: Palette) -> None:
    for name, fg, bg in palette.text_pairs():
        assert contrast_ratio(fg, bg) >= MIN_CONTRAST, name


def test_theme_sizes_and_refusals() -> None:
    assert make_theme().text_dp == 18 and make_theme(30).text_dp == 30
    assert make_theme().target_dp == MIN_TARGET_DP
    for bad in (17, 31):
        with pytest.raises(ValueError, match="18-30"):
            make_theme(bad)
    with pytest.raises(ValueError, match="text/background"):
        make_theme(palette=Palette(text="#dddddd"))
    assert f"min-height: {MIN_TARGET_DP}px" in make_theme().stylesheet()


def test_the_preferred_cjk_family_is_picked() -> None:
    assert pick_cjk_family(["DejaVu Sans", "WenQuanYi Zen Hei", "Noto Sans CJK SC"]) == (
        "Noto Sans CJK SC")
    assert pick_cjk_family(["DejaVu Sans"], ["Some Hei"]) == "Some Hei"
    assert pick_cjk_family(["DejaVu Sans"]) is None


def test_no_cjk_font_is_said_plainly(qtbot: Any, caplog: pytest.LogCaptureFixture) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    before = app.font()
    setup = setup_fonts(app, installed=(["DejaVu Sans"], []))
    assert not setup.ok and "fonts-noto-cjk" in setup.problem and "中文字体" in setup.problem
    assert "fonts-noto-cjk" in caplog.text
    assert app.font() == before


def test_this_machine_has_the_cjk_font_and_it_draws(qtbot: Any, tmp_path: Path) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    before = app.font()
    try:
        setup = setup_fonts(app, pixel_size=24)
        assert setup.ok and setup.family == "Noto Sans CJK SC", setup.problem
        label = QLabel(SAMPLE)
        qtbot.addWidget(label)
        path = grab(label, tmp_path / "sample.png")
        image = QImage(str(path))
        assert image.width() > 100 and image.height() > 10
    finally:
        app.setFont(before)
