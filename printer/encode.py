"""Layout items to ESC/POS bytes, per printer profile. Pure: no I/O.

Chinese-mode profiles (GB18030, GBK) send text between ``FS &`` and ``FS .``: ASCII
as single bytes, everything else as the profile's double-byte code (GB18030's
four-byte codes only for CJK Extension A, which GB18030 printer fonts carry). A line
holding a character the printer's font cannot print is drawn as a raster image
instead, so rare characters still come out; a character no font can draw is printed
as :data:`~printer.layout.MISSING_MARK`. Both kinds are reported, never turned into
``?``. Raster profiles draw every line.
"""

from __future__ import annotations

import logging
import unicodedata
from dataclasses import dataclass

import qrcode
from PIL import Image

from printer import escpos_bytes as cmd
from printer.glyphs import draw_line, has_glyph
from printer.layout import (
    MISSING_MARK,
    Align,
    Cut,
    Feed,
    LayoutItem,
    QrCode,
    TextLine,
    clean_text,
    wrap,
)
from printer.profile import Cutter, PrinterProfile, QrMode, TextMode

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class EncodedTicket:
    """The bytes for one ticket and what could not be printed as asked."""

    data: bytes
    #: Characters the profile's text mode cannot print (each once, in order): in a
    #: Chinese-mode profile, those the printer's font lacks (their lines went out as
    #: raster images); in a raster profile, those the CJK font lacks. Those also in
    #: :attr:`marked` were printed as ``□``.
    unencodable: tuple[str, ...] = ()
    #: Characters that no font could draw, printed as ``□``.
    marked: tuple[str, ...] = ()


def _printable(ch: str) -> bool:
    return not unicodedata.category(ch).startswith("C")


def native_bytes(ch: str, mode: TextMode) -> bytes | None:
    """The printer-font bytes for one character in Chinese mode, or None."""
    if " " <= ch <= "~":
        return ch.encode("ascii")
    if mode is TextMode.RASTER or not _printable(ch):
        return None
    try:
        data = ch.encode(mode.value)
    except UnicodeEncodeError:
        return None
    if len(data) == 2:
        return data
    if len(data) == 4 and mode is TextMode.GB18030 and 0x3400 <= ord(ch) <= 0x4DBF:
        return data
    return None


def _drawable(ch: str, px: int) -> bool:
    return _printable(ch) and has_glyph(ch, px)


class _Encoder:
    def __init__(self, profile: PrinterProfile) -> None:
        self.p = profile
        self.out = bytearray()
        self.unencodable: dict[str, None] = {}
        self.marked: dict[str, None] = {}
        self.chinese = profile.text_mode is not TextMode.RASTER

    def text(self, item: TextLine) -> None:
        w = min(max(item.width_scale, 1), 8)
        h = min(max(item.height_scale, 1), 8)
        text = clean_text(item.text)
        px = self.p.raster_font_px
        fixed = []
        for ch in text:
            if native_bytes(ch, self.p.text_mode) is None:
                drawable = _drawable(ch, px)
                if self.chinese or not drawable:
                    self.unencodable[ch] = None
                if not drawable:
                    self.marked[ch] = None
                    ch = MISSING_MARK
            fixed.append(ch)
        for line in wrap("".join(fixed), self.p.columns // w):
            encoded = [native_bytes(c, self.p.text_mode) for c in line]
            if self.chinese and all(b is not None for b in encoded):
                self.out += cmd.align(item.align.value) + cmd.bold(item.bold) + cmd.size(w, h)
                self.out += b"".join(b for b in encoded if b is not None) + cmd.LF
            else:
                img = draw_line(line, self.p.width_dots, item.align, w, h, item.bold, px)
                self.out += cmd.align(0) + cmd.raster(img)

    def qr(self, item: QrCode) -> None:
        # the most a version-40 QR code holds at this error correction level
        room = {"L": 2953, "M": 2331, "Q": 1663, "H": 1273}[self.p.qr_error_correction]
        payload = item.payload.encode("utf-8", "replace")
        if len(payload) > room:
            log.warning("QR payload of %s bytes cut to %s", len(payload), room)
            payload = payload[:room]
        self.out += cmd.align(Align.CENTER.value) + cmd.size(1, 1) + cmd.bold(False)
        if self.p.qr_mode is QrMode.NATIVE:
            self.out += cmd.qr_native(payload, self.p.qr_module_dots, self.p.qr_error_correction)
        else:
            self.out += cmd.align(0) + cmd.raster(qr_image(self.p, payload))

    def finish(self) -> None:
        self.out += cmd.size(1, 1) + cmd.bold(False) + cmd.align(0)
        self.out += cmd.feed(self.p.feed_before_cut_lines)
        if self.p.cutter is not Cutter.NONE:
            self.out += cmd.cut(self.p.cutter is Cutter.PARTIAL, 0)


def qr_image(profile: PrinterProfile, payload: bytes) -> Image.Image:
    """The QR code as a full-width 1-bit ink image (module size shrunk to fit the paper)."""
    ecc = {
        "L": qrcode.constants.ERROR_CORRECT_L,
        "M": qrcode.constants.ERROR_CORRECT_M,
        "Q": qrcode.constants.ERROR_CORRECT_Q,
        "H": qrcode.constants.ERROR_CORRECT_H,
    }[profile.qr_error_correction]
    qr = qrcode.QRCode(error_correction=ecc, border=4, box_size=1)
    qr.add_data(payload)
    qr.make(fit=True)
    matrix = qr.get_matrix()
    n = len(matrix)
    module = max(1, min(profile.qr_module_dots, profile.width_dots // n))
    small = Image.new("1", (n, n), 0)
    small.putdata([1 if cell else 0 for row in matrix for cell in row])
    big = small.resize((n * module, n * module), Image.Resampling.NEAREST)
    page = Image.new("1", (profile.width_dots, big.height), 0)
    page.paste(big, ((profile.width_dots - big.width) // 2, 0))
    return page


def encode_ticket(profile: PrinterProfile, items: list[LayoutItem]) -> EncodedTicket:
    """ESC/POS bytes for laid-out items, in the profile's text and QR modes.

    Never raises on any text; what cannot be printed is reported in the result.

    Raises:
        FontMissingError: a line must be drawn and no CJK font is installed.
    """
    enc = _Encoder(profile)
    enc.out += cmd.INIT
    if enc.chinese:
        enc.out += cmd.CHINESE_ON
    for item in items:
        if isinstance(item, TextLine):
            enc.text(item)
        elif isinstance(item, QrCode):
            enc.qr(item)
        elif isinstance(item, Feed):
            enc.out += cmd.feed(item.lines)
        elif isinstance(item, Cut):
            enc.finish()
    if enc.chinese:
        enc.out += cmd.CHINESE_OFF
    return EncodedTicket(bytes(enc.out), tuple(enc.unencodable), tuple(enc.marked))
