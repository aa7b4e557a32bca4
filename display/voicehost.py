"""The display host's voice: the one place that turns ``voice = true`` into a speaker.

Only the display whose station says ``voice = true`` speaks (one per speaker zone);
it speaks the calls its own screen covers, which the display model has already
chosen (no duplicate, nothing stale). They go to the ``voice`` package's queue (one
announcement at a time, each to its end, bursts bounded) and the best backend this
PC has: a clip pack when the station names one, else espeak-ng played through
QtMultimedia (or a command-line player), else Qt TextToSpeech with a Mandarin voice.
With none of them it says so once (on the wall and in the log) and stays silent.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from display.model import Call
from display.speech import Speaker, call_event_data
from hall.clock import Clock
from hall.config import HallConfig
from voice.announcer import Announcer
from voice.backends import AudioBackend, Backend, CommandSink, SilentBackend, Sink
from voice.player import Player

log = logging.getLogger(__name__)


class VoiceSpeaker:
    """The voice package's announcer and player behind the display's :class:`Speaker`.

    Calls before the first :meth:`configure` (no hall yet) are not spoken."""

    def __init__(self, backend: Backend) -> None:
        self.backend = backend
        self.player: Player | None = None

    def configure(self, hall: HallConfig, clock: Clock) -> None:
        # the screen's filter has already chosen the calls
        announcer = Announcer(hall, clock=clock)
        if self.player is None:
            self.player = Player(announcer, backend=self.backend)
        else:  # a changed hall: its templates and rules from now on
            self.player.replace_rules(announcer)

    def announce(self, call: Call) -> None:
        if self.player is not None:
            self.player.offer(call_event_data(call))

    def close(self) -> None:
        if self.player is not None:
            self.player.close()
            self.player = None


@dataclass(frozen=True)
class SpeakerSetup:
    speaker: Speaker | None
    problem: str = ""


def make_speaker(enabled: bool, clips: Path | None = None) -> SpeakerSetup:
    """The speaker for this screen (call it on the GUI thread: Qt backends live
    there), or none with the reason when it cannot speak. Never raises."""
    if not enabled:
        return SpeakerSetup(None)
    try:
        backend = _backend(clips)
    except Exception as exc:  # a broken voice must not stop the wall
        backend = SilentBackend(f"the voice cannot start: {exc}")
    if isinstance(backend, SilentBackend):
        problem = f"语音播报不可用 (calls are not spoken: {backend.reason})"
        log.warning("%s", problem)
        return SpeakerSetup(VoiceSpeaker(backend), problem)
    log.info("calls are spoken with %s", getattr(backend, "name", type(backend).__name__))
    return SpeakerSetup(VoiceSpeaker(backend))


def _backend(clips: Path | None) -> Backend:
    from voice.clips import ClipPack
    from voice.espeak import EspeakVoice, espeak_available
    from voice.qt import QtSink, QtSpeechBackend, mandarin_speech

    qt_sink = QtSink()
    sink: Sink | None = qt_sink if qt_sink.available() else CommandSink.find()
    if sink is not None and clips is not None:
        return AudioBackend(ClipPack(clips), sink)
    if sink is not None and espeak_available():
        return AudioBackend(EspeakVoice(), sink)
    speech = mandarin_speech()
    if speech is not None:
        return QtSpeechBackend(speech)
    if sink is None:
        return SilentBackend("no audio output found")
    return SilentBackend("espeak-ng is not installed, no clip pack and no Mandarin system voice")
