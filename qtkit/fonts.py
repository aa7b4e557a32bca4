"""CJK fonts: pick a family that has Chinese, and say so plainly when none is installed.

Without a CJK font Qt draws boxes (豆腐) for every Chinese character, which on a
kiosk is worse than an error: so ``setup_fonts`` returns a problem text the app shows
on screen, and logs it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass

from PySide6.QtGui import QFont, QFontDatabase, QGuiApplication

log = logging.getLogger(__name__)

#: Families tried in this order (the first is what the project is tested with).
PREFERRED_FAMILIES = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "Noto Sans SC",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "Microsoft YaHei",
    "PingFang SC",
    "Droid Sans Fallback",
)

#: What to install on Debian/Ubuntu (named in the problem text).
DEBIAN_PACKAGE = "fonts-noto-cjk"

#: A line of text that shows at a glance whether Chinese renders.
SAMPLE = "请A001号到3号窗口办理"


@dataclass(frozen=True)
class FontSetup:
    """The family chosen (None when no CJK font was found) and the problem, if any."""

    family: str | None
    problem: str = ""

    @property
    def ok(self) -> bool:
        return self.family is not None


def pick_cjk_family(
    available: Iterable[str], with_chinese: Iterable[str] = ()
) -> str | None:
    """The first of :data:`PREFERRED_FAMILIES` in ``available``, else the first family
    known to support Simplified Chinese (``with_chinese``), else None."""
    names = set(available)
    for family in PREFERRED_FAMILIES:
        if family in names:
            return family
    return next(iter(sorted(with_chinese)), None)


def _installed() -> tuple[list[str], list[str]]:
    families = list(QFontDatabase.families())
    chinese = list(QFontDatabase.families(QFontDatabase.WritingSystem.SimplifiedChinese))
    return families, chinese


def setup_fonts(
    app: QGuiApplication, pixel_size: int | None = None,
    installed: tuple[Iterable[str], Iterable[str]] | None = None,
) -> FontSetup:
    """Make a CJK family the application's default font.

    ``installed`` (all families, families with Simplified Chinese) is for tests;
    by default Qt's font database is asked. Never raises: when no CJK font is
    installed the returned ``FontSetup.problem`` says so (and what to install).
    """
    families, chinese = installed if installed is not None else _installed()
    family = pick_cjk_family(families, chinese)
    if family is None:
        problem = (f"没有安装中文字体，汉字会显示成方框。请安装 {DEBIAN_PACKAGE}"
                   f"（sudo apt-get install {DEBIAN_PACKAGE}）。 "
                   f"No CJK font is installed: Chinese would show as boxes; "
                   f"install {DEBIAN_PACKAGE}.")
        log.error("%s", problem)
        return FontSetup(None, problem)
    font = QFont(family)
    if pixel_size is not None:
        font.setPixelSize(pixel_size)
    app.setFont(font)
    log.info("using font family %s", family)
    return FontSetup(family)
