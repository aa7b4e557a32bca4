"""The bridge against a real hub on port 0: signals on the GUI thread, in order."""

from __future__ import annotations

import json
import threading
from typing import Any

import pytest
from websockets.asyncio.server import Server, ServerConnection, serve

from hall.protocol import Event, Welcome
from qtkit.bridge import HubBridge
from qtkit.results import CONNECTION_LOST, OFFLINE, TIMEOUT, Reply
from tests.conftest import TIMEOUT_S
from tests.qtkit.conftest import LoopThread, ThreadedHub

WAIT_MS = int(TIMEOUT_S * 1000)


def _start(qtbot: Any, bridge: HubBridge) -> None:
    with qtbot.waitSignal(bridge.connection_changed, timeout=WAIT_MS) as up:
        bridge.start()
    assert up.args == [True]
    assert bridge.connected


def _ask(qtbot: Any, bridge: HubBridge, type_: str, **fields: Any) -> Reply:
    replies: list[tuple[Reply, int]] = []
    bridge.request(type_, fields, lambda r: replies.append((r, threading.get_ident())))
    qtbot.waitUntil(lambda: bool(replies), timeout=WAIT_MS)
    reply, thread = replies[0]
    assert thread == threading.get_ident()  # on_done ran on the GUI thread
    return reply


def test_welcome_then_events_in_order_on_the_gui_thread(
    qtbot: Any, hall_hub: ThreadedHub, make_bridge: Any
) -> None:
    bridge = make_bridge("display-1", "display-secret")
    seen: list[tuple[str, Any, int]] = []
    bridge.welcomed.connect(lambda w: seen.append(("welcome", w, threading.get_ident())))
    bridge.event_received.connect(lambda e: seen.append(("event", e, threading.get_ident())))
    _start(qtbot, bridge)
    hall_hub.issue(25)
    qtbot.waitUntil(lambda: len(seen) == 26, timeout=WAIT_MS)
    assert {thread for _, _, thread in seen} == {threading.get_ident()}
    assert seen[0][0] == "welcome" and isinstance(seen[0][1], Welcome)
    events = [e for kind, e, _ in seen[1:]]
    assert all(isinstance(e, Event) for e in events)
    assert [e.seq for e in events] == list(range(1, 26))


def test_requests_resolve_with_a_reply(qtbot: Any, make_bridge: Any) -> None:
    bridge = make_bridge()
    _start(qtbot, bridge)
    reply = _ask(qtbot, bridge, "take_ticket", service="A")
    assert reply.ok and reply.code == ""
    assert reply.data["ticket"]["number"] == "A001"


def test_refusals_give_the_hubs_code(qtbot: Any, make_bridge: Any) -> None:
    kiosk = make_bridge()
    _start(qtbot, kiosk)
    reply = _ask(qtbot, kiosk, "take_ticket", service="Z")
    assert not reply.ok and reply.code == "unknown_service" and reply.message
    display = make_bridge("display-1", "display-secret")
    _start(qtbot, display)
    assert _ask(qtbot, display, "take_ticket", service="A").code == "forbidden"


def test_a_request_while_offline_answers_offline_at_once(qtbot: Any, make_bridge: Any) -> None:
    bridge = make_bridge()  # never started
    replies: list[Reply] = []
    bridge.request("take_ticket", {"service": "A"}, replies.append)
    assert replies == []  # never inside the call
    qtbot.waitUntil(lambda: bool(replies), timeout=WAIT_MS)
    assert replies[0] == Reply(False, code=OFFLINE, message=replies[0].message)


def test_a_bad_token_is_refused_for_good(qtbot: Any, make_bridge: Any) -> None:
    bridge = make_bridge("kiosk-1", "wrong")
    with qtbot.waitSignal(bridge.refused, timeout=WAIT_MS) as refused:
        bridge.start()
    assert refused.args[0].startswith("bad_credentials")
    assert not bridge.connected


def test_hub_restart_drops_then_resumes_without_gap_or_repeat(
    qtbot: Any, hall_hub: ThreadedHub, make_bridge: Any
) -> None:
    bridge = make_bridge("display-1", "display-secret")
    links: list[bool] = []
    welcomes: list[Welcome] = []
    seqs: list[int] = []
    bridge.connection_changed.connect(links.append)
    bridge.welcomed.connect(welcomes.append)
    bridge.event_received.connect(lambda e: seqs.append(e.seq))
    _start(qtbot, bridge)
    hall_hub.issue(3)
    qtbot.waitUntil(lambda: len(seqs) == 3, timeout=WAIT_MS)

    with qtbot.waitSignal(bridge.connection_changed, timeout=WAIT_MS) as down:
        hall_hub.stop()
    assert down.args == [False] and not bridge.connected
    hall_hub.start()
    hall_hub.issue(4)  # maybe before the bridge is back: then they come as a resume
    qtbot.waitUntil(lambda: len(seqs) >= 7 and bridge.connected, timeout=WAIT_MS)
    hall_hub.issue(2)
    qtbot.waitUntil(lambda: len(seqs) >= 9, timeout=WAIT_MS)
    assert seqs == list(range(1, 10))
    assert links == [True, False, True]
    assert welcomes[-1].resumed and welcomes[-1].state is None


def test_stop_joins_the_worker_and_start_again_works(qtbot: Any, make_bridge: Any) -> None:
    bridge = make_bridge()
    _start(qtbot, bridge)
    worker = bridge._thread
    bridge.stop()
    assert worker is not None and not worker.is_alive()
    assert not bridge.connected and not bridge.running
    _start(qtbot, bridge)
    assert _ask(qtbot, bridge, "take_ticket", service="B").ok


class _MuteHub(LoopThread):
    """A stand-in hub at the transport's edge: welcomes, then never answers a request
    (``mode="mute"``) or drops the connection when one arrives (``mode="drop"``)."""

    def __init__(self, mode: str) -> None:
        super().__init__()
        self.mode = mode
        self.server: Server = self.run(self._serve())

    async def _serve(self) -> Server:
        return await serve(self._handler, "127.0.0.1", 0)

    async def _handler(self, ws: ServerConnection) -> None:
        async for frame in ws:
            if json.loads(frame)["type"] == "hello":
                await ws.send(json.dumps({"type": "welcome", "role": "kiosk", "seq": 0,
                                          "hall": {}, "state": None}))
            elif self.mode == "drop":
                await ws.close(1011, "gone")

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.server.sockets[0].getsockname()[1]}"

    def close(self) -> None:
        async def stop() -> None:
            self.server.close()
            await self.server.wait_closed()

        self.run(stop())
        super().close()


@pytest.mark.parametrize(("mode", "code"), [("mute", TIMEOUT), ("drop", CONNECTION_LOST)])
def test_no_answer_or_a_dropped_link_say_so(qtbot: Any, mode: str, code: str) -> None:
    fake = _MuteHub(mode)
    bridge = HubBridge(fake.url, "kiosk-1", "t", request_timeout_s=0.3, backoff_s=(5.0, 5.0))
    try:
        _start(qtbot, bridge)
        reply = _ask(qtbot, bridge, "take_ticket", service="A")
        assert not reply.ok and reply.code == code
    finally:
        bridge.stop()
        fake.close()


def test_a_bad_hub_address_is_refused(qtbot: Any) -> None:
    bridge = HubBridge("wss://", "kiosk-1", "t")
    try:
        with qtbot.waitSignal(bridge.refused, timeout=WAIT_MS) as refused:
            bridge.start()
        assert "invalid hub URL" in refused.args[0]
    finally:
        bridge.stop()


def test_requests_in_flight_at_stop_still_get_a_reply(qtbot: Any, make_bridge: Any) -> None:
    bridge = make_bridge()
    _start(qtbot, bridge)
    replies: list[Reply] = []
    for _ in range(5):
        bridge.request("take_ticket", {"service": "A"}, replies.append)
    bridge.stop()
    qtbot.waitUntil(lambda: len(replies) == 5, timeout=WAIT_MS)
    assert {r.code for r in replies} <= {"", OFFLINE, CONNECTION_LOST}


def test_connected_already_in_a_welcome_slot(qtbot: Any, make_bridge: Any) -> None:
    """An app that sends a request from its welcome slot must not be told "offline"."""
    bridge = make_bridge()
    seen: list[bool] = []
    bridge.welcomed.connect(lambda _w: seen.append(bridge.connected))
    with qtbot.waitSignal(bridge.welcomed, timeout=WAIT_MS):
        bridge.start()
    assert seen == [True]
