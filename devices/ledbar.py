"""LED window bars (条屏): pure codecs both ways and the :class:`LedBar` driver.

Host → bar: :class:`BarText` (GB2312/GBK text, flashing where the bar can) and
:class:`BarClear`. Characters the bar's encoding lacks become the profile's
replacement character; text longer than the bar takes raises ValueError.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any

from devices.framing import Frame, decode_frame
from devices.link import BusDevice, SerialLink
from devices.profiles import LedBarProfile

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class BarText:
    text: str
    flash: bool = False


@dataclass(frozen=True)
class BarClear:
    pass


BarCommand = BarText | BarClear


def bar_bytes(profile: LedBarProfile, text: str) -> bytes:
    """``text`` in the bar's encoding, unknown characters replaced. Raises ValueError
    when it is longer than the bar takes."""
    out = bytearray()
    for char in text:
        try:
            out += char.encode(profile.encoding)
        except UnicodeEncodeError:
            log.warning("bar %s: %r not in %s, shown as %r", profile.id, char,
                        profile.encoding, profile.replacement)
            out += profile.replacement.encode(profile.encoding, errors="replace")
    if len(out) > profile.max_bytes:
        raise ValueError(f"{text!r} takes {len(out)} bytes, {profile.id} shows {profile.max_bytes}")
    return bytes(out)


def bar_frame(profile: LedBarProfile, address: int, command: BarCommand) -> Frame:
    """The frame of a host→bar command. Raises ValueError."""
    if isinstance(command, BarClear):
        return profile.clear.frame(address)
    flash = command.flash and profile.flash
    mode = profile.mode_flash if flash else profile.mode_steady
    data = profile.text.data + mode + bar_bytes(profile, command.text)
    return Frame(address, profile.text.func, data)


def encode_bar(profile: LedBarProfile, address: int, command: BarCommand) -> bytes:
    """Bytes of a host→bar command. Raises ValueError."""
    return profile.framing.encode(bar_frame(profile, address, command))


def command_from_frame(profile: LedBarProfile, frame: Frame) -> BarCommand | None:
    """The command a bar reads from a frame, or None."""
    if frame.func == profile.clear.func and frame.data == profile.clear.data:
        return BarClear()
    if frame.func != profile.text.func or not frame.data.startswith(profile.text.data):
        return None
    body = frame.data[len(profile.text.data) :]
    flash = False
    if profile.mode_steady or profile.mode_flash:
        if profile.flash and profile.mode_flash and body.startswith(profile.mode_flash):
            flash, body = True, body[len(profile.mode_flash) :]
        elif body.startswith(profile.mode_steady):
            body = body[len(profile.mode_steady) :]
        else:
            return None
    try:
        return BarText(body.decode(profile.encoding), flash)
    except UnicodeDecodeError:
        return None


def decode_bar_command(profile: LedBarProfile, data: bytes) -> tuple[int, BarCommand] | None:
    """``(address, command)`` of one whole host→bar frame, or None. Never raises."""
    frame = decode_frame(profile.framing, data)
    if frame is None:
        return None
    command = command_from_frame(profile, frame)
    return None if command is None else (frame.address, command)


def render_template(profile: LedBarProfile, name: str, **fields: Any) -> str:
    """A profile template (``call``, ``paused``, ``welcome``…) filled in.
    Raises ValueError for an unknown template or a missing field."""
    if name not in profile.templates:
        raise ValueError(f"bar profile {profile.id} has no template {name!r}")
    try:
        return profile.templates[name].format(**fields)
    except (KeyError, IndexError) as exc:
        raise ValueError(f"template {name!r} of {profile.id} needs field {exc}") from exc


class LedBar(BusDevice):
    """An LED bar at ``address``: remembers what it shows and shows it again whenever
    the port opens; a flashing call turns steady after the profile's ``flash_s``."""

    profile: LedBarProfile

    def __init__(
        self, link: SerialLink, profile: LedBarProfile, address: int | None = None
    ) -> None:
        super().__init__(link, profile, profile.default_address if address is None else address)
        self._text: str | None = None
        self._steady_at: float | None = None

    @property
    def text(self) -> str | None:
        """What the bar was last told to show (None: cleared)."""
        with self.lock:
            return self._text

    def show_text(self, text: str, flash: bool = False) -> None:
        """Show ``text``; with ``flash`` (where the bar can) for ``flash_s``, then steady.
        Raises ValueError when the text is too long."""
        frame = bar_frame(self.profile, self.address, BarText(text, flash))
        with self.lock:
            self._text = text
            flashing = flash and self.profile.flash
            self._steady_at = time.monotonic() + self.profile.flash_s if flashing else None
            self.send(frame)

    def show_call(self, number: str, window: int | str = "", flash: bool = True) -> None:
        """The profile's call template (e.g. 请A001号), flashing first unless ``flash`` is
        False (the same call shown again, e.g. after a pause). Raises ValueError."""
        self.show_text(render_template(self.profile, "call", number=number, window=window),
                       flash=flash)

    def show_paused(self) -> None:
        """The profile's paused text (暂停服务)."""
        self.show_text(render_template(self.profile, "paused"))

    def show_welcome(self, text: str | None = None) -> None:
        """A welcome text: ``text`` or the profile's."""
        self.show_text(render_template(self.profile, "welcome") if text is None else text)

    def clear(self) -> None:
        """Blank the bar."""
        with self.lock:
            self._text = None
            self._steady_at = None
            self.send(bar_frame(self.profile, self.address, BarClear()))

    def on_tick(self, now: float) -> None:
        if self._steady_at is not None and now >= self._steady_at and self._text is not None:
            self._steady_at = None
            self.send(bar_frame(self.profile, self.address, BarText(self._text)))

    def on_link(self, online: bool, now: float) -> None:
        # the bar may have lost power with the line: tell it again what it shows, still
        # flashing if the call is recent (a repeat of a frame still queued is harmless)
        if online and self._text is not None:
            flashing = self._steady_at is not None and now < self._steady_at
            self.send(bar_frame(self.profile, self.address, BarText(self._text, flashing)))
