"""The ESC/POS command bytes we emit (and the renderer understands)."""

from __future__ import annotations

from PIL import Image

ESC = b"\x1b"
GS = b"\x1d"
FS = b"\x1c"
DLE = b"\x10"

INIT = ESC + b"@"
LF = b"\n"
CHINESE_ON = FS + b"&"
CHINESE_OFF = FS + b"."

#: Raster bands are at most this many rows: some firmwares choke on taller images.
RASTER_BAND_ROWS = 256


def align(n: int) -> bytes:
    return ESC + b"a" + bytes([n])


def bold(on: bool) -> bytes:
    return ESC + b"E" + bytes([1 if on else 0])


def size(w: int, h: int) -> bytes:
    """GS ! n: character width and height multipliers 1..8."""
    return GS + b"!" + bytes([((w - 1) << 4) | (h - 1)])


def feed(lines: int) -> bytes:
    return ESC + b"d" + bytes([max(0, min(lines, 255))])


def cut(partial: bool, feed_lines: int) -> bytes:
    """GS V 66/65 n: feed n lines, then cut."""
    return GS + b"V" + bytes([66 if partial else 65, max(0, min(feed_lines, 255))])


def _gs_k(fn: int, params: bytes) -> bytes:
    body = bytes([49, fn]) + params  # cn = 49: QR code
    return GS + b"(k" + len(body).to_bytes(2, "little") + body


QR_ECC = {"L": 48, "M": 49, "Q": 50, "H": 51}


def qr_native(payload: bytes, module_dots: int, ecc: str) -> bytes:
    """GS ( k: model 2, module size, error correction, store the data, print it."""
    return (
        _gs_k(65, bytes([50, 0]))
        + _gs_k(67, bytes([module_dots]))
        + _gs_k(69, bytes([QR_ECC[ecc]]))
        + _gs_k(80, b"0" + payload)
        + _gs_k(81, b"0")
    )


def raster(image: Image.Image) -> bytes:
    """GS v 0 for a 1-bit image whose set pixels are ink, in bands.

    The image width must be a multiple of 8.
    """
    # PIL packs mode "1" rows MSB first with 1 = white; our images use 1 = ink,
    # which is exactly the printer's bit meaning.
    width_bytes = image.width // 8
    data = image.tobytes()
    out = bytearray()
    for top in range(0, image.height, RASTER_BAND_ROWS):
        rows = min(RASTER_BAND_ROWS, image.height - top)
        out += GS + b"v0\x00"
        out += width_bytes.to_bytes(2, "little") + rows.to_bytes(2, "little")
        out += data[top * width_bytes : (top + rows) * width_bytes]
    return bytes(out)
