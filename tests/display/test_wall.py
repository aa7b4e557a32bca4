"""The wall against a real hub on port 0: real bridge, replica, model and window."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from display.app import WallApp
from display.model import Phase, ScreenFilter
from display.speech import RecordingSpeaker
from display.voicehost import VoiceSpeaker
from hall.client import HubClient
from tests.conftest import TIMEOUT_S
from tests.display.test_model import FakeClock
from tests.hub.conftest import Clock
from tests.qtkit.conftest import ThreadedHub
from voice.backends import RecordingBackend

WAIT_MS = int(TIMEOUT_S * 1000)


def ask(hub: ThreadedHub, window: int, type_: str, **fields: Any) -> dict[str, Any]:
    """One request from the window's caller (a real client of its own)."""

    async def go() -> dict[str, Any]:
        async with HubClient(hub.url, f"caller-{window}", f"caller-{window}-secret") as caller:
            return await caller.request(type_, window=window, **fields)

    return hub.run(go())


@pytest.fixture
def wall(qtbot: Any, make_bridge: Any, hall_hub: ThreadedHub) -> Iterator[Any]:
    made: list[WallApp] = []

    def make(
        screen: ScreenFilter | None = None, speaker: Any = None
    ) -> tuple[WallApp, Any, FakeClock]:
        speaker, clock = speaker or RecordingSpeaker(), FakeClock()
        app = WallApp(make_bridge("display-1", "display-secret"), screen, speaker, clock=clock,
                      now=hall_hub.clock)
        qtbot.addWidget(app.window)
        app.window.resize(1366, 768)
        app.window.show()
        with qtbot.waitSignal(app.bridge.connection_changed, timeout=WAIT_MS):
            app.start()
        made.append(app)
        return app, speaker, clock

    yield make
    for app in made:
        app.stop()


def _seen(app: WallApp, hub: ThreadedHub) -> bool:
    return app.replica.state.seq >= hub.public_state()["seq"]


def test_a_call_appears_on_the_wall_from_one_event(
    qtbot: Any, hall_hub: ThreadedHub, wall: Any
) -> None:
    app, speaker, _ = wall()
    hall_hub.issue(1)
    qtbot.waitUntil(lambda: _seen(app, hall_hub), timeout=WAIT_MS)
    painted: list[float] = []
    app.window.painted.connect(painted.append)
    ask(hall_hub, 3, "call_next")  # exactly one event: ticket_called
    qtbot.waitUntil(lambda: bool(painted) and app.window.painted_view is not None
                    and app.window.painted_view.newest is not None, timeout=WAIT_MS)
    shown = app.window.painted_view
    assert shown is not None and shown.newest is not None  # the frame painted shows it
    newest = shown.newest
    assert (newest.call.number, newest.call.window_name) == ("A001", "3号窗口")
    assert newest.phase is Phase.BLINK
    assert speaker.spoken == [("A001", 3, 0)]


def test_a_recall_highlights_again(qtbot: Any, hall_hub: ThreadedHub, wall: Any) -> None:
    app, speaker, clock = wall()
    hall_hub.issue(2)
    ask(hall_hub, 1, "call_next")
    ask(hall_hub, 2, "call_next")
    qtbot.waitUntil(lambda: len(speaker.calls) == 2, timeout=WAIT_MS)
    clock.t += 60
    assert app.model.view().newest.phase is Phase.STEADY  # type: ignore[union-attr]
    ask(hall_hub, 1, "recall")
    qtbot.waitUntil(lambda: len(speaker.calls) == 3, timeout=WAIT_MS)
    view = app.model.view()
    assert view.newest is not None and view.newest.call.number == "A001"
    assert view.newest.phase is Phase.BLINK and view.newest.call.recall == 1
    assert [row.call.number for row in view.recent] == ["A002"]  # no A001 twice
    assert speaker.spoken == [("A001", 1, 0), ("A002", 2, 0), ("A001", 1, 1)]


def test_a_floor_screen_shows_and_speaks_only_its_windows(
    qtbot: Any, hall_hub: ThreadedHub, wall: Any
) -> None:
    # windows 61 and 62 serve only social-zone services (B, C)
    app, speaker, _ = wall(ScreenFilter(windows=frozenset({61, 62})))
    hall_hub.issue(2, "A")
    hall_hub.issue(1, "C")
    ask(hall_hub, 1, "call_next")
    ask(hall_hub, 1, "pause")
    qtbot.waitUntil(lambda: _seen(app, hall_hub), timeout=WAIT_MS)
    assert app.model.view().newest is None and speaker.calls == []
    assert app.model.view().paused == ()
    ask(hall_hub, 62, "call_next")
    qtbot.waitUntil(lambda: bool(speaker.calls), timeout=WAIT_MS)
    view = app.model.view()
    assert view.newest is not None and view.newest.call.number == "C001"
    assert [(w.id, w.count) for w in view.waiting] == [("B", 0), ("C", 0)]


def test_reconnect_with_since_shows_and_speaks_no_gap_and_no_duplicate(
    qtbot: Any, hall_hub: ThreadedHub, wall: Any
) -> None:
    voice = RecordingBackend()  # the voice package's queue and its recording backend
    app, speaker, clock = wall(speaker=VoiceSpeaker(voice, clock=Clock()))
    hall_hub.issue(12)
    for window in (1, 2, 3):
        ask(hall_hub, window, "call_next")
    qtbot.waitUntil(lambda: len(voice.spoken) == 3, timeout=WAIT_MS)

    with qtbot.waitSignal(app.bridge.connection_changed, timeout=WAIT_MS):
        hall_hub.stop()
    assert not app.model.view().connected  # the wall keeps the last state, marked
    qtbot.waitUntil(lambda: app.window.painted_view is not None
                    and not app.window.painted_view.connected, timeout=WAIT_MS)
    assert app.window.painted_view.newest.call.number == "A003"  # type: ignore[union-attr]
    assert app.model.view().newest.call.number == "A003"  # type: ignore[union-attr]
    hall_hub.start()
    # calls made while the wall reconnects reach it as the resume's backlog or live
    for window in (4, 5, 1):
        ask(hall_hub, window, "call_next")
    ask(hall_hub, 2, "recall")
    qtbot.waitUntil(lambda: app.model.view().connected and _seen(app, hall_hub),
                    timeout=WAIT_MS)
    qtbot.waitUntil(lambda: len(voice.spoken) >= 7, timeout=WAIT_MS)
    assert speaker.player is not None and speaker.player.wait_idle(TIMEOUT_S)
    assert [(s.number, s.window) for s in voice.spoken] == [
        ("A001", 1), ("A002", 2), ("A003", 3), ("A004", 4), ("A005", 5), ("A006", 1),
        ("A002", 2),  # the recall, said again
    ]
    assert all(a.end <= b.start for a, b in zip(voice.spoken, voice.spoken[1:], strict=False))
    numbers = [c.number for c in app.model.calls()]
    assert numbers == ["A002", "A006", "A005", "A004", "A003", "A001"]
    assert len(numbers) == len(set(numbers))
    clock.t += 60
    assert app.window.grab().width() == 1366  # still paints after the outage


def test_a_special_call_is_painted_as_big_as_a_call_and_said_by_the_voice(
    qtbot: Any, hall_hub: ThreadedHub, wall: Any
) -> None:
    voice = RecordingBackend()
    app, _speaker, clock = wall(speaker=VoiceSpeaker(voice, clock=Clock(), settle_s=0))
    hall_hub.issue(1)
    ask(hall_hub, 3, "call_next")
    qtbot.waitUntil(lambda: len(voice.spoken) == 1, timeout=WAIT_MS)
    clock.t += 60
    ask(hall_hub, 3, "announce", call="manager")
    qtbot.waitUntil(lambda: app.window.painted_view is not None
                    and app.window.painted_view.special is not None, timeout=WAIT_MS)
    assert "请大堂经理到3号窗口" in app.window.control_texts()
    qtbot.waitUntil(lambda: len(voice.spoken) == 2, timeout=WAIT_MS)
    assert voice.spoken[1].text.startswith("请大堂经理到三号窗口")
    assert "A零零一" not in voice.spoken[1].text
    clock.t += 60  # its highlight time is over: the panel shows the standing call again
    app.window.sync()
    qtbot.waitUntil(lambda: app.window.painted_view is not None
                    and app.window.painted_view.special is None, timeout=WAIT_MS)
    assert app.window.painted_view.newest.call.number == "A001"  # type: ignore[union-attr]


def test_the_panel_leaves_a_skipped_call(qtbot: Any, hall_hub: ThreadedHub, wall: Any) -> None:
    app, speaker, _ = wall()
    hall_hub.issue(1)
    ask(hall_hub, 3, "call_next")
    qtbot.waitUntil(lambda: len(speaker.calls) == 1, timeout=WAIT_MS)
    ask(hall_hub, 3, "skip")
    qtbot.waitUntil(lambda: _seen(app, hall_hub), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: app.window.painted_view is not None
                    and app.window.painted_view.newest is None, timeout=WAIT_MS)
    assert not any(text.startswith("请A001") for text in app.window.control_texts())
