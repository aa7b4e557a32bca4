"""Printer profiles: ``hardware_profiles/printers/<id>.toml`` as a frozen dataclass."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from hall.profiles import ProfileError, list_profiles, load_raw

KIND = "printers"


class TextMode(Enum):
    """How the printer gets Chinese text."""

    GB18030 = "gb18030"  # resident GB18030 font, Chinese mode (FS & … FS .)
    GBK = "gbk"  # resident GBK font, Chinese mode
    RASTER = "raster"  # no Chinese font: text drawn with a CJK font, sent as GS v 0


class QrMode(Enum):
    NATIVE = "native"  # GS ( k
    IMAGE = "image"  # drawn, sent as GS v 0


class Cutter(Enum):
    PARTIAL = "partial"
    FULL = "full"
    NONE = "none"


_KEYS = {
    "name",
    "width_dots",
    "text_mode",
    "qr_mode",
    "qr_module_dots",
    "qr_error_correction",
    "cutter",
    "feed_before_cut_lines",
    "status_query",
    "status_timeout_s",
    "raster_font_px",
}


@dataclass(frozen=True)
class PrinterProfile:
    """What one printer model speaks. Built by :func:`load_printer_profile`."""

    id: str
    name: str
    width_dots: int
    text_mode: TextMode
    qr_mode: QrMode
    qr_module_dots: int = 6
    qr_error_correction: str = "M"
    cutter: Cutter = Cutter.PARTIAL
    feed_before_cut_lines: int = 3
    status_query: bool = True
    status_timeout_s: float = 0.5
    raster_font_px: int = 24
    file: Path | None = None

    @property
    def columns(self) -> int:
        """Latin (12-dot) columns per line; a CJK character takes two."""
        return self.width_dots // 12


def load_printer_profile(profile_id: str, root: Path | None = None) -> PrinterProfile:
    """Load and validate one printer profile (with everything it inherits).

    Raises:
        ProfileError: the file is missing, not TOML, or a key is missing, unknown,
            of the wrong type or out of range; the message names file and key.
    """
    raw = load_raw(KIND, profile_id, root)
    r = raw.reader()
    r.reject_unknown(_KEYS)
    width = r.int_range("width_dots", 96, 2048)
    if width % 8:
        raise r.error("width_dots", f"must be a multiple of 8, not {width}")
    timeout = r.get("status_timeout_s", float, 0.5)
    if not 0.05 <= timeout <= 10:
        raise r.error("status_timeout_s", f"must be between 0.05 and 10, not {timeout}")
    return PrinterProfile(
        id=profile_id,
        name=r.get("name", str),
        width_dots=width,
        text_mode=TextMode(r.choice("text_mode", tuple(m.value for m in TextMode))),
        qr_mode=QrMode(r.choice("qr_mode", tuple(m.value for m in QrMode))),
        qr_module_dots=r.int_range("qr_module_dots", 1, 16, 6),
        qr_error_correction=r.choice("qr_error_correction", ("L", "M", "Q", "H"), "M"),
        cutter=Cutter(r.choice("cutter", tuple(c.value for c in Cutter), "partial")),
        feed_before_cut_lines=r.int_range("feed_before_cut_lines", 0, 20, 3),
        status_query=r.get("status_query", bool, True),
        status_timeout_s=timeout,
        raster_font_px=r.int_range("raster_font_px", 16, 48, 24),
        file=raw.file,
    )


def printer_profile_ids(root: Path | None = None) -> list[str]:
    """Ids of every printer profile."""
    return list_profiles(KIND, root)


__all__ = [
    "Cutter",
    "PrinterProfile",
    "ProfileError",
    "QrMode",
    "TextMode",
    "load_printer_profile",
    "printer_profile_ids",
]
