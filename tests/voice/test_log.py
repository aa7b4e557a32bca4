"""The technician's record: one INFO line per announcement started (what, which window,
how it was said, how long after the call), a WARNING for every call not said and why."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest

from hall.config import HallConfig
from tests.conftest import TIMEOUT_S
from tests.voice.conftest import at, called, hall
from voice.announcer import Announcer
from voice.backends import RecordingBackend, SilentBackend
from voice.player import Player


def lines(caplog: pytest.LogCaptureFixture, level: int) -> list[str]:
    return [r.getMessage() for r in caplog.records
            if r.levelno == level and r.name.startswith("voice.")]


def test_each_announcement_started_is_logged_with_its_form_and_delay(
        config: HallConfig, caplog: pytest.LogCaptureFixture) -> None:
    backend = RecordingBackend()
    player = Player(Announcer(config), backend, clock=lambda: at(10))
    try:
        with caplog.at_level(logging.INFO):
            with player._cond:  # a burst: queued before the player takes the first
                player.offer(called(1, "A001", 3), at(10) - timedelta(seconds=2))
                player.offer(called(2, "B001", 12, "B", recall=1))
                player.offer_special({"window": 3, "call": "manager"},
                                     at(10) - timedelta(seconds=0.5))
            assert player.wait_idle(TIMEOUT_S)
    finally:
        player.close()
    assert lines(caplog, logging.INFO) == [
        "saying A001 to window 3 (short, 2.0 s after the call)",
        "saying B001 (recall 1) to window 12 (short, 0.0 s after the call)",
        "saying special call manager of window 3 (full, 0.5 s after the call)",
    ]
    assert len(backend.spoken) == 3
    assert not lines(caplog, logging.WARNING)


def test_a_call_in_quiet_hours_is_a_warning_with_the_reason(
        caplog: pytest.LogCaptureFixture) -> None:
    rules = Announcer(hall('[voice]\nquiet_hours = ["12:00-13:30"]\n'))
    with caplog.at_level(logging.INFO):
        assert rules.offer(called(1, "A001", 3), at(12, 30)) is None
        assert rules.offer_special({"window": 3, "call": "rating"}, at(12, 30)) is None
        assert rules.offer({"window": "three"}, at(10)) is None
    assert lines(caplog, logging.WARNING) == [
        "not said: A001 to window 3 (quiet hours)",
        "not said: special call rating of window 3 (quiet hours)",
        "not said: a call that cannot be read ('ticket'): {'window': 'three'}",
    ]


def test_calls_still_waiting_when_the_voice_stops_are_warnings(
        config: HallConfig, caplog: pytest.LogCaptureFixture) -> None:
    player = Player(Announcer(config), RecordingBackend(), clock=lambda: at(10),
                    settle_s=TIMEOUT_S)  # still settling when closed: nothing said
    with caplog.at_level(logging.INFO):
        player.offer(called(1, "A001", 3))
        player.offer(called(2, "A002", 3))
        player.close()
    assert lines(caplog, logging.WARNING) == [
        "not said: A001 to window 3 (the voice is stopping)",
        "not said: A002 to window 3 (the voice is stopping)",
    ]


def test_a_pc_that_cannot_speak_warns_of_every_call(
        config: HallConfig, caplog: pytest.LogCaptureFixture) -> None:
    player = Player(Announcer(config), SilentBackend("no audio output"), clock=lambda: at(10),
                    settle_s=0)
    try:
        with caplog.at_level(logging.INFO):
            player.offer(called(1, "A001", 3))
            assert player.wait_idle(TIMEOUT_S)
            player.offer(called(2, "A002", 3))
            assert player.wait_idle(TIMEOUT_S)
    finally:
        player.close()
    assert lines(caplog, logging.WARNING) == [
        "calls will not be spoken: no audio output",
        "not heard: A001 to window 3 (this PC cannot speak)",
        "not heard: A002 to window 3 (this PC cannot speak)",
    ]
