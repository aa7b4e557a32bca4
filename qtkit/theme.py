"""A calm, high-contrast theme with the minimums for elderly users.

Sizes are in dp: Qt's logical pixels, which Qt scales by the screen's device pixel
ratio. Text is at least 18 dp (adjustable up to 30), touch targets at least 60×60
dp, and every text colour is at least 4.5:1 against the background it sits on
(WCAG 2 contrast ratio, :func:`contrast_ratio`).
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from PySide6.QtGui import QColor, QGuiApplication, QPalette

MIN_TEXT_DP = 18
MAX_TEXT_DP = 30
MIN_TARGET_DP = 60
MIN_CONTRAST = 4.5


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def relative_luminance(colour: str) -> float:
    """WCAG relative luminance of ``#rrggbb``. Raises ValueError on another form."""
    text = colour.strip().lstrip("#")
    if len(text) != 6:
        raise ValueError(f"colour must look like #1a2b3c, not {colour!r}")
    r, g, b = (int(text[i:i + 2], 16) for i in (0, 2, 4))
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast_ratio(a: str, b: str) -> float:
    """WCAG contrast ratio of two colours, 1.0 (same) to 21.0 (black on white)."""
    la, lb = relative_luminance(a), relative_luminance(b)
    light, dark = max(la, lb), min(la, lb)
    return (light + 0.05) / (dark + 0.05)


@dataclass(frozen=True)
class Palette:
    """Colours as ``#rrggbb``. ``*_text`` colours are drawn on the colour they name."""

    background: str = "#f4f1ea"  # warm paper, not glaring white
    surface: str = "#ffffff"
    text: str = "#1b1b1b"
    muted: str = "#4a4a4a"  # secondary text, still 4.5:1 on background and surface
    accent: str = "#0b5394"  # buttons, the called number
    accent_text: str = "#ffffff"
    ok: str = "#1e6b34"
    ok_text: str = "#ffffff"
    warning: str = "#8a4b00"
    warning_text: str = "#ffffff"
    danger: str = "#a4161a"
    danger_text: str = "#ffffff"

    def text_pairs(self) -> list[tuple[str, str, str]]:
        """Every (name, text colour, background colour) the theme draws text with."""
        pairs = [("text/background", self.text, self.background),
                 ("text/surface", self.text, self.surface),
                 ("muted/background", self.muted, self.background),
                 ("muted/surface", self.muted, self.surface)]
        for f in fields(self):
            if f.name.endswith("_text"):
                base = f.name.removesuffix("_text")
                pairs.append((f.name, getattr(self, f.name), getattr(self, base)))
        return pairs


#: A dark variant for wall displays (bright text on a dark hall screen).
DARK = Palette(
    background="#101820", surface="#1c2833", text="#f5f5f5", muted="#c8ccd0",
    accent="#ffd54f", accent_text="#101820", ok="#81c784", ok_text="#101820",
    warning="#ffb74d", warning_text="#101820", danger="#ef9a9a", danger_text="#101820",
)


@dataclass(frozen=True)
class Theme:
    """Colours and sizes (dp). Make one with :func:`make_theme` to get checked sizes."""

    palette: Palette = Palette()
    text_dp: int = MIN_TEXT_DP
    target_dp: int = MIN_TARGET_DP

    @property
    def title_dp(self) -> int:
        return round(self.text_dp * 1.5)

    def stylesheet(self) -> str:
        """A Qt style sheet: colours, text size, and the minimum target size."""
        p = self.palette
        return f"""
QWidget {{ background: {p.background}; color: {p.text}; font-size: {self.text_dp}px; }}
QPushButton {{ background: {p.accent}; color: {p.accent_text}; border: none;
    border-radius: 8px; min-width: {self.target_dp}px; min-height: {self.target_dp}px;
    padding: 8px 16px; font-size: {self.text_dp}px; font-weight: bold; }}
QPushButton:disabled {{ background: {p.muted}; color: {p.surface}; }}
QPushButton:focus {{ outline: none; border: 3px solid {p.text}; }}
QLabel[role="title"] {{ font-size: {self.title_dp}px; font-weight: bold; }}
QLabel[role="muted"] {{ color: {p.muted}; }}
QLabel[role="problem"] {{ background: {p.danger}; color: {p.danger_text}; padding: 8px; }}
"""


def make_theme(text_dp: int = MIN_TEXT_DP, palette: Palette | None = None) -> Theme:
    """A theme with text of ``text_dp`` (18–30) and 60 dp targets.

    Raises:
        ValueError: text size outside 18–30 dp, or a palette whose text contrast is
            below 4.5:1 (the message names the pair).
    """
    if not MIN_TEXT_DP <= text_dp <= MAX_TEXT_DP:
        raise ValueError(f"text size must be {MIN_TEXT_DP}-{MAX_TEXT_DP} dp, not {text_dp}")
    chosen = palette or Palette()
    for name, fg, bg in chosen.text_pairs():
        ratio = contrast_ratio(fg, bg)
        if ratio < MIN_CONTRAST:
            raise ValueError(f"{name}: contrast {ratio:.2f}:1 is below {MIN_CONTRAST}:1")
    return Theme(palette=chosen, text_dp=text_dp)


def apply_theme(app: QGuiApplication, theme: Theme) -> None:
    """Give ``app`` the theme's palette, and its style sheet when it has widgets."""
    p = theme.palette
    palette = QPalette()
    palette.setColor(QPalette.ColorRole.Window, QColor(p.background))
    palette.setColor(QPalette.ColorRole.WindowText, QColor(p.text))
    palette.setColor(QPalette.ColorRole.Base, QColor(p.surface))
    palette.setColor(QPalette.ColorRole.Text, QColor(p.text))
    palette.setColor(QPalette.ColorRole.Button, QColor(p.accent))
    palette.setColor(QPalette.ColorRole.ButtonText, QColor(p.accent_text))
    palette.setColor(QPalette.ColorRole.Highlight, QColor(p.accent))
    palette.setColor(QPalette.ColorRole.HighlightedText, QColor(p.accent_text))
    app.setPalette(palette)
    set_style = getattr(app, "setStyleSheet", None)
    if set_style is not None:
        set_style(theme.stylesheet())
