"""ID-card readers (身份证阅读器) by hardware profile (``hardware_profiles/idcards``).

``keyboard`` readers type the number and Enter (the window passes the keys on);
``serial`` readers write a line per card, read here on a thread of their own. Either
way only the first valid ID number of a line is kept, and only until the presenter
has hashed it.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from hall.profiles import load_raw
from kiosk.model import valid_id_number

log = logging.getLogger(__name__)

_CANDIDATE = re.compile(r"(?<![0-9])[0-9]{17}[0-9Xx](?![0-9A-Za-z])")


@dataclass(frozen=True)
class IdCardProfile:
    id: str
    name: str
    transport: str  # keyboard | serial
    baudrate: int = 9600
    line_end: bytes = b"\r\n"


def load_idcard_profile(profile_id: str, root: Path | None = None) -> IdCardProfile:
    """Raises hall.profiles.ProfileError naming the file and key."""
    raw = load_raw("idcards", profile_id, root)
    r = raw.reader()
    r.reject_unknown({"name", "kind", "source", "transport", "line_end", "serial"})
    transport = r.choice("transport", ("keyboard", "serial"))
    baudrate, line_end = 9600, b"\r\n"
    if transport == "serial":
        line_end = r.hex_bytes("line_end", b"\r\n")
        baudrate = r.table("serial").int_range("baudrate", 1200, 921600, 9600)
    return IdCardProfile(profile_id, r.get("name", str, profile_id), transport, baudrate,
                         line_end)


def find_id_number(text: str) -> str | None:
    """The first valid ID number in ``text`` (upper case), or None."""
    for match in _CANDIDATE.finditer(text):
        number = match.group(0).upper()
        if valid_id_number(number):
            return number
    return None


class LineSplitter:
    """Bytes in, complete lines out (a line longer than 512 bytes is dropped)."""

    def __init__(self, line_end: bytes) -> None:
        self._end = line_end or b"\n"
        self._buf = b""

    def feed(self, data: bytes) -> list[bytes]:
        self._buf += data
        *lines, self._buf = self._buf.split(self._end)
        if len(self._buf) > 512:
            self._buf = b""
        return lines


def decode_line(line: bytes) -> str:
    return line.decode("gbk", errors="replace")


class SerialIdReader:
    """Reads a serial ID-card reader on its own thread; ``on_number(id)`` runs there
    (wrap it in a Qt signal for the GUI). Reopens the port after errors."""

    def __init__(self, port: str, profile: IdCardProfile,
                 on_number: Callable[[str], None]) -> None:
        self.port, self.profile, self.on_number = port, profile, on_number
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="idcard", daemon=True)

    def start(self) -> SerialIdReader:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(2)

    def _run(self) -> None:
        import serial

        while not self._stop.is_set():
            try:
                with serial.Serial(self.port, self.profile.baudrate, timeout=0.2) as link:
                    splitter = LineSplitter(self.profile.line_end)
                    while not self._stop.is_set():
                        for line in splitter.feed(link.read(256)):
                            number = find_id_number(decode_line(line))
                            if number is not None:
                                self.on_number(number)
                            else:
                                log.warning("ID-card reader: a line without an ID number")
            except (OSError, serial.SerialException) as exc:
                log.warning("ID-card reader on %s: %s; retrying", self.port, exc)
                self._stop.wait(1.0)
