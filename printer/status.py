"""Real-time printer status (``DLE EOT n``): pure decoding, and the plain-words reasons.

Each answer is one byte whose fixed bits are 0x12 (bits 1 and 4 set, bits 0 and 7
clear); a byte that does not fit is treated as no answer. No answer is *unknown*,
never *fine*.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

#: The status requests we send, in order: printer, offline cause, roll paper sensor.
QUERIES = (1, 2, 4)


def status_request(n: int) -> bytes:
    return bytes([0x10, 0x04, n])


class Paper(Enum):
    OK = "ok"
    NEAR_END = "near_end"
    OUT = "out"
    UNKNOWN = "unknown"


class Problem(Enum):
    """Why a ticket was not (or may not have been) printed; each with words for the kiosk."""

    UNREACHABLE = "unreachable"
    PAPER_OUT = "paper_out"
    COVER_OPEN = "cover_open"
    OFFLINE = "offline"
    PRINTER_ERROR = "printer_error"
    DISCONNECTED = "disconnected"
    NO_FONT = "no_font"

    @property
    def message(self) -> str:
        """Chinese and English, short enough for a kiosk screen."""
        return MESSAGES[self]


MESSAGES = {
    Problem.UNREACHABLE: "无法连接打印机 / Cannot reach the printer",
    Problem.PAPER_OUT: "打印机缺纸 / Printer out of paper",
    Problem.COVER_OPEN: "打印机盖未关 / Printer cover open",
    Problem.OFFLINE: "打印机离线 / Printer offline",
    Problem.PRINTER_ERROR: "打印机故障 / Printer error",
    Problem.DISCONNECTED: "打印中连接中断 / Connection lost while printing",
    Problem.NO_FONT: "缺少中文字体 / Chinese font missing",
}

PAPER_NEAR_END_MESSAGE = "打印纸即将用完 / Printer paper running low"


@dataclass(frozen=True)
class PrinterStatus:
    """What the printer said; ``None`` (or ``Paper.UNKNOWN``) where it did not answer."""

    online: bool | None = None
    cover_open: bool | None = None
    error: bool | None = None
    paper: Paper = Paper.UNKNOWN
    answers: tuple[tuple[int, int], ...] = ()  # (n, byte) as received

    @property
    def known(self) -> bool:
        """Whether the printer answered at all."""
        return bool(self.answers)

    @property
    def problem(self) -> Problem | None:
        """The first reason not to print, or None when nothing known stands in the way."""
        if self.paper is Paper.OUT:
            return Problem.PAPER_OUT
        if self.cover_open:
            return Problem.COVER_OPEN
        if self.error:
            return Problem.PRINTER_ERROR
        if self.online is False:
            return Problem.OFFLINE
        return None

    def describe(self) -> str:
        if not self.known:
            return "状态未知 / Status unknown (the printer did not answer)"
        if self.problem is not None:
            return self.problem.message
        if self.paper is Paper.NEAR_END:
            return PAPER_NEAR_END_MESSAGE
        return "打印机就绪 / Printer ready"


def valid_answer(byte: int) -> bool:
    return (byte & 0x93) == 0x12


def decode_status(answers: dict[int, int]) -> PrinterStatus:
    """A status from the answers received to ``DLE EOT n`` (n -> byte); pure.

    Bytes that are not status answers are ignored, as if the printer stayed silent.
    """
    good = {n: b for n, b in answers.items() if n in QUERIES and valid_answer(b)}
    online = cover = error = None
    paper = Paper.UNKNOWN
    if 1 in good:
        online = not good[1] & 0x08
    if 2 in good:
        cover = bool(good[2] & 0x04)
        error = bool(good[2] & 0x40)
        if good[2] & 0x20:
            paper = Paper.OUT
    if 4 in good:
        if good[4] & 0x60:
            paper = Paper.OUT
        elif paper is Paper.UNKNOWN:
            paper = Paper.NEAR_END if good[4] & 0x0C else Paper.OK
    return PrinterStatus(online, cover, error, paper, tuple(sorted(good.items())))


def answer_for(
    n: int,
    *,
    paper_out: bool = False,
    near_end: bool = False,
    cover_open: bool = False,
    offline: bool = False,
    error: bool = False,
) -> int:
    """The byte a printer in that state answers to ``DLE EOT n`` (for the virtual printer)."""
    byte = 0x12
    offline = offline or paper_out or cover_open or error
    if n == 1 and offline:
        byte |= 0x08
    elif n == 2:
        byte |= (0x04 if cover_open else 0) | (0x20 if paper_out else 0) | (0x40 if error else 0)
    elif n == 4:
        byte |= (0x60 if paper_out else 0) | (0x0C if near_end else 0)
    return byte
