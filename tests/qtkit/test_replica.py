"""The replica: built from welcomes, fed by events, and only ever on the GUI thread."""

from __future__ import annotations

import threading
from typing import Any

import pytest

import qtkit.replica
from hall.state import HallState
from qtkit.bridge import HubBridge
from qtkit.replica import Replica, WrongThread
from tests.conftest import TIMEOUT_S, FakeClock
from tests.hub.conftest import significant
from tests.qtkit.conftest import ThreadedHub

WAIT_MS = int(TIMEOUT_S * 1000)


def _connect(qtbot: Any, bridge: HubBridge) -> None:
    with qtbot.waitSignal(bridge.connection_changed, timeout=WAIT_MS):
        bridge.start()


def test_the_replica_follows_the_hub_on_the_gui_thread_only(
    qtbot: Any, hall_hub: ThreadedHub, make_bridge: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    hall_hub.issue(2, "B")  # before the welcome: the snapshot carries them
    appliers: set[int] = set()
    states: set[int] = set()
    real_apply = qtkit.replica.apply

    def watched(state: HallState, event: Any) -> HallState:
        appliers.add(threading.get_ident())
        states.add(id(state))
        return real_apply(state, event)

    monkeypatch.setattr(qtkit.replica, "apply", watched)
    bridge = make_bridge("display-1", "display-secret")
    replica = Replica(bridge, clock=hall_hub.clock)
    assert not replica.ready
    with qtbot.waitSignal(replica.reset, timeout=WAIT_MS):
        _connect(qtbot, bridge)
    assert [s.id for s in replica.hall.services] == ["A", "B", "C"]
    assert replica.state.seq == 2
    applied: list[Any] = []
    replica.applied.connect(applied.append)
    hall_hub.issue(30)
    qtbot.waitUntil(lambda: replica.state.seq == 32, timeout=WAIT_MS)
    assert [e.seq for e in applied] == list(range(3, 33))
    assert appliers == {threading.get_ident()}  # the worker never applied to it
    assert states == {id(replica.state)}
    worker_state = bridge._client.state if bridge._client else None
    assert worker_state is not None and worker_state is not replica.state
    assert not set(map(id, worker_state.tickets.values())) & set(
        map(id, replica.state.tickets.values()))
    assert significant(replica.state.public()) == significant(hall_hub.public_state())


def test_a_resumed_welcome_keeps_the_replica(
    qtbot: Any, hall_hub: ThreadedHub, make_bridge: Any
) -> None:
    bridge = make_bridge("display-1", "display-secret")
    replica = Replica(bridge, clock=hall_hub.clock)
    resets: list[None] = []
    replica.reset.connect(lambda: resets.append(None))
    _connect(qtbot, bridge)
    hall_hub.issue(2)
    qtbot.waitUntil(lambda: replica.state.seq == 2, timeout=WAIT_MS)
    kept = replica.state
    with qtbot.waitSignal(bridge.connection_changed, timeout=WAIT_MS):
        hall_hub.stop()
    hall_hub.start()
    hall_hub.issue(1)
    qtbot.waitUntil(lambda: bridge.connected and replica.state.seq == 3, timeout=WAIT_MS)
    assert replica.state is kept and len(resets) == 1
    assert significant(replica.state.public()) == significant(hall_hub.public_state())


def test_another_thread_cannot_touch_the_replica(qtbot: Any) -> None:
    replica = Replica(clock=FakeClock())
    errors: list[BaseException] = []

    def intrude() -> None:
        for touch in (lambda: replica.state, lambda: replica.hall,
                      lambda: replica.on_event(None)):  # type: ignore[arg-type]
            try:
                touch()
            except WrongThread as exc:
                errors.append(exc)

    thread = threading.Thread(target=intrude)
    thread.start()
    thread.join()
    assert len(errors) == 3
    assert replica.state.seq == 0  # the owner still can
