"""The Qt backends on a machine without sound: they say so once and never block."""

from __future__ import annotations

import logging

import pytest

from voice.audio import chime

pytest.importorskip("PySide6.QtMultimedia")

from voice.qt import QtSink, mandarin_speech


def test_qt_sink_plays_or_says_why(qtbot, caplog: pytest.LogCaptureFixture) -> None:  # type: ignore[no-untyped-def]
    sink = QtSink()
    if sink.available():
        pytest.skip("this machine has an audio output; nothing to check silently")
    wav = chime().wav_bytes()
    with caplog.at_level(logging.WARNING):
        sink.play_wav(wav, 1.0)
        sink.play_wav(wav, 1.0)
    assert sum("no audio output" in r.message for r in caplog.records) == 1


def test_mandarin_speech_is_none_without_speech_dispatcher(qtbot) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtTextToSpeech import QTextToSpeech

    if QTextToSpeech.availableEngines():
        pytest.skip("a speech engine is installed")
    assert mandarin_speech() is None
