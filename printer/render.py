"""Printer bytes back to a picture of the paper: an interpreter for ESC/POS.

It understands what :mod:`printer.encode` emits (Chinese mode, GS ! sizes, bold,
alignment, GS v 0 raster images, GS ( k QR codes, feeds and cuts) and a few common
neighbours, and skips anything else. It never raises on any input: unknown commands
are skipped, truncated data is drawn as far as it goes, the page height is capped.

``render(data)`` gives the image plus the decoded text lines and QR payloads, so
tests can compare what would be printed with what was laid out.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import qrcode
from PIL import Image, ImageDraw

from printer.glyphs import LINE_GAP_DOTS, glyph
from printer.layout import COLUMN_DOTS, MISSING_MARK, char_columns

#: Pages are cut off below this height (a bad stream could feed forever).
MAX_HEIGHT_DOTS = 20000
#: QR codes drawn per job (a ticket has one; each costs a QR encoding): more are listed
#: in ``qr_payloads`` but not drawn.
MAX_QR_DRAWN = 8
LINE_DOTS = 24 + LINE_GAP_DOTS
DEFAULT_WIDTH_DOTS = 576
_ECC = {48: "L", 49: "M", 50: "Q", 51: "H"}


@dataclass
class _Char:
    ch: str
    w: int
    h: int
    bold: bool


@dataclass
class TextBlock:
    chars: list[_Char]
    align: int

    @property
    def text(self) -> str:
        return "".join(c.ch for c in self.chars)


@dataclass
class RasterBlock:
    image: Image.Image  # mode "1", set = ink


@dataclass
class QrBlock:
    payload: bytes
    module_dots: int
    ecc: str
    align: int


@dataclass
class FeedBlock:
    dots: int


@dataclass
class CutBlock:
    partial: bool


Block = TextBlock | RasterBlock | QrBlock | FeedBlock | CutBlock


@dataclass
class Rendered:
    """What the paper would show."""

    image: Image.Image  # mode "L", black ink on white
    lines: list[str]  # text printed in text mode, one entry per LF-ended line
    qr_payloads: list[str]  # native QR codes' data (GS ( k)
    rasters: list[Image.Image] = field(default_factory=list)  # every GS v 0 image, ink = 1
    cuts: int = 0
    qr_read: list[str] = field(default_factory=list)  # QR codes read back from the picture
    #: The job was longer than a page drawn here can be (MAX_HEIGHT_DOTS): the rest was
    #: not drawn (its text lines and QR payloads are still listed).
    truncated: bool = False


@dataclass
class _State:
    align: int = 0
    bold: bool = False
    w: int = 1
    h: int = 1
    fs_w: int = 1  # FS ! / FS W, Chinese characters only
    fs_h: int = 1
    chinese: bool = False
    qr_module: int = 3
    qr_ecc: str = "L"
    qr_data: bytes = b""


# ESC x commands with one parameter byte that we do not draw
_ESC_ONE = set(b"-3MRSTUVt{ %cr=Lg") | {0x2D}
_GS_ONE = set(b"BHLWfhwabPx")  # approximations: skip one byte (GS L/W/P take two, see below)
_GS_TWO = set(b"LWP")


class _Parser:
    def __init__(self, data: bytes) -> None:
        self.d = data
        self.i = 0
        self.s = _State()
        self.blocks: list[Block] = []
        self.line: list[_Char] = []
        self.line_align = 0

    def byte(self, k: int) -> int:
        j = self.i + k
        return self.d[j] if j < len(self.d) else -1

    def flush(self, force: bool = False) -> None:
        if self.line or force:
            self.blocks.append(TextBlock(self.line, self.line_align))
        self.line = []

    def add_char(self, ch: str, wide: bool) -> None:
        if not self.line:
            self.line_align = self.s.align
        w, h = self.s.w, self.s.h
        if wide:
            w, h = max(w, self.s.fs_w), max(h, self.s.fs_h)
        self.line.append(_Char(ch, w, h, self.s.bold))

    def run(self) -> list[Block]:
        d = self.d
        while self.i < len(d):
            b = d[self.i]
            if b == 0x0A:
                self.flush(force=True)
                self.i += 1
            elif b == 0x1B:
                self.esc()
            elif b == 0x1D:
                self.gs()
            elif b == 0x1C:
                self.fs()
            elif b == 0x10:
                self.i += 3  # DLE EOT n / DLE ENQ n: real-time, prints nothing
            elif b == 0x09:
                self.add_char(" ", False)
                self.i += 1
            elif b < 0x20 or b == 0x7F:
                self.i += 1
            elif b < 0x80:
                self.add_char(chr(b), False)
                self.i += 1
            else:
                self.high_byte(b)
        self.flush()
        return self.blocks

    def high_byte(self, b: int) -> None:
        if not self.s.chinese:
            self.add_char(bytes([b]).decode("cp437"), False)
            self.i += 1
            return
        b1 = self.byte(1)
        if 0x30 <= b1 <= 0x39:
            chunk = self.d[self.i : self.i + 4]
            self.i += 4
        else:
            chunk = self.d[self.i : self.i + 2]
            self.i += 2
        try:
            ch = chunk.decode("gb18030")
        except UnicodeDecodeError:
            ch = MISSING_MARK
        if len(ch) != 1:
            ch = MISSING_MARK
        self.add_char(ch, True)

    def esc(self) -> None:
        c, n = self.byte(1), self.byte(2)
        s = self.s
        if c == ord("@"):
            chinese = s.chinese
            self.s = _State(chinese=chinese)
            self.i += 2
        elif c == ord("a"):
            s.align = {0: 0, 1: 1, 2: 2, 48: 0, 49: 1, 50: 2}.get(n, s.align)
            self.i += 3
        elif c in (ord("E"), ord("G")):
            s.bold = n >= 0 and bool(n & 1)
            self.i += 3
        elif c == ord("!"):
            if n >= 0:
                s.bold = bool(n & 0x08)
                s.h = 2 if n & 0x10 else 1
                s.w = 2 if n & 0x20 else 1
            self.i += 3
        elif c == ord("d"):
            self.flush()
            self.blocks.append(FeedBlock(max(n, 0) * LINE_DOTS))
            self.i += 3
        elif c == ord("J"):
            self.flush()
            self.blocks.append(FeedBlock(max(n, 0)))
            self.i += 3
        elif c in (ord("i"), ord("m")):
            self.flush()
            self.blocks.append(CutBlock(c == ord("m")))
            self.i += 2
        elif c == ord("*"):
            count = max(self.byte(3), 0) + max(self.byte(4), 0) * 256
            self.i += 5 + count * (3 if n >= 32 else 1)
        elif c == ord("p"):
            self.i += 5
        elif c in _ESC_ONE:
            self.i += 3
        else:
            self.i += 2

    def gs(self) -> None:
        c, n = self.byte(1), self.byte(2)
        if c == ord("!"):
            if n >= 0:
                self.s.w = min((n >> 4) & 7, 7) + 1
                self.s.h = min(n & 7, 7) + 1
            self.i += 3
        elif c == ord("v") and n in (0x30, 0):
            self.raster()
        elif c == ord("(") and n >= 0:
            self.gs_paren()
        elif c == ord("V"):
            self.flush()
            self.blocks.append(CutBlock(n in (1, 49, 66, 98)))
            if n in (65, 66, 97, 98, 103, 104):
                self.blocks.append(FeedBlock(max(self.byte(3), 0)))
                self.i += 4
            else:
                self.i += 3
        elif c in _GS_TWO:
            self.i += 4
        elif c in _GS_ONE:
            self.i += 3
        else:
            self.i += 2

    def raster(self) -> None:
        mode = self.byte(3)
        head = self.d[self.i + 4 : self.i + 8]
        if len(head) < 4:
            self.i = len(self.d)
            return
        wb = head[0] + head[1] * 256
        rows = head[2] + head[3] * 256
        start = self.i + 8
        avail = len(self.d) - start
        if wb == 0:
            self.i = start
            return
        rows = min(rows, avail // wb, MAX_HEIGHT_DOTS)
        self.i = start + wb * rows
        if rows <= 0 or wb > 1024:
            return
        img = Image.frombytes("1", (wb * 8, rows), self.d[start : start + wb * rows])
        if mode in (1, 3, 49, 51):
            img = img.resize((img.width * 2, img.height), Image.Resampling.NEAREST)
        if mode in (2, 3, 50, 51):
            img = img.resize((img.width, img.height * 2), Image.Resampling.NEAREST)
        self.flush()
        self.blocks.append(RasterBlock(img))

    def gs_paren(self) -> None:
        kind = self.byte(2)
        size = max(self.byte(3), 0) + max(self.byte(4), 0) * 256
        body = self.d[self.i + 5 : self.i + 5 + size]
        self.i += 5 + size
        if kind != ord("k") or len(body) < 2 or body[0] != 49:
            return
        fn, params = body[1], body[2:]
        s = self.s
        if fn == 67 and params:
            s.qr_module = min(max(params[0], 1), 16)
        elif fn == 69 and params:
            s.qr_ecc = _ECC.get(params[0], s.qr_ecc)
        elif fn == 80 and params:
            s.qr_data = bytes(params[1:])
        elif fn == 81 and s.qr_data:
            self.flush()
            self.blocks.append(QrBlock(s.qr_data, s.qr_module, s.qr_ecc, s.align))

    def fs(self) -> None:
        c, n = self.byte(1), self.byte(2)
        s = self.s
        if c == ord("&"):
            s.chinese = True
            self.i += 2
        elif c == ord("."):
            s.chinese = False
            self.i += 2
        elif c == ord("!"):
            if n >= 0:
                s.fs_w = 2 if n & 0x04 else 1
                s.fs_h = 2 if n & 0x08 else 1
            self.i += 3
        elif c == ord("W"):
            s.fs_w = s.fs_h = 2 if n > 0 and n & 1 else 1
            self.i += 3
        elif c == ord("p"):
            self.i += 4
        elif c in (ord("C"), ord("-"), ord("S")):
            self.i += 3 if c != ord("S") else 4
        else:
            self.i += 2


def parse(data: bytes) -> list[Block]:
    """Decode a byte stream into printed blocks. Never raises."""
    return _Parser(bytes(data)).run()


def _qr_ink(block: QrBlock, width: int) -> Image.Image | None:
    ecc = {
        "L": qrcode.constants.ERROR_CORRECT_L,
        "M": qrcode.constants.ERROR_CORRECT_M,
        "Q": qrcode.constants.ERROR_CORRECT_Q,
        "H": qrcode.constants.ERROR_CORRECT_H,
    }[block.ecc]
    try:
        qr = qrcode.QRCode(error_correction=ecc, border=0, box_size=1)
        qr.add_data(block.payload)
        qr.make(fit=True)
    except Exception:  # too much data for any QR version: the printer prints nothing
        return None
    matrix = qr.get_matrix()
    n = len(matrix)
    small = Image.new("1", (n, n), 0)
    small.putdata([1 if cell else 0 for row in matrix for cell in row])
    module = max(1, min(block.module_dots, width // n))
    return small.resize((n * module, n * module), Image.Resampling.NEAREST)


def _text_rows(block: TextBlock, width: int) -> list[tuple[list[_Char], int]]:
    """Split one LF line into printed rows (the printer wraps at the right margin)."""
    rows: list[tuple[list[_Char], int]] = []
    row: list[_Char] = []
    used = 0
    for c in block.chars:
        cw = char_columns(c.ch) * COLUMN_DOTS * c.w
        if row and used + cw > width:
            rows.append((row, used))
            row, used = [], 0
        row.append(c)
        used += cw
    rows.append((row, used))
    return rows


def render(data: bytes, width_dots: int | None = None, read_qr: bool = False) -> Rendered:
    """Draw what ``data`` would print. Never raises on any bytes.

    ``width_dots`` defaults to the widest raster image (if any) or 576 (80 mm).
    ``read_qr`` also reads QR codes back from the picture (slower).
    """
    blocks = parse(data)
    rasters = [b.image for b in blocks if isinstance(b, RasterBlock)]
    if width_dots is None:
        widths = [r.width for r in rasters if r.width <= 2048]
        width_dots = max(widths) if widths else DEFAULT_WIDTH_DOTS
    width = max(8, min(width_dots, 4096))
    pieces: list[tuple[Image.Image | None, int]] = []  # (ink image or None for a gap, x)
    cuts = 0
    drawn = 0  # dots of paper so far: past a page, drawing stops (bounds time and memory)
    qr_drawn = 0

    def add(piece: Image.Image | None, x: int) -> None:
        nonlocal drawn
        pieces.append((piece, x))
        drawn += piece.height if piece is not None else (8 if x < 0 else x)

    for block in blocks:
        if drawn > MAX_HEIGHT_DOTS:
            break
        if isinstance(block, TextBlock):
            for row, used in _text_rows(block, width):
                if drawn > MAX_HEIGHT_DOTS:
                    break
                height = max((24 * c.h for c in row), default=24) + LINE_GAP_DOTS
                img = Image.new("1", (width, height), 0)
                x = {0: 0, 1: (width - used) // 2, 2: width - used}.get(block.align, 0)
                x = max(x, 0)
                for c in row:
                    cell = glyph(c.ch, 24, c.w, c.h, c.bold)
                    img.paste(cell, (x, height - LINE_GAP_DOTS - cell.height))
                    x += cell.width
                add(img, 0)
        elif isinstance(block, RasterBlock):
            add(block.image, 0)
        elif isinstance(block, QrBlock):
            qr_drawn += 1
            qr = _qr_ink(block, width) if qr_drawn <= MAX_QR_DRAWN else None
            if qr is not None:
                x = {0: 0, 1: (width - qr.width) // 2, 2: width - qr.width}.get(block.align, 0)
                add(qr, max(x, 0))
        elif isinstance(block, FeedBlock):
            add(None, block.dots)
        else:
            cuts += 1
            add(None, -1)
    margin = 16
    total = margin * 2 + sum(
        (p.height if p is not None else (8 if x < 0 else x)) for p, x in pieces
    )
    height = min(total, MAX_HEIGHT_DOTS)
    page = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(page)
    y = margin
    for piece, x in pieces:
        if y >= height:
            break
        if piece is None:
            if x < 0:  # the cut: a dashed line across the paper
                for dx in range(0, width, 12):
                    draw.line([(dx, y + 4), (dx + 6, y + 4)], fill=128, width=2)
                y += 8
            else:
                y += x
            continue
        ink = piece.crop((0, 0, min(piece.width, width - x), piece.height))
        page.paste(0, (x, y), ink)
        y += piece.height
    qr_payloads = [b.payload.decode("utf-8", "replace") for b in blocks if isinstance(b, QrBlock)]
    lines = [b.text for b in blocks if isinstance(b, TextBlock)]
    result = Rendered(page, lines, qr_payloads, rasters, cuts,
                      truncated=drawn + 32 > MAX_HEIGHT_DOTS or qr_drawn > MAX_QR_DRAWN)
    if read_qr:
        result.qr_read = read_qr_codes(page)
    return result


def read_qr_codes(image: Image.Image) -> list[str]:
    """The payloads of every QR code visible in the picture (top to bottom)."""
    import zxingcpp

    found = zxingcpp.read_barcodes(image.convert("L"))
    found = [r for r in found if r.format == zxingcpp.BarcodeFormat.QRCode]
    found.sort(key=lambda r: r.position.top_left.y)
    return [r.text for r in found]
