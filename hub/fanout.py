"""Writing frames to many connections cheaply, and in order.

Each message is serialised into a WebSocket frame ONCE; the frames a connection gets
from one batch (events first, then its own results) go to its socket in ONE write.
Tested against websockets 14-17 (tests/hub/test_fanout_contract.py; the version range is
pinned in pyproject.toml): it relies on ``ws.transport``, ``ws.protocol.state`` and
``ws.protocol.extensions``, and frames as RFC 6455 and ``Frame.serialize`` lay them out.
Everything here is synchronous, so frames reach each client in the order the hub
produced them. Like :func:`websockets.asyncio.server.broadcast` there is no
backpressure: the caller checks write buffers and closes clients that stop reading.
"""

from __future__ import annotations

from collections.abc import Iterable

from websockets.asyncio.server import ServerConnection, broadcast
from websockets.protocol import State


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
