"""Virtual pads, keypads and bars: they decode what the host sends with the same
profile codecs, keep what a person would see (lit keys, digits, bar text) and send key
presses the way the real device would."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from devices import keypad as kp
from devices import ledbar as lb
from devices import pad as pd
from devices.framing import Frame
from devices.profiles import DeviceProfile, KeypadProfile, LedBarProfile, PadProfile

if TYPE_CHECKING:
    from devices.virtual.bus import VirtualBus


@dataclass
class Faults:
    """Per-device fault switches."""

    #: hears nothing, says nothing (a dead device still on the bus)
    silent: bool = False
    #: works, but never confirms host commands
    no_ack: bool = False
    #: every frame it sends has a wrong checksum
    bad_checksum: bool = False


class VirtualDevice:
    """Base of the twins: records decoded host commands and lets tests wait on state."""

    kind = "device"

    def __init__(self, profile: DeviceProfile, address: int | None = None) -> None:
        self.profile = profile
        self.address = profile.default_address if address is None else address
        self.faults = Faults()
        self.bus: VirtualBus | None = None
        self.received: list[Any] = []
        self.frames: list[Frame] = []
        #: frames heard on the bus for other addresses (and ignored)
        self.overheard = 0
        self.on_command: Callable[[VirtualDevice, Any], None] | None = None
        self._cond = threading.Condition()

    def handle(self, frame: Frame) -> None:
        """A frame arrived from the host (bus thread); others' frames are ignored."""
        if self.faults.silent:
            return
        if frame.address != self.address:
            with self._cond:
                self.overheard += 1
                self._cond.notify_all()
            return
        command = self.decode(frame)
        with self._cond:
            self.frames.append(frame)
            if command is not None:
                self.received.append(command)
                self.apply(command)
            self._cond.notify_all()
        if command is not None and self.confirms(command) and not self.faults.no_ack:
            reply = self.profile.device_ack.reply_to(frame)
            if reply is not None:
                self.transmit(reply)
        if command is not None and self.on_command is not None:
            self.on_command(self, command)

    def decode(self, frame: Frame) -> Any:
        return None

    def apply(self, command: Any) -> None:
        """Change the visible state (called with the lock held)."""

    def confirms(self, command: Any) -> bool:
        return True

    def transmit(self, frame: Frame) -> None:
        """Send a frame to the host, with this device's faults."""
        if self.faults.silent or self.bus is None:
            return
        data = self.profile.framing.encode(frame)
        if self.faults.bad_checksum:
            data = self.profile.framing.corrupt(data)
        self.bus.transmit(data)

    def wait_for(self, predicate: Callable[[], bool], timeout_s: float) -> bool:
        """Wait until ``predicate()`` (checked under the device's lock) holds."""
        with self._cond:
            return self._cond.wait_for(predicate, timeout_s)

    def wait_received(self, count: int, timeout_s: float) -> bool:
        """Wait until at least ``count`` host commands were understood."""
        return self.wait_for(lambda: len(self.received) >= count, timeout_s)


class VirtualPad(VirtualDevice):
    kind = "pad"
    profile: PadProfile

    def __init__(self, profile: PadProfile, address: int | None = None) -> None:
        super().__init__(profile, address)
        self.lit = False
        self.screen = ""
        #: The photo shown (the pad's 1-bit raster), and how many were received whole.
        self.photo: bytes | None = None
        self.photos_shown = 0
        self._parts: dict[int, bytes] = {}
        self.confirmations = 0
        self.countdown_s: int | None = None

    def decode(self, frame: Frame) -> pd.PadCommand | None:
        return pd.command_from_frame(self.profile, frame)

    def apply(self, command: Any) -> None:
        if isinstance(command, pd.StartRating):
            self.lit, self.countdown_s = True, command.timeout_s
        elif isinstance(command, pd.CancelRating):
            self.lit = False
        elif isinstance(command, pd.ShowText):
            self.screen = command.text
        elif isinstance(command, pd.PhotoPart):
            if command.part == 0:
                self._parts = {}
            self._parts[command.part] = command.data
            if len(self._parts) == command.parts:  # the whole picture: show it
                self.photo = b"".join(self._parts[n] for n in range(command.parts))
                self.photos_shown += 1
        elif isinstance(command, pd.KeyConfirm):
            self.confirmations += 1
            self.lit = False

    def confirms(self, command: Any) -> bool:
        return not isinstance(command, pd.KeyConfirm)

    def press(self, key: str) -> None:
        """Press ``key`` as written in the profile (``"03"``, ``"5"``); a score works too
        (``score=5``) through :meth:`press_score`. Raises ValueError for a bad key."""
        self.transmit(pd.press_frame(self.profile, self.address, key))

    def key_for_score(self, score: int) -> str:
        """The key giving ``score``. Raises ValueError if this pad has none."""
        for code, value in self.profile.keys.items():
            if value == score:
                return self.profile.key_label(code)
        raise ValueError(f"pad {self.profile.id} has no key for score {score}")

    def press_score(self, score: int) -> None:
        self.press(self.key_for_score(score))


class VirtualKeypad(VirtualDevice):
    kind = "keypad"
    profile: KeypadProfile

    def __init__(self, profile: KeypadProfile, address: int | None = None) -> None:
        super().__init__(profile, address)
        self.cells: tuple[int, ...] = (profile.blank,) * profile.cells
        self.beeps = 0

    @property
    def display(self) -> str:
        """The digit cells as read off the keypad."""
        return kp.cells_text(self.profile, self.cells)

    def decode(self, frame: Frame) -> kp.Beep | kp.RawCells | None:
        data = self.profile.framing.encode(frame)
        decoded = kp.decode_keypad_command(self.profile, data)
        return None if decoded is None else decoded[1]

    def apply(self, command: Any) -> None:
        if isinstance(command, kp.Beep):
            self.beeps += 1
        elif isinstance(command, kp.RawCells):
            self.cells = command.cells

    def press(self, action: str, digits: str = "") -> None:
        """Press the key for ``action`` (after typing ``digits``). Raises ValueError."""
        self.transmit(kp.action_frame(self.profile, self.address, action, digits))

    def press_code(self, key: int, digits: str = "") -> None:
        self.transmit(kp.key_frame(self.profile, self.address, key, digits))


class VirtualBar(VirtualDevice):
    kind = "ledbar"
    profile: LedBarProfile

    def __init__(self, profile: LedBarProfile, address: int | None = None) -> None:
        super().__init__(profile, address)
        self.text = ""
        self.flashing = False

    def decode(self, frame: Frame) -> lb.BarCommand | None:
        return lb.command_from_frame(self.profile, frame)

    def apply(self, command: Any) -> None:
        if isinstance(command, lb.BarText):
            self.text, self.flashing = command.text, command.flash
        elif isinstance(command, lb.BarClear):
            self.text, self.flashing = "", False


def twin_for(kind: str, profile: DeviceProfile, address: int | None = None) -> VirtualDevice:
    """A twin of ``kind`` (pad, keypad, ledbar). Raises ValueError for another kind."""
    if kind == "pad" and isinstance(profile, PadProfile):
        return VirtualPad(profile, address)
    if kind == "keypad" and isinstance(profile, KeypadProfile):
        return VirtualKeypad(profile, address)
    if kind == "ledbar" and isinstance(profile, LedBarProfile):
        return VirtualBar(profile, address)
    raise ValueError(f"no twin for kind {kind!r} with profile {profile.id}")
