"""Frame families spoken on hall serial lines, and an incremental frame splitter.

Three families cover the models we know of; each is a frozen dataclass built from a
profile's ``[framing]`` table:

- :class:`Ff68Format`: ``FF 68 L L 68 ADDR FUNC DATA… CS 16`` (L = 2 + len(DATA),
  CS = (ADDR + FUNC + ΣDATA) mod 256), the RS-485 keypad/pad bus.
- :class:`StxFormat`: ``STX AA C payload ETX KK``: a decimal ASCII address, one command
  character, a text payload and the checksum written as hex digits.
- :class:`BinaryFormat`: ``HEADER ADDR CMD LEN DATA CS TRAILER`` with the header, length
  width, checksum kind and trailer as profile data (LED bars).

Everything here is pure: no I/O, no clock. :class:`FrameSplitter` takes bytes in any
chunking and returns whole frames; garbage and broken frames are dropped and counted,
never raised.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol

#: parse() results that are not a frame
NEED_MORE = -1
BAD = -2


@dataclass(frozen=True)
class Frame:
    """One frame on a bus, whatever the family: who it is for or from, a command, data."""

    address: int
    func: int
    data: bytes = b""

    def __repr__(self) -> str:
        return f"Frame(address={self.address}, func=0x{self.func:02X}, data={self.data.hex(' ')!r})"


class Checksum(StrEnum):
    SUM8 = "sum8"
    XOR8 = "xor8"
    CRC16_MODBUS = "crc16-modbus"


def _crc16_table() -> tuple[int, ...]:
    table = []
    for byte in range(256):
        crc = byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
        table.append(crc)
    return tuple(table)


_CRC16_TABLE = _crc16_table()


def crc16_modbus(data: bytes | bytearray | memoryview) -> int:
    """CRC-16/MODBUS (poly 0x8005 reflected, init 0xFFFF); ``b"123456789"`` gives 0x4B37."""
    crc = 0xFFFF
    for byte in data:
        crc = (crc >> 8) ^ _CRC16_TABLE[(crc ^ byte) & 0xFF]
    return crc


def checksum(kind: Checksum, data: bytes | bytearray | memoryview) -> bytes:
    """The checksum bytes of ``data``: one byte for sum8/xor8, two (low byte first) for CRC."""
    if kind is Checksum.SUM8:
        return bytes([sum(data) & 0xFF])
    if kind is Checksum.XOR8:
        value = 0
        for byte in data:
            value ^= byte
        return bytes([value])
    return crc16_modbus(data).to_bytes(2, "little")


def checksum_size(kind: Checksum) -> int:
    return 2 if kind is Checksum.CRC16_MODBUS else 1


class FrameFormat(Protocol):
    """What a frame family offers the splitter and the codecs."""

    @property
    def start_bytes(self) -> bytes:
        """Bytes that can begin a frame (the splitter resynchronises on them)."""
        ...

    @property
    def preamble(self) -> bytes:
        """Filler a device may send just before a frame (not counted as garbage)."""
        ...

    def encode(self, frame: Frame) -> bytes:
        """The bytes of ``frame``. Raises ValueError when it cannot be written."""
        ...

    def parse(self, buf: bytes | bytearray, start: int) -> tuple[int, Frame | None]:
        """Read a frame beginning at ``buf[start]``: ``(end, frame)``, ``(NEED_MORE, None)``
        or ``(BAD, None)``. Never raises."""
        ...

    def corrupt(self, data: bytes) -> bytes:
        """``data`` (one encoded frame) with a wrong checksum, for fault injection."""
        ...


def _check_frame(frame: Frame, max_data: int) -> None:
    if not 0 <= frame.address <= 255:
        raise ValueError(f"address {frame.address} is not 0-255")
    if not 0 <= frame.func <= 255:
        raise ValueError(f"func {frame.func} is not 0-255")
    if len(frame.data) > max_data:
        raise ValueError(f"{len(frame.data)} data bytes, this format allows {max_data}")


@dataclass(frozen=True)
class Ff68Format:
    """``FF 68 L L 68 ADDR FUNC DATA… CS 16``; the FF preamble is optional on receive."""

    preamble: bytes = b"\xff"
    max_data: int = 253
    start_bytes: bytes = field(default=b"\x68", init=False)

    def encode(self, frame: Frame) -> bytes:
        _check_frame(frame, self.max_data)
        length = 2 + len(frame.data)
        body = bytes([frame.address, frame.func]) + frame.data
        return (
            self.preamble
            + bytes([0x68, length, length, 0x68])
            + body
            + checksum(Checksum.SUM8, body)
            + b"\x16"
        )

    def parse(self, buf: bytes | bytearray, start: int) -> tuple[int, Frame | None]:
        have = len(buf) - start
        if have < 4:
            # check what we have of the header so garbage is dropped early
            if have >= 3 and buf[start + 1] != buf[start + 2]:
                return BAD, None
            return NEED_MORE, None
        length = buf[start + 1]
        if buf[start] != 0x68 or buf[start + 3] != 0x68 or length != buf[start + 2]:
            return BAD, None
        if not 2 <= length <= self.max_data + 2:
            return BAD, None
        end = start + 4 + length + 2
        if len(buf) < end:
            return NEED_MORE, None
        body = bytes(buf[start + 4 : start + 4 + length])
        if buf[end - 1] != 0x16 or checksum(Checksum.SUM8, body)[0] != buf[end - 2]:
            return BAD, None
        return end, Frame(body[0], body[1], body[2:])

    def corrupt(self, data: bytes) -> bytes:
        return data[:-2] + bytes([(data[-2] + 1) & 0xFF]) + data[-1:]


@dataclass(frozen=True)
class StxFormat:
    """``STX AA C payload ETX KK``: ASCII address digits, one command character, the
    checksum of everything from the address to ETX written as uppercase hex digits."""

    checksum: Checksum = Checksum.XOR8
    address_digits: int = 2
    max_data: int = 200
    stx: int = 0x02
    etx: int = 0x03
    preamble: bytes = b""

    @property
    def start_bytes(self) -> bytes:
        return bytes([self.stx])

    @property
    def _cs_chars(self) -> int:
        return 2 * checksum_size(self.checksum)

    def _cs_text(self, covered: bytes) -> bytes:
        value = int.from_bytes(checksum(self.checksum, covered), "big")
        return f"{value:0{self._cs_chars}X}".encode("ascii")

    def encode(self, frame: Frame) -> bytes:
        _check_frame(frame, self.max_data)
        if frame.address >= 10**self.address_digits:
            raise ValueError(
                f"address {frame.address} needs more than {self.address_digits} digits"
            )
        if not 0x20 <= frame.func <= 0x7E:
            raise ValueError(f"command 0x{frame.func:02X} is not a printable ASCII character")
        if self.stx in frame.data or self.etx in frame.data:
            raise ValueError("payload contains STX or ETX")
        covered = (
            f"{frame.address:0{self.address_digits}d}".encode("ascii")
            + bytes([frame.func])
            + frame.data
            + bytes([self.etx])
        )
        return bytes([self.stx]) + covered + self._cs_text(covered)

    def parse(self, buf: bytes | bytearray, start: int) -> tuple[int, Frame | None]:
        digits = self.address_digits
        limit = start + 1 + digits + 1 + self.max_data  # last index ETX may have
        etx_at = -1
        index = start + 1
        stop = min(len(buf), limit + 1)
        while index < stop:
            byte = buf[index]
            if byte == self.etx:
                etx_at = index
                break
            if byte == self.stx:
                return BAD, None  # a new frame begins: this one was cut off
            index += 1
        if etx_at < 0:
            return (BAD, None) if len(buf) > limit else (NEED_MORE, None)
        end = etx_at + 1 + self._cs_chars
        if len(buf) < end:
            return NEED_MORE, None
        if etx_at < start + 1 + digits + 1:
            return BAD, None
        address_text = bytes(buf[start + 1 : start + 1 + digits])
        if not address_text.isdigit():
            return BAD, None
        covered = bytes(buf[start + 1 : etx_at + 1])
        if bytes(buf[etx_at + 1 : end]) != self._cs_text(covered):
            return BAD, None
        func = buf[start + 1 + digits]
        if not 0x20 <= func <= 0x7E:
            return BAD, None
        return end, Frame(int(address_text), func, bytes(buf[start + 2 + digits : etx_at]))

    def corrupt(self, data: bytes) -> bytes:
        last = data[-1:]
        return data[:-1] + (b"0" if last != b"0" else b"1")


@dataclass(frozen=True)
class BinaryFormat:
    """``HEADER ADDR CMD LEN DATA CS TRAILER``; LEN counts DATA only."""

    header: bytes
    checksum: Checksum = Checksum.SUM8
    length_bytes: int = 1
    length_order: str = "little"  # "little" | "big"
    checksum_from: str = "address"  # "address" | "header": where the checksum starts
    trailer: bytes = b""
    max_data: int = 250
    preamble: bytes = b""

    def __post_init__(self) -> None:
        if not self.header:
            raise ValueError("a binary frame format needs a header")
        if self.length_bytes not in (1, 2):
            raise ValueError("length_bytes must be 1 or 2")
        if self.max_data >= 256**self.length_bytes:
            raise ValueError("max_data does not fit the length field")

    @property
    def start_bytes(self) -> bytes:
        return self.header[:1]

    def _covered(self, frame_bytes: bytes | bytearray, start: int, cs_at: int) -> bytes:
        first = start if self.checksum_from == "header" else start + len(self.header)
        return bytes(frame_bytes[first:cs_at])

    def encode(self, frame: Frame) -> bytes:
        _check_frame(frame, self.max_data)
        head = (
            self.header
            + bytes([frame.address, frame.func])
            + len(frame.data).to_bytes(self.length_bytes, self.length_order)  # type: ignore[arg-type]
            + frame.data
        )
        return head + checksum(self.checksum, self._covered(head, 0, len(head))) + self.trailer

    def parse(self, buf: bytes | bytearray, start: int) -> tuple[int, Frame | None]:
        header = self.header
        have = len(buf) - start
        if bytes(buf[start : start + min(have, len(header))]) != header[: min(have, len(header))]:
            return BAD, None
        fixed = len(header) + 2 + self.length_bytes
        if have < fixed:
            return NEED_MORE, None
        at = start + len(header)
        length = int.from_bytes(buf[at + 2 : at + 2 + self.length_bytes], self.length_order)  # type: ignore[arg-type]
        if length > self.max_data:
            return BAD, None
        cs_at = start + fixed + length
        end = cs_at + checksum_size(self.checksum) + len(self.trailer)
        if len(buf) < end:
            return NEED_MORE, None
        expected = checksum(self.checksum, self._covered(buf, start, cs_at))
        if bytes(buf[cs_at : cs_at + len(expected)]) != expected:
            return BAD, None
        if bytes(buf[end - len(self.trailer) : end]) != self.trailer:
            return BAD, None
        return end, Frame(buf[at], buf[at + 1], bytes(buf[start + fixed : cs_at]))

    def corrupt(self, data: bytes) -> bytes:
        at = len(data) - len(self.trailer) - 1
        return data[:at] + bytes([(data[at] + 1) & 0xFF]) + data[at + 1 :]


def encode_frame(fmt: FrameFormat, frame: Frame) -> bytes:
    """The bytes of one frame. Raises ValueError when the frame does not fit the format."""
    return fmt.encode(frame)


def decode_frame(fmt: FrameFormat, data: bytes) -> Frame | None:
    """The frame that ``data`` is exactly (a leading preamble allowed), else None. Never raises."""
    start = len(data) - len(data.lstrip(fmt.preamble)) if fmt.preamble else 0
    if start >= len(data) or data[start] not in fmt.start_bytes:
        return None
    end, frame = fmt.parse(data, start)
    return frame if end == len(data) else None


class FrameSplitter:
    """Incremental: feed bytes as they arrive, get whole frames back.

    Bytes that cannot belong to a frame are dropped and counted in :attr:`dropped`
    (a broken frame counts as dropped bytes, too). A candidate frame that never
    completes is dropped by :meth:`flush` (the link calls it after a silent gap).
    """

    def __init__(self, fmt: FrameFormat) -> None:
        self._fmt = fmt
        self._buf = bytearray()
        self.dropped = 0
        self.frames = 0

    @property
    def pending(self) -> int:
        """Bytes held while waiting for the rest of a frame."""
        return len(self._buf)

    def feed(self, data: bytes) -> list[Frame]:
        """Add bytes; returns the frames they complete, oldest first. Never raises."""
        self._buf += data
        return self._scan(force=False)

    def flush(self) -> list[Frame]:
        """Give up on an incomplete frame: drop bytes until none are held; returns any
        whole frames found behind the dropped start."""
        return self._scan(force=True)

    def _scan(self, force: bool) -> list[Frame]:
        fmt = self._fmt
        buf = self._buf
        out: list[Frame] = []
        pos = 0
        pre = fmt.preamble[:1]
        while pos < len(buf):
            nxt = _find_any(buf, fmt.start_bytes, pos)
            gap_end = len(buf) if nxt < 0 else nxt
            run = 0
            if pre:
                while run < gap_end - pos and buf[gap_end - 1 - run] == pre[0]:
                    run += 1
            if nxt < 0:
                if force:
                    run = 0
                self.dropped += gap_end - pos - run
                pos = gap_end - run
                break
            end, frame = fmt.parse(buf, nxt)
            if frame is not None:
                self.dropped += nxt - pos - run
                out.append(frame)
                self.frames += 1
                pos = end
            elif end == NEED_MORE and not force:
                self.dropped += nxt - pos - run
                pos = nxt - run
                break
            else:  # BAD, or an incomplete frame being flushed: resync past its first byte
                self.dropped += nxt - pos + 1
                pos = nxt + 1
        del buf[:pos]
        return out


def _find_any(buf: bytearray, needles: bytes, start: int) -> int:
    if len(needles) == 1:
        return buf.find(needles, start)
    hits = [i for i in (buf.find(bytes([n]), start) for n in needles) if i >= 0]
    return min(hits) if hits else -1
