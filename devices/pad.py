"""Evaluator pads (评价器): pure codecs both ways and the :class:`Pad` driver.

Host → pad: :class:`StartRating`, :class:`CancelRating`, :class:`ShowText` (pads with a
screen), :class:`KeyConfirm` (the host's answer to a key frame). Pad → host: a
:class:`PadPress`. ``encode_*`` raise ValueError on what cannot be written;
``decode_*`` return None on anything they do not understand and never raise.

Rating rules (the :class:`Pad` driver):

- ``request_rating()`` lights the pad and returns a request id; exactly one of
  RatingGiven / RatingTimedOut / RatingCancelled ends every request.
- A key with no request pending is ignored (``PressIgnored no-request``); the same key
  again within the profile's ``bounce_s`` is ``bounce``; the first key of a request wins.
- A request pending when the port goes away ends ``RatingCancelled link-lost`` at once.
  FF 68 key frames carry no request id, so a key frame read after the port came back
  cannot be proved to answer a request made before the outage: it is never attributed
  (there is nothing pending any more, so it is ``no-request``). The caller asks again.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from devices.events import PressIgnored, RatingCancelled, RatingGiven, RatingTimedOut
from devices.framing import Frame, decode_frame
from devices.link import BusDevice, SerialLink
from devices.profiles import PadProfile

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class StartRating:
    #: the pad's own countdown, sent only by protocols that carry it
    timeout_s: int | None = None


@dataclass(frozen=True)
class CancelRating:
    pass


@dataclass(frozen=True)
class ShowText:
    text: str


@dataclass(frozen=True)
class KeyConfirm:
    key: str


@dataclass(frozen=True)
class PhotoPart:
    """One frame of the clerk's photo (part ``part`` of ``parts``, from 0)."""

    part: int
    parts: int
    data: bytes


PadCommand = StartRating | CancelRating | ShowText | KeyConfirm | PhotoPart


@dataclass(frozen=True)
class PadPress:
    address: int
    key: str
    score: int | None  # None: a key the profile does not map


def fit_text(text: str, encoding: str, max_bytes: int, replacement: str = "?") -> bytes:
    """``text`` encoded, characters the encoding lacks replaced, cut to ``max_bytes``
    without splitting a character."""
    out = bytearray()
    for char in text:
        try:
            piece = char.encode(encoding)
        except UnicodeEncodeError:
            piece = replacement.encode(encoding, errors="replace")
        if len(out) + len(piece) > max_bytes:
            break
        out += piece
    return bytes(out)


def pad_frame(profile: PadProfile, address: int, command: PadCommand) -> Frame:
    """The frame of a host→pad command. Raises ValueError (e.g. text on a pad without
    a screen, a timeout the protocol cannot carry)."""
    if isinstance(command, StartRating):
        timeout = command.timeout_s
        if profile.start.text is not None:
            if timeout is None or not 0 <= timeout <= 999:
                raise ValueError(f"{profile.id} needs a timeout of 0-999 s, not {timeout!r}")
            return profile.start.frame(address, "ascii", timeout_s=timeout)
        return profile.start.frame(address)
    if isinstance(command, CancelRating):
        return profile.cancel.frame(address)
    if isinstance(command, PhotoPart):
        if profile.photo is None:
            raise ValueError(f"pad profile {profile.id} shows no photo")
        return Frame(address, profile.photo.command.func,
                     bytes([command.part, command.parts]) + command.data)
    if isinstance(command, ShowText):
        if profile.screen is None:
            raise ValueError(f"pad profile {profile.id} has no screen")
        data = fit_text(command.text, profile.screen.encoding, profile.screen.max_bytes)
        return Frame(address, profile.screen.command.func, data)
    code = profile.key_code(command.key)
    reply = profile.host_ack.reply_to(Frame(address, profile.key_func, bytes([code])))
    if reply is None:
        raise ValueError(f"pad profile {profile.id} has no key confirmation")
    return reply


def photo_frames(profile: PadProfile, address: int, raster: bytes) -> list[Frame]:
    """The frames that put a 1-bit ``raster`` (``PhotoSpec.size`` bytes) on the pad.
    Raises ValueError without a photo command or for a raster of the wrong size."""
    photo = profile.photo
    if photo is None:
        raise ValueError(f"pad profile {profile.id} shows no photo")
    if len(raster) != photo.size:
        raise ValueError(f"a photo for {profile.id} is {photo.size} bytes, not {len(raster)}")
    chunks = [raster[i:i + photo.chunk] for i in range(0, len(raster), photo.chunk)]
    return [Frame(address, photo.command.func, bytes([n, len(chunks)]) + chunk)
            for n, chunk in enumerate(chunks)]


def photo_raster(path: str, width: int, height: int) -> bytes:
    """A picture file as the pad's 1-bit raster: scaled to fill ``width`` × ``height``
    (centre cropped), dithered, rows of whole bytes, 1 = dark. Raises OSError or
    ValueError for a file that is not a readable picture."""
    from PIL import Image, ImageOps

    with Image.open(path) as picture:
        picture.load()
        fitted = ImageOps.fit(picture.convert("L"), (width, height))
    bitmap = fitted.convert("1")  # Floyd-Steinberg; 0 = black
    row_bytes = (width + 7) // 8
    out = bytearray(row_bytes * height)
    pixels = bitmap.load()
    assert pixels is not None
    for y in range(height):
        for x in range(width):
            if not pixels[x, y]:
                out[y * row_bytes + x // 8] |= 0x80 >> (x % 8)
    return bytes(out)


def encode_pad(profile: PadProfile, address: int, command: PadCommand) -> bytes:
    """Bytes of a host→pad command. Raises ValueError."""
    return profile.framing.encode(pad_frame(profile, address, command))


def press_frame(profile: PadProfile, address: int, key: str) -> Frame:
    """The frame a pad sends for ``key`` (as written in the profile). Raises ValueError."""
    return Frame(address, profile.key_func, bytes([profile.key_code(key)]))


def encode_press(profile: PadProfile, address: int, key: str) -> bytes:
    """Bytes a pad sends for ``key`` (for twins and tests). Raises ValueError."""
    return profile.framing.encode(press_frame(profile, address, key))


def press_from_frame(profile: PadProfile, frame: Frame) -> PadPress | None:
    """The key press a pad frame carries, or None."""
    if frame.func != profile.key_func or len(frame.data) != 1:
        return None
    code = frame.data[0]
    if profile.key_encoding == "ascii" and not 0x20 <= code <= 0x7E:
        return None
    return PadPress(frame.address, profile.key_label(code), profile.keys.get(code))


def decode_pad(profile: PadProfile, data: bytes) -> PadPress | None:
    """The key press in one whole pad→host frame, or None. Never raises."""
    frame = decode_frame(profile.framing, data)
    return None if frame is None else press_from_frame(profile, frame)


def command_from_frame(profile: PadProfile, frame: Frame) -> PadCommand | None:
    """The host→pad command a frame carries, or None (what a pad understands)."""
    start, cancel = profile.start, profile.cancel
    if frame.func == start.func:
        if start.text is None and frame.data == start.data:
            return StartRating()
        if start.text is not None and frame.data.isdigit() and len(frame.data) <= 3:
            return StartRating(int(frame.data))
    if frame.func == cancel.func and frame.data == cancel.data:
        return CancelRating()
    photo = profile.photo
    if photo is not None and frame.func == photo.command.func and len(frame.data) >= 2:
        return PhotoPart(frame.data[0], frame.data[1], bytes(frame.data[2:]))
    screen = profile.screen
    if screen is not None and frame.func == screen.command.func:
        try:
            return ShowText(frame.data.decode(screen.encoding))
        except UnicodeDecodeError:
            return None
    ack = profile.host_ack
    if ack.mode == "reply" and frame.func == ack.func and len(frame.data) == 1:
        code = frame.data[0]
        if code in profile.keys or profile.key_encoding == "byte" or 0x20 <= code <= 0x7E:
            return KeyConfirm(profile.key_label(code))
    if ack.mode == "echo":
        press = press_from_frame(profile, frame)
        if press is not None:
            return KeyConfirm(press.key)
    return None


def decode_pad_command(profile: PadProfile, data: bytes) -> tuple[int, PadCommand] | None:
    """``(address, command)`` of one whole host→pad frame, or None. Never raises."""
    frame = decode_frame(profile.framing, data)
    if frame is None:
        return None
    command = command_from_frame(profile, frame)
    return None if command is None else (frame.address, command)


@dataclass
class _Pending:
    request_id: int
    deadline: float


RatingEvent = RatingGiven | RatingTimedOut | RatingCancelled | PressIgnored


class RatingSession:
    """The rating rules of one pad as a pure state machine: calls in, events out, the
    time passed in. :class:`Pad` feeds it from the link; tests drive it directly."""

    def __init__(self, profile: PadProfile, address: int) -> None:
        self.profile = profile
        self.address = address
        self._next_id = 1
        self._pending: _Pending | None = None
        self._last_key: tuple[str, float] | None = None

    @property
    def pending(self) -> int | None:
        return None if self._pending is None else self._pending.request_id

    def request(self, now: float, timeout_s: float) -> tuple[int, list[RatingEvent]]:
        """Open a request; a pending one ends ``superseded``."""
        events = self._end_pending("superseded")
        request_id = self._next_id
        self._next_id += 1
        self._pending = _Pending(request_id, now + timeout_s)
        return request_id, events

    def cancel(self) -> list[RatingEvent]:
        """End the pending request (if any) as ``cancelled``."""
        return self._end_pending("cancelled")

    def lost(self) -> list[RatingEvent]:
        """The port went away: the pending request (if any) ends ``link-lost``."""
        return self._end_pending("link-lost")

    def press(self, now: float, key: str, score: int | None) -> list[RatingEvent]:
        """A key arrived (``score`` None for a key the profile does not map)."""
        last, self._last_key = self._last_key, (key, now)
        if last is not None and last[0] == key and now - last[1] < self.profile.bounce_s:
            return [PressIgnored(self.address, key, "bounce")]
        if self._pending is None:
            return [PressIgnored(self.address, key, "no-request")]
        if score is None:
            return [PressIgnored(self.address, key, "unknown-key")]
        request_id, self._pending = self._pending.request_id, None
        return [RatingGiven(self.address, request_id, score, key)]

    def tick(self, now: float) -> list[RatingEvent]:
        """Time passed: a request past its deadline ends ``RatingTimedOut``."""
        if self._pending is None or now < self._pending.deadline:
            return []
        request_id, self._pending = self._pending.request_id, None
        return [RatingTimedOut(self.address, request_id)]

    def _end_pending(self, reason: str) -> list[RatingEvent]:
        if self._pending is None:
            return []
        request_id, self._pending = self._pending.request_id, None
        return [RatingCancelled(self.address, request_id, reason)]


class Pad(BusDevice):
    """An evaluator pad at ``address`` on ``link``; see the module doc for the rules."""

    profile: PadProfile

    def __init__(self, link: SerialLink, profile: PadProfile, address: int | None = None) -> None:
        super().__init__(link, profile, profile.default_address if address is None else address)
        self.session = RatingSession(profile, self.address)
        self._screen_text: str | None = None
        self._photo: bytes | None = None

    @property
    def pending(self) -> int | None:
        """The id of the request waiting for a key, if any."""
        with self.lock:
            return self.session.pending

    def request_rating(self, timeout_s: float | None = None) -> int:
        """Light the pad and wait for one key; returns the request id. A request still
        pending ends as ``superseded``. Raises ValueError for a timeout the pad cannot take."""
        timeout = self.profile.default_timeout_s if timeout_s is None else timeout_s
        if timeout <= 0:
            raise ValueError(f"timeout must be positive, not {timeout}")
        frame = pad_frame(self.profile, self.address, StartRating(round(timeout)))
        with self.lock:
            request_id, events = self.session.request(time.monotonic(), timeout)
            for event in events:  # on a caller's thread: the link's thread delivers them
                self.link.post(event)
            self.send(frame)
        return request_id

    def cancel_rating(self) -> int | None:
        """End the pending request without a score (RatingCancelled ``cancelled``) and
        turn the pad's keys off; returns its id, or None if nothing was pending."""
        with self.lock:
            request_id = self.session.pending
            for event in self.session.cancel():
                self.link.post(event)
            if request_id is not None:
                self.send(pad_frame(self.profile, self.address, CancelRating()))
            return request_id

    def show_clerk(self, name: str, staff: str) -> None:
        """Show the signed-in clerk (亮牌) on a pad with a screen; shown again after an
        outage. Raises ValueError if the pad has no screen."""
        if self.profile.screen is None:
            raise ValueError(f"pad profile {self.profile.id} has no screen")
        self.show_text(self.profile.screen.template.format(name=name, staff=staff))

    def show_text(self, text: str) -> None:
        """Put ``text`` on the screen (cut to fit). Raises ValueError without a screen."""
        frame = pad_frame(self.profile, self.address, ShowText(text))
        with self.lock:
            self._screen_text = text
            self.send(frame)

    def show_photo(self, raster: bytes) -> None:
        """Show the clerk's photo (亮牌) on a pad that can; shown again after an outage.
        Raises ValueError without a photo command or for a raster of the wrong size."""
        frames = photo_frames(self.profile, self.address, raster)
        with self.lock:
            self._photo = raster
            for frame in frames:
                self.send(frame)

    @property
    def screen_text(self) -> str | None:
        """What the screen was last told to show (None: nothing yet)."""
        with self.lock:
            return self._screen_text

    def clear_screen(self) -> None:
        """Blank the screen (after sign-out). Raises ValueError without a screen."""
        self.show_text("")

    def _emit(self, events: list[RatingEvent]) -> None:
        for event in events:
            self.link.emit(event)

    # -- link thread -----------------------------------------------------------------
    def on_frame(self, frame: Frame, now: float) -> None:
        press = press_from_frame(self.profile, frame)
        if press is None:
            log.debug("pad %s: ignored frame %s", self.address, frame)
            return
        reply = self.profile.host_ack.reply_to(frame)
        if reply is not None:
            self.link.write_now(reply)
        self._emit(self.session.press(now, press.key, press.score))

    def on_tick(self, now: float) -> None:
        if self.session.pending is None:
            return
        if not self.link.online:
            self._emit(self.session.lost())
            return
        events = self.session.tick(now)
        self._emit(events)
        if events:
            self.send(pad_frame(self.profile, self.address, CancelRating()))

    def on_link(self, online: bool, now: float) -> None:
        if not online:
            self._emit(self.session.lost())
        else:
            if self._screen_text is not None and self.profile.screen is not None:
                self.send(pad_frame(self.profile, self.address, ShowText(self._screen_text)))
            if self._photo is not None and self.profile.photo is not None:
                for frame in photo_frames(self.profile, self.address, self._photo):
                    self.send(frame)
