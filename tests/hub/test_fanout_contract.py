"""The websockets internals hub/fanout.py relies on (it writes pre-serialised frames to
the transport directly). If an upgrade changes any of them this fails loudly; update
fanout.py and the version range in pyproject.toml together."""

from __future__ import annotations

import asyncio
from importlib.metadata import version

import pytest
from websockets.asyncio.server import ServerConnection
from websockets.frames import Frame, Opcode
from websockets.protocol import State

from hub.fanout import buffered, text_frame, write_frames
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
