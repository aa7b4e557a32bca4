"""The display's voice: the setting, the backend it finds, the hand-over to voice/."""

from __future__ import annotations

import dataclasses
import logging
from datetime import UTC, datetime
from typing import Any

from display.model import Call
from display.speech import call_event_data
from display.voicehost import VoiceSpeaker, make_speaker
from hall.config import HallConfig
from tests.conftest import TIMEOUT_S
from tests.hub.conftest import make_config
from voice.backends import RecordingBackend


def clock_now() -> datetime:
    return datetime(2026, 3, 2, 2, 0, tzinfo=UTC)


CALL = Call(ticket_id=7, number="A007", window=12, window_name="12号窗口", service="A",
            service_name="办税服务", zone="tax", priority=False, recall=0, at="t")


def test_no_voice_setting_no_speaker() -> None:
    assert make_speaker(False, clock=clock_now).speaker is None


def test_with_the_setting_there_is_always_a_speaker_and_a_reason_when_silent(
        qtbot: Any, caplog: Any) -> None:
    with caplog.at_level(logging.INFO, logger="display.voicehost"):
        setup = make_speaker(True, clock=clock_now)
    assert setup.speaker is not None
    backend = setup.speaker.backend  # type: ignore[attr-defined]
    assert (backend.name == "silent") == bool(setup.problem)
    # the lobby reads Chinese; the technician finds the detail in the log
    assert setup.problem in ("", "语音播报暂不可用，请留意屏幕叫号")
    logged = [r.getMessage() for r in caplog.records if r.name == "display.voicehost"]
    assert any(m.startswith("calls will NOT be heard: " if setup.problem
                            else "calls will be heard: ") for m in logged), logged
    setup.speaker.close()


def test_calls_reach_the_voice_queue_with_their_own_number_and_window(caplog: Any) -> None:
    voice = RecordingBackend()
    speaker = VoiceSpeaker(voice, clock=clock_now, settle_s=0)
    caplog.set_level(logging.INFO)
    speaker.announce(CALL)  # no hall yet: not spoken
    speaker.configure(HallConfig.from_public(make_config().public()))
    speaker.announce(dataclasses.replace(CALL, at="2026-03-02T09:59:57+08:00"))
    assert voice.wait_for(1, TIMEOUT_S)
    assert speaker.player is not None and speaker.player.wait_idle(TIMEOUT_S)
    speaker.close()
    assert [(s.number, s.window) for s in voice.spoken] == [("A007", 12)]
    assert "A零零七" in voice.spoken[0].text and "十二" in voice.spoken[0].text
    # the log says each call said, how and how late, and each not said and why
    logged = [(r.levelname, r.getMessage()) for r in caplog.records
              if r.name.startswith(("voice.", "display."))]
    assert logged == [
        ("WARNING", "not said: A007 to window 12 (no hall from the hub yet)"),
        ("INFO", "saying A007 to window 12 (full, 3.0 s after the call)"),
    ]


def test_call_event_data_is_what_a_ticket_called_event_carries() -> None:
    data = call_event_data(CALL)
    assert data["ticket"]["number"] == "A007" and data["window"] == 12 and data["recall"] == 0
