"""Qt backends for a wall display that already runs Qt: WAVs played through
QtMultimedia, and QTextToSpeech where speech-dispatcher provides a Mandarin voice.

The player thread calls these; the Qt objects live in the thread that made them (the
GUI thread) and the calls are handed over by a queued signal, the player thread
waiting until the sound has ended. The only module of ``voice`` that imports Qt.
"""

from __future__ import annotations

import logging
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QUrl, Signal, Slot
from PySide6.QtMultimedia import QAudioOutput, QMediaDevices, QMediaPlayer
from PySide6.QtTextToSpeech import QTextToSpeech

from voice.announcer import Announcement
from voice.backends import spoken_order

log = logging.getLogger(__name__)


class _OnQtThread(QObject):
    """Runs callables in the thread this object lives in."""

    run = Signal(object)

    def __init__(self) -> None:
        super().__init__()
        self.run.connect(self._call)

    @Slot(object)
    def _call(self, job: Callable[[], None]) -> None:
        job()


class QtSink:
    """Plays WAV bytes through QtMultimedia's default output. Create it in the Qt
    thread; ``play_wav`` from the player's thread blocks until the sound ended."""

    name = "QtMultimedia"

    def __init__(self, volume: float = 1.0) -> None:
        self._on_qt = _OnQtThread()
        self._output = QAudioOutput()
        self._output.setVolume(volume)
        self._player = QMediaPlayer()
        self._player.setAudioOutput(self._output)
        self._player.playbackStateChanged.connect(self._changed)
        self._player.errorOccurred.connect(self._failed)
        self._done = threading.Event()
        self._dir = tempfile.TemporaryDirectory(prefix="jiaohao-voice-")
        self._told = False

    def available(self) -> bool:
        return bool(QMediaDevices.audioOutputs())

    def play_wav(self, wav: bytes, duration_s: float) -> None:
        if not self.available():
            if not self._told:
                log.warning("calls will not be spoken: Qt finds no audio output")
                self._told = True
            return
        path = Path(self._dir.name) / "call.wav"
        path.write_bytes(wav)
        self._done.clear()

        def start() -> None:
            self._player.setSource(QUrl())  # reload even if the path is the same
            self._player.setSource(QUrl.fromLocalFile(str(path)))
            self._player.play()

        self._on_qt.run.emit(start)
        if not self._done.wait(duration_s + 5):
            log.warning("Qt playback did not finish in time")

    def _changed(self, state: QMediaPlayer.PlaybackState) -> None:
        if state == QMediaPlayer.PlaybackState.StoppedState:
            self._done.set()

    def _failed(self, error: QMediaPlayer.Error, message: str) -> None:
        log.warning("Qt playback failed: %s", message or error)
        self._done.set()


def mandarin_speech() -> QTextToSpeech | None:
    """A QTextToSpeech speaking Mandarin (needs speech-dispatcher with espeak-ng), or
    None. Call in the Qt thread."""
    if not QTextToSpeech.availableEngines():
        return None
    speech = QTextToSpeech()
    for voice in speech.availableVoices():
        if voice.locale().name().startswith("zh") or "cmn" in voice.name().lower():
            speech.setVoice(voice)
            return speech
    return None


class QtSpeechBackend:
    """Says announcements with QTextToSpeech (Chinese utterances only: the system voice
    is Mandarin). Create it in the Qt thread with :func:`mandarin_speech`'s engine."""

    name = "Qt TextToSpeech"

    def __init__(self, speech: QTextToSpeech) -> None:
        self._speech = speech
        self._on_qt = _OnQtThread()
        self._done = threading.Event()
        speech.stateChanged.connect(self._changed)

    def play(self, item: Announcement) -> None:
        for utterance in spoken_order(item):
            if utterance.lang != "zh":
                continue
            self._done.clear()
            text, volume = utterance.text, item.volume / 100

            def say(text: str = text, volume: float = volume) -> None:
                self._speech.setVolume(volume)
                self._speech.say(text)

            self._on_qt.run.emit(say)
            if not self._done.wait(30):
                log.warning("Qt speech did not finish in time")
                return

    def _changed(self, state: QTextToSpeech.State) -> None:
        if state in (QTextToSpeech.State.Ready, QTextToSpeech.State.Error):
            self._done.set()
