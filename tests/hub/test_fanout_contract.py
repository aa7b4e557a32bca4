"""The websockets internals hub/fanout.py relies on (it writes pre-serialised frames to
the transport directly, and takes text frames from ``process_event``). If an upgrade
changes any of them this fails loudly; update fanout.py and the version range in
pyproject.toml together."""

from __future__ import annotations

import asyncio
import random
from importlib.metadata import version
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from websockets.asyncio.server import ServerConnection
from websockets.frames import Frame, Opcode
from websockets.protocol import State

from hub.fanout import (
    FAST_FRAME_BYTES,
    buffered,
    read_text_frames,
    text_frame,
    unfinished_frame,
    write_frames,
)
from hub.server import Hub
from tests.conftest import TIMEOUT_S
from tests.hub.conftest import ClientFactory


def test_the_installed_websockets_is_in_the_range_fanout_was_checked_against() -> None:
    major = int(version("websockets").split(".")[0])
    assert 14 <= major < 18, "check hub/fanout.py against this websockets, then widen the pin"


def test_a_text_frame_is_the_rfc_6455_bytes() -> None:
    assert Frame(Opcode.TEXT, b"hi").serialize(mask=False) == b"\x81\x02hi"
    assert text_frame("叫号") == b"\x81\x06" + "叫号".encode()
    for size in (0, 125, 126, 65535, 65536):
        assert text_frame("x" * size) == Frame(Opcode.TEXT, b"x" * size).serialize(mask=False)


async def test_fanout_writes_reach_a_real_client_in_order(
    hub: Hub, client: ClientFactory
) -> None:
    display = await client("display-1")
    conns = [c.ws for c in hub.peers.conns]
    assert len(conns) == 1
    ws = conns[0]
    assert isinstance(ws, ServerConnection)
    assert ws.protocol.state is State.OPEN and ws.protocol.extensions == []
    assert ws.transport is not None and buffered(ws) >= 0
    texts = ['{"type":"event","n":1}', '{"type":"event","n":2}']
    assert write_frames(ws, b"".join(text_frame(t) for t in texts), texts)
    got = [await asyncio.wait_for(display.events.get(), TIMEOUT_S) for _ in texts]
    assert [e["n"] for e in got] == [1, 2]


@pytest.mark.parametrize("length", [0, 1, 125, 126, 127, 65535, 65536, 3_650_000])
def test_a_frame_header_is_what_websockets_writes(length: int) -> None:
    from websockets.frames import Frame, Opcode

    from hub.fanout import text_frame_header

    payload = b"x" * length
    assert text_frame_header(length) + payload == Frame(Opcode.TEXT, payload).serialize(
        mask=False)


# -- reading: text frames handed to the hub from process_event (hub/fanout.py) -------------


class _Recorder(ServerConnection):
    """Stands for websockets' own frame handling: records what reaches it."""

    def __init__(self) -> None:  # no socket: only process_event is exercised
        self.request = object()  # type: ignore[assignment]
        self.queued: list[Frame] = []

    def process_event(self, event: object) -> None:
        assert isinstance(event, Frame)
        self.queued.append(event)


def _direct() -> tuple[Any, list[str]]:
    from hub.fanout import direct_frames

    conn = direct_frames(_Recorder)()
    return conn, []


def _text(text: str, *, fin: bool = True) -> Frame:
    return Frame(Opcode.TEXT, text.encode(), fin=fin)


def test_text_frames_go_to_the_sink_in_order_those_before_it_first() -> None:
    conn, got = _direct()
    conn.process_event(_text("a"))
    conn.process_event(_text("b"))
    assert got == [] and conn.queued == []  # held until the hub's handler attaches
    assert conn.deliver_to(got.append)
    conn.process_event(_text("叫号"))
    conn.process_event(Frame(Opcode.PING, b"p"))  # websockets answers pings itself
    assert got == ["a", "b", "叫号"]
    assert [f.opcode for f in conn.queued] == [Opcode.PING]


@pytest.mark.parametrize("odd", [
    _text("frag", fin=False),  # a fragmented message: websockets reassembles it
    Frame(Opcode.BINARY, b"\x00"),
    Frame(Opcode.TEXT, b"\xff\xfe"),  # not UTF-8: recv fails the connection (1007)
])
def test_after_anything_but_plain_text_every_frame_goes_to_recv(odd: Frame) -> None:
    conn, got = _direct()
    assert conn.deliver_to(got.append)
    conn.process_event(_text("a"))
    conn.process_event(odd)
    conn.process_event(_text("b"))
    assert got == ["a"]
    assert conn.queued == [odd, conn.queued[1]] and conn.queued[1].data == b"b"
    assert not conn.deliver_to(got.append)


def test_frames_held_before_the_sink_keep_their_place_when_recv_takes_over() -> None:
    from hub.fanout import HOLD_FRAMES

    conn, got = _direct()
    conn.process_event(_text("a"))
    conn.process_event(Frame(Opcode.BINARY, b"\x00"))
    assert [f.data for f in conn.queued] == [b"a", b"\x00"]
    assert not conn.deliver_to(got.append) and got == []
    flood, _ = _direct()
    for n in range(HOLD_FRAMES + 2):
        flood.process_event(_text(str(n)))
    assert [f.data for f in flood.queued] == [str(n).encode() for n in range(HOLD_FRAMES + 2)]
    public, _ = _direct()
    public.process_event(_text("rating"))
    public.queue_frames()  # a public page reads with recv
    assert [f.data for f in public.queued] == [b"rating"]


async def test_a_fragmented_request_is_answered_in_its_place(
    hub: Hub, client: ClientFactory
) -> None:
    kiosk = await client("kiosk-1")
    await kiosk.ws.send('{"type":"take_ticket","id":"one","service":"A"}')
    await kiosk.ws.send(['{"type":"take_ticket",', '"id":"two","service":"A"}'])
    await kiosk.ws.send('{"type":"take_ticket","id":"three","service":"A"}')
    answers = [await asyncio.wait_for(kiosk.anonymous.get(), TIMEOUT_S) for _ in range(3)]
    assert [a["id"] for a in answers] == ["one", "two", "three"]
    assert [a["data"]["ticket"]["number"] for a in answers] == ["A001", "A002", "A003"]


async def test_text_that_is_not_utf8_closes_the_connection_1007(
    hub: Hub, client: ClientFactory
) -> None:
    kiosk = await client("kiosk-1")
    assert kiosk.ws.transport is not None
    kiosk.ws.transport.write(Frame(Opcode.TEXT, b'{"type":"\xff"}').serialize(mask=True))
    await asyncio.wait_for(kiosk.ws.wait_closed(), TIMEOUT_S)
    assert kiosk.ws.close_code == 1007


# -- frames read without websockets' parser (hub/fanout.py read_text_frames) ----------------

_frames = st.one_of(
    st.text(max_size=200).map(lambda t: Frame(Opcode.TEXT, t.encode())),
    st.integers(126, 5000).map(lambda n: Frame(Opcode.TEXT, b"x" * n)),  # 16-bit lengths
    st.just(Frame(Opcode.TEXT, b"y" * 70_000)),  # a 64-bit length
    st.binary(max_size=20).map(lambda b: Frame(Opcode.BINARY, b)),
    st.just(Frame(Opcode.PING, b"p")),
    st.just(Frame(Opcode.TEXT, b"part", fin=False)),
    st.just(Frame(Opcode.TEXT, b"\xff\xfe")),  # not UTF-8
)


def _fast(frame: Frame) -> bool:
    try:
        frame.data.decode()
    except UnicodeDecodeError:
        return False
    return frame.opcode is Opcode.TEXT and frame.fin and len(frame.data) <= FAST_FRAME_BYTES


@settings(max_examples=200, deadline=None)
@given(frames=st.lists(_frames, max_size=8), cut=st.floats(0, 1))
def test_the_end_of_a_frame_is_found_from_its_headers(frames: list[Frame], cut: float) -> None:
    wire = [f.serialize(mask=True) for f in frames]
    data = b"".join(wire)
    assert unfinished_frame(data) == b""
    at = round(cut * len(data))
    start = 0  # where the frame holding byte `at` starts
    for one in wire:
        if start + len(one) > at:
            break
        start += len(one)
    assert unfinished_frame(data[:at]) == data[start:at]


@settings(max_examples=200, deadline=None)
@given(frames=st.lists(_frames, max_size=8), cut=st.floats(0, 1))
def test_plain_text_frames_are_read_up_to_the_first_that_is_not(
    frames: list[Frame], cut: float
) -> None:
    wire = [f.serialize(mask=True) for f in frames]
    data = b"".join(wire)
    data = data[:round(cut * len(data))]
    got: list[str] = []
    at = read_text_frames(data, got.append, lambda: True)
    expected, end = [], 0
    for frame, one in zip(frames, wire, strict=True):
        if not _fast(frame) or end + len(one) > len(data):
            break
        expected.append(frame.data.decode())
        end += len(one)
    assert got == expected and at == end


class _Stream(_Recorder):
    """Stands for websockets' own parser: records the bytes it is given."""

    def __init__(self) -> None:
        super().__init__()
        self.fed: list[bytes] = []
        self.protocol = SimpleNamespace(  # type: ignore[assignment]
            state=State.OPEN, reader=SimpleNamespace(buffer=bytearray()))

    def data_received(self, data: bytes) -> None:
        self.fed.append(bytes(data))


def test_bytes_inside_a_frame_given_to_websockets_are_never_read_as_frames() -> None:
    """A long request goes to websockets' parser in two pieces; the second starts with
    what looks like a whole request (the first's payload, unmasked by a zero mask):
    it is the rest of the long frame, so it goes to websockets too, not to the sink."""
    from hub.fanout import direct_frames

    conn = direct_frames(_Stream)()
    got: list[str] = []
    assert conn.deliver_to(got.append)
    inner = Frame(Opcode.TEXT, b'{"type":"status","id":"evil"}').serialize(mask=True)
    body = b"{" + b" " * (FAST_FRAME_BYTES + 10) + b"}"
    long = b"".join([b"\x81\xfe", len(body + inner).to_bytes(2, "big"), b"\0\0\0\0"])
    first = _text('{"id":"a"}').serialize(mask=True) + long + body
    conn.data_received(first)
    conn.data_received(inner)  # still inside the long frame
    conn.data_received(_text('{"id":"b"}').serialize(mask=True))  # a frame of its own
    assert got == ['{"id":"a"}', '{"id":"b"}']
    assert conn.fed == [long + body, inner]


def test_unmasked_text_is_left_to_websockets() -> None:
    got: list[str] = []
    assert read_text_frames(text_frame("a"), got.append, lambda: True) == 0 and got == []


async def test_requests_cut_anywhere_are_answered_in_order(
    hub: Hub, client: ClientFactory
) -> None:
    """Requests written in pieces of every size, a ping and long frames among them, are
    read (by the hub's own reader or by websockets', as the bytes fall) in order."""
    kiosk = await client("kiosk-1")
    assert kiosk.ws.transport is not None
    frames = []
    for n in range(12):
        pad = {3: 200, 7: 5000}.get(n, 0)  # a 16-bit length; one past FAST_FRAME_BYTES
        text = f'{{"type":"take_ticket","id":"r{n}","service":"A"{" " * pad}}}'
        frames.append(Frame(Opcode.TEXT, text.encode()).serialize(mask=True))
        if n == 5:
            frames.append(Frame(Opcode.PING, b"hi").serialize(mask=True))
    data = b"".join(frames)
    pieces = random.Random(7).choices([1, 2, 3, 5, 8, 40, 100, 700], k=len(data))
    at = 0
    for size in pieces:
        if at >= len(data):
            break
        kiosk.ws.transport.write(data[at:at + size])
        at += size
        await asyncio.sleep(0)  # a turn of the loop: the hub may read each piece alone
    answers = [await asyncio.wait_for(kiosk.anonymous.get(), TIMEOUT_S) for _ in range(12)]
    assert [a["id"] for a in answers] == [f"r{n}" for n in range(12)]
    assert [a["data"]["ticket"]["number"] for a in answers] == [f"A{n:03d}" for n in range(1, 13)]
