"""Writing frames to many connections cheaply, and in order; and reading them without a
task wake-up per frame.

Each message is serialised into a WebSocket frame ONCE; the frames a connection gets
from one batch (events first, then its own results) go to its socket in ONE write.
Tested against websockets 14-17 (tests/hub/test_fanout_contract.py; the version range is
pinned in pyproject.toml): it relies on ``ws.transport``, ``ws.protocol.state`` and
``ws.protocol.extensions``, and frames as RFC 6455 and ``Frame.serialize`` lay them out.
Everything here is synchronous, so frames reach each client in the order the hub
produced them. Like :func:`websockets.asyncio.server.broadcast` there is no
backpressure: the caller checks write buffers and closes clients that stop reading.

Reading (:func:`direct_frames`): websockets queues each received message for a task
that awaits ``recv``; a hub serving fifty kiosks then pays a task wake-up and two
queue passes per request. A connection of the class :func:`direct_frames` makes hands
each complete text frame to a synchronous ``sink`` from ``process_event`` instead, in
the order frames arrive; anything else (a fragmented or binary message, text that is
not UTF-8) goes to websockets' own queue from then on, so ``recv`` gets it and every
later frame, in order, and fails the connection exactly as it would have. It relies
on ``ServerConnection.process_event`` receiving each frame once the handshake is done
(``ws.request`` set) and on ``Frame.opcode``, ``Frame.fin`` and ``Frame.data``.

Such a connection also reads the commonest frames itself (:func:`read_text_frames`:
complete, masked, unfragmented UTF-8 text up to :data:`FAST_FRAME_BYTES`) straight from
the bytes the socket gives, while websockets' parser stands between two frames with
nothing buffered; whatever else comes, and everything after it in those bytes, goes to
that parser, and :func:`unfinished_frame` follows the frame ends from the headers so
the connection knows when the parser stands between frames again. It relies on
``Connection.data_received`` and ``protocol.reader.buffer`` (the contract tests again).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from websockets.asyncio.server import ServerConnection, broadcast
from websockets.frames import Frame, Opcode
from websockets.protocol import Event as ProtocolEvent
from websockets.protocol import State

try:  # websockets' C unmasking, as its own parser uses
    from websockets.speedups import apply_mask
except ImportError:  # pragma: no cover - built without its C extension
    from websockets.utils import apply_mask

#: Complete text frames kept for a connection until its sink is attached (the hub
#: attaches it as soon as its handler starts); past this, websockets' queue (with its
#: flow control) takes them.
HOLD_FRAMES = 16

#: The longest text frame read without websockets' parser (a request is far shorter;
#: the hub's own limit, hall.protocol.MAX_FRAME_BYTES, is longer).
FAST_FRAME_BYTES = 4096


def text_frame(text: str) -> bytes:
    """An unmasked, unfragmented server text frame carrying ``text``."""
    return utf8_frame(text.encode())


def utf8_frame(data: bytes) -> bytes:
    """An unmasked, unfragmented server text frame carrying ``data`` (UTF-8 text): the
    bytes ``Frame(Opcode.TEXT, data).serialize(mask=False)`` gives, without building
    a Frame (tests/hub/test_fanout_contract.py compares them)."""
    return text_frame_header(len(data)) + data


def text_frame_header(length: int) -> bytes:
    """The header of an unmasked, unfragmented server text frame of ``length`` bytes
    (RFC 6455 5.2): for a payload sent in pieces without joining it first."""
    if length < 126:
        return bytes((0x81, length))
    if length < 1 << 16:
        return bytes((0x81, 126)) + length.to_bytes(2, "big")
    return bytes((0x81, 127)) + length.to_bytes(8, "big")


def write_frames(ws: ServerConnection, frames: bytes, texts: Iterable[str]) -> bool:
    """Write pre-serialised ``frames`` (the same messages as ``texts``) to ``ws``.

    A connection with a negotiated extension (the hub offers none) gets ``texts``
    through websockets' own framing instead. Returns False when ``ws`` is not open.
    """
    transport = ws.transport
    if ws.protocol.state is not State.OPEN or transport is None or transport.is_closing():
        return False
    if ws.protocol.extensions:
        for text in texts:
            broadcast([ws], text)
        return True
    transport.write(frames)
    return True


def buffered(ws: ServerConnection) -> int:
    """Bytes waiting in ``ws``'s write buffer."""
    transport = ws.transport
    return 0 if transport is None else transport.get_write_buffer_size()


#: What a direct connection hands its frames to (the text of one message).
Sink = Callable[[str], None]


class DirectFrames(ServerConnection):
    """A server connection that hands complete text frames to a sink (see the module's
    docstring); made by :func:`direct_frames` over the hub's connection class."""

    _sink: Sink | None = None
    _held: list[Frame] | None = None
    #: Frames go to websockets' queue (``recv``) from now on, for good.
    _queued: bool = False

    #: The bytes of a frame begun but not complete that websockets' parser has been
    #: given ("": it stands at the start of a frame, so the next bytes can be read here
    #: without it, see :func:`read_text_frames`); None: not known.
    _tail: bytes | None = None
    _opened: bool = False

    def data_received(self, data: bytes) -> None:
        if not self._opened and self.protocol.state is State.OPEN:
            # The first bytes after the handshake: a client sends frames only once it has
            # the handshake's answer, so they start a frame (unless some came earlier).
            self._opened = True
            if not self.protocol.reader.buffer:
                self._tail = b""
        tail = self._tail
        if tail == b"" and self._reading():
            assert self._sink is not None
            at = read_text_frames(data, self._sink, self._reading)
            if at == len(data):
                return
            data = data[at:]
        super().data_received(data)
        if tail is not None:
            self._tail = unfinished_frame(tail + data)

    def _reading(self) -> bool:
        return self._sink is not None and self.protocol.state is State.OPEN

    def deliver_to(self, sink: Sink) -> bool:
        """From now on hand each complete text frame to ``sink``, those held first.
        False: the connection's frames already go to ``recv`` (read them there)."""
        if self._queued:
            return False
        self._sink = sink
        held, self._held = self._held, None
        for frame in held or ():
            self.process_event(frame)
        return not self._queued

    def queue_frames(self) -> None:
        """Send every frame to ``recv`` from now on (those held first), for a handler
        that reads with ``recv`` (the public side's sockets)."""
        self._to_queue(None)

    def process_event(self, event: ProtocolEvent) -> None:
        if self.request is None or self._queued or not isinstance(event, Frame):
            super().process_event(event)  # the handshake; or frames for recv
            return
        if event.opcode is Opcode.TEXT and event.fin:
            sink = self._sink
            if sink is None:
                held = self._held
                if held is None:
                    held = self._held = []
                if len(held) < HOLD_FRAMES:
                    held.append(event)
                    return
            else:
                try:
                    text = str(event.data, "utf-8")
                except UnicodeDecodeError:  # recv fails the connection (1007)
                    pass
                else:
                    sink(text)
                    return
            self._to_queue(event)
        elif event.opcode in (Opcode.TEXT, Opcode.BINARY, Opcode.CONT):
            self._to_queue(event)
        else:  # ping, pong, close: websockets' own handling
            super().process_event(event)

    def _to_queue(self, frame: Frame | None) -> None:
        self._queued = True
        self._sink = None
        held, self._held = self._held, None
        for earlier in held or ():
            super().process_event(earlier)
        if frame is not None:
            super().process_event(frame)


def _payload_at(data: bytes, at: int) -> tuple[int, int] | None:
    """Where the payload of the frame starting at ``at`` starts (after its mask, if
    masked) and how long it is (RFC 6455 5.2); None when ``data`` ends in its length."""
    size, start = data[at + 1] & 0x7F, at + 2
    if size == 126:
        if at + 4 > len(data):
            return None
        size, start = int.from_bytes(data[at + 2:at + 4], "big"), at + 4
    elif size == 127:
        if at + 10 > len(data):
            return None
        size, start = int.from_bytes(data[at + 2:at + 10], "big"), at + 10
    return (start + 4 if data[at + 1] & 0x80 else start), size


def read_text_frames(data: bytes, sink: Sink, more: Callable[[], bool]) -> int:
    """Hand each complete, unfragmented, masked text frame at the start of ``data`` to
    ``sink`` while ``more()`` says to go on; returns where the first frame that is not
    one of those (or is cut off, or is not UTF-8, or longer than
    :data:`FAST_FRAME_BYTES`) starts: websockets' own parser takes it from there."""
    at, end = 0, len(data)
    while at + 2 <= end and more():
        # FIN + TEXT, no RSV bits; masked (a client's)
        if data[at] != 0x81 or not data[at + 1] & 0x80:
            break
        found = _payload_at(data, at)
        if found is None:
            break
        start, size = found
        stop = start + size
        if size > FAST_FRAME_BYTES or stop > end:
            break
        try:
            text = str(apply_mask(data[start:stop], data[start - 4:start]), "utf-8")
        except UnicodeDecodeError:  # websockets fails the connection (1007)
            break
        sink(text)
        at = stop
    return at


def unfinished_frame(data: bytes) -> bytes:
    """The bytes of the last frame of ``data`` (read from the start of a frame) when it
    is not complete; empty when ``data`` ends where a frame ends. Only the headers
    are read (lengths, masks)."""
    at, end = 0, len(data)
    while at < end:
        found = _payload_at(data, at) if at + 2 <= end else None
        if found is None or found[0] + found[1] > end:
            return data[at:]
        at = found[0] + found[1]
    return b""


def direct_frames(base: type[ServerConnection]) -> type[DirectFrames]:
    """``base`` (a :class:`ServerConnection` subclass) handing its text frames to a sink."""
    return type(f"Direct{base.__name__}", (DirectFrames, base), {})
