"""Calling keypads (呼叫器): pure codecs both ways and the :class:`Keypad` driver.

Keypad → host: a key frame whose last data byte is the key; bytes before it are the
digits typed (confirm reads the byte before it as a function: 6 = skip, 0 = hang…).
Host → keypad: :class:`ShowDisplay` (ticket and waiting count on the digit cells) and
:class:`Beep`. ``decode_*`` never raise; ``encode_*`` raise ValueError.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from devices.events import KeyAction
from devices.framing import Frame, decode_frame
from devices.link import BusDevice, SerialLink
from devices.profiles import KeypadProfile

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ShowDisplay:
    """``ticket`` (its digits, e.g. "A001" shows 001) on the right half of the cells,
    ``waiting`` on the left half; None leaves that half blank."""

    ticket: str | None = None
    waiting: int | None = None


@dataclass(frozen=True)
class Beep:
    pass


@dataclass(frozen=True)
class RawCells:
    """Cells as read back by a keypad (for twins): each 0-9 or ``blank``."""

    cells: tuple[int, ...]


KeypadCommand = ShowDisplay | Beep


def display_cells(profile: KeypadProfile, ticket: str | None, waiting: int | None) -> bytes:
    """Digit cells: waiting count left, ticket digits right, blanks elsewhere.
    Raises ValueError for a negative waiting count."""
    half = profile.cells // 2
    right_width = profile.cells - half

    def digits_of(text: str, width: int, pad_zero: bool) -> list[int]:
        ds = [int(c) for c in text if c.isdigit()][-width:]
        fill = 0 if pad_zero else profile.blank
        return [fill] * (width - len(ds)) + ds

    left = [profile.blank] * half
    if waiting is not None:
        if waiting < 0:
            raise ValueError(f"waiting count {waiting} is negative")
        left = digits_of(str(min(waiting, 10**half - 1)), half, pad_zero=False)
    right = [profile.blank] * right_width
    if ticket is not None:
        right = digits_of(ticket, right_width, pad_zero=True) if ticket else right
    return bytes(left + right)


def keypad_frame(profile: KeypadProfile, address: int, command: KeypadCommand) -> Frame:
    """The frame of a host→keypad command. Raises ValueError."""
    if isinstance(command, Beep):
        return profile.beep.frame(address)
    cells = display_cells(profile, command.ticket, command.waiting)
    return Frame(address, profile.display.func, profile.display.data + cells)


def encode_keypad(profile: KeypadProfile, address: int, command: KeypadCommand) -> bytes:
    """Bytes of a host→keypad command. Raises ValueError."""
    return profile.framing.encode(keypad_frame(profile, address, command))


def decode_keypad_command(
    profile: KeypadProfile, data: bytes
) -> tuple[int, Beep | RawCells] | None:
    """``(address, command)`` of one whole host→keypad frame, or None. Never raises."""
    frame = decode_frame(profile.framing, data)
    if frame is None:
        return None
    if frame.func == profile.beep.func and frame.data == profile.beep.data:
        return frame.address, Beep()
    prefix = profile.display.data
    if frame.func == profile.display.func and frame.data.startswith(prefix):
        cells = frame.data[len(prefix) :]
        if len(cells) == profile.cells and all(c <= 9 or c == profile.blank for c in cells):
            return frame.address, RawCells(tuple(cells))
    return None


def cells_text(profile: KeypadProfile, cells: tuple[int, ...]) -> str:
    """Cells as a person reads them: digits, blanks as spaces."""
    return "".join(" " if c == profile.blank else str(c) for c in cells)


def key_frame(profile: KeypadProfile, address: int, key: int, digits: str = "") -> Frame:
    """The frame a keypad sends for ``key`` after typing ``digits``. Raises ValueError."""
    if not digits.isdigit() and digits:
        raise ValueError(f"digits must be 0-9, not {digits!r}")
    func = profile.key_func if profile.key_func is not None else 0x01
    return Frame(address, func, bytes(int(d) for d in digits) + bytes([key]))


def encode_key(profile: KeypadProfile, address: int, key: int, digits: str = "") -> bytes:
    """Bytes a keypad sends for a key (for twins and tests). Raises ValueError."""
    return profile.framing.encode(key_frame(profile, address, key, digits))


#: Confirm functions that take a number typed after the function digit: 回呼 12 is
#: ``3 1 2 confirm`` (``03 01 02 0F`` on the ff68 keypad) and calls A012 back.
NUMBER_ACTIONS = frozenset({"call_back"})


def action_frame(profile: KeypadProfile, address: int, action: str, digits: str = "") -> Frame:
    """The frame a keypad sends for ``action`` with a number typed: the digits before a
    key, or after a confirm function's digit (for twins). Raises ValueError."""
    code, before = code_for(profile, action)
    if before and digits:
        if action not in NUMBER_ACTIONS:
            raise ValueError(f"{action} takes no number on keypad {profile.id}")
        return key_frame(profile, address, code, before + digits)
    return key_frame(profile, address, code, digits or before)


def code_for(profile: KeypadProfile, action: str) -> tuple[int, str]:
    """``(key, digits)`` a keypad sends for ``action`` (for twins). Raises ValueError."""
    for code, name in profile.keys.items():
        if name == action:
            return code, ""
    for before, name in profile.confirm_actions.items():
        if name == action:
            return profile.confirm_key, str(before)
    if action == "enter":
        return profile.confirm_key, ""
    raise ValueError(f"keypad profile {profile.id} has no key for {action!r}")


def action_from_frame(profile: KeypadProfile, frame: Frame) -> KeyAction | None:
    """The key action a keypad frame carries, or None."""
    if not frame.data:
        return None
    if profile.key_func is not None:
        if frame.func != profile.key_func:
            return None
    elif frame.func in (profile.display.func, profile.beep.func):
        return None
    *before, last = frame.data
    if any(b > 9 for b in before):
        return None
    digits = "".join(str(b) for b in before)
    if last == profile.confirm_key:
        function = profile.confirm_actions.get(before[0]) if before else None
        if function is not None and len(before) == 1:
            return KeyAction(frame.address, function)
        if function in NUMBER_ACTIONS:  # 3 1 2 confirm: 回呼 12
            return KeyAction(frame.address, function, digits[1:])
        if not digits:
            return None
        return KeyAction(frame.address, "enter", digits)
    action = profile.keys.get(last)
    return None if action is None else KeyAction(frame.address, action, digits)


def decode_keypad(profile: KeypadProfile, data: bytes) -> KeyAction | None:
    """The key action in one whole keypad→host frame, or None. Never raises."""
    frame = decode_frame(profile.framing, data)
    return None if frame is None else action_from_frame(profile, frame)


class Keypad(BusDevice):
    """A calling keypad at ``address``: emits :class:`KeyAction` events, shows the
    current ticket and waiting count (shown again after an outage), beeps."""

    profile: KeypadProfile

    def __init__(
        self, link: SerialLink, profile: KeypadProfile, address: int | None = None
    ) -> None:
        super().__init__(link, profile, profile.default_address if address is None else address)
        self._shown: ShowDisplay | None = None
        self._last: tuple[Frame, float] | None = None

    def show(self, ticket: str | None = None, waiting: int | None = None) -> None:
        """Show ``ticket`` and ``waiting`` on the digit cells. Raises ValueError."""
        command = ShowDisplay(ticket, waiting)
        frame = keypad_frame(self.profile, self.address, command)
        with self.lock:
            self._shown = command
            self.send(frame)

    def beep(self) -> None:
        """Sound the keypad's buzzer once."""
        with self.lock:
            self.send(keypad_frame(self.profile, self.address, Beep()))

    def on_frame(self, frame: Frame, now: float) -> None:
        action = action_from_frame(self.profile, frame)
        if action is None:
            log.debug("keypad %s: ignored frame %s", self.address, frame)
            return
        reply = self.profile.host_ack.reply_to(frame)
        if reply is not None:
            self.link.write_now(reply)
        last, self._last = self._last, (frame, now)
        if last is not None and last[0] == frame and now - last[1] < self.profile.bounce_s:
            log.debug("keypad %s: repeated frame dropped", self.address)
            return
        self.link.emit(action)

    def on_link(self, online: bool, now: float) -> None:
        if online and self._shown is not None:
            self.send(keypad_frame(self.profile, self.address, self._shown))
