"""The display host's voice: the one place that turns ``voice = true`` into a speaker.

Only the display whose station says ``voice = true`` speaks (one per speaker zone);
it speaks the calls and special calls its own screen covers, which the display model
has already chosen (no duplicate, nothing stale). They go to the ``voice`` package's
queue (one announcement at a time, each to its end, shortened when calls queue up)
and the best backend this PC has: a clip pack when the station names one, else
espeak-ng played through QtMultimedia (or a command-line player that can play here),
else Qt TextToSpeech with a Mandarin voice. At start it says whether calls will be
heard: in the log with the technical detail, and, when they will not, on the wall in
Chinese for the lobby.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from display.model import Call, SpecialCall
from display.speech import Speaker, call_event_data, special_event_data
from hall.clock import hub_time
from hall.config import HallConfig
from voice.announcer import Announcer, call_words
from voice.backends import AudioBackend, Backend, CommandSink, SilentBackend, Sink, heard
from voice.player import Player

log = logging.getLogger(__name__)


class VoiceSpeaker:
    """The voice package's announcer and player behind the display's :class:`Speaker`.
    ``clock`` gives the time now (quiet hours, the backlog's age).

    Calls before the first :meth:`configure` (no hall yet) are not spoken."""

    def __init__(self, backend: Backend, *, clock: Callable[[], datetime],
                 settle_s: float | None = None) -> None:
        self.backend = backend
        self.clock = clock
        self.settle_s = settle_s
        self.player: Player | None = None

    def configure(self, hall: HallConfig) -> None:
        announcer = Announcer(hall)  # the screen's filter has already chosen the calls
        if self.player is None:
            extra = {} if self.settle_s is None else {"settle_s": self.settle_s}
            self.player = Player(announcer, backend=self.backend, clock=self.clock, **extra)
        else:  # a changed hall: its templates and rules from now on
            self.player.replace_rules(announcer)

    def announce(self, call: Call) -> None:
        data = call_event_data(call)
        if self.player is None:
            log.warning("not said: %s (no hall from the hub yet)", call_words(data))
        else:
            self.player.offer(data, hub_time(call.at))

    def announce_special(self, special: SpecialCall) -> None:
        data = special_event_data(special)
        if self.player is None:
            log.warning("not said: %s (no hall from the hub yet)", call_words(data))
        else:
            self.player.offer_special(data, hub_time(special.at))

    def close(self) -> None:
        if self.player is not None:
            self.player.close()
            self.player = None


@dataclass(frozen=True)
class SpeakerSetup:
    speaker: Speaker | None
    #: For the wall, in Chinese, when calls will not be heard ("" when they will).
    problem: str = ""


def make_speaker(enabled: bool, clips: Path | None = None, *,
                 clock: Callable[[], datetime]) -> SpeakerSetup:
    """The speaker for this screen (call it on the GUI thread: Qt backends live
    there), or none with the reason when it cannot speak. Logs whether calls will be
    heard. Never raises."""
    if not enabled:
        return SpeakerSetup(None)
    try:
        backend = _backend(clips)
    except Exception as exc:  # a broken voice must not stop the wall
        backend = SilentBackend(f"the voice cannot start: {exc}")
    ok, lobby, detail = heard(backend)
    if not ok:
        log.warning("%s", detail)
        return SpeakerSetup(VoiceSpeaker(backend, clock=clock), lobby)
    log.info("%s", detail)
    return SpeakerSetup(VoiceSpeaker(backend, clock=clock))


def _backend(clips: Path | None) -> Backend:
    from voice.clips import ClipPack
    from voice.espeak import EspeakVoice, espeak_available
    from voice.qt import QtSink, QtSpeechBackend, mandarin_speech

    qt_sink = QtSink()
    sink: Sink | None = qt_sink if qt_sink.available() else None
    trouble = "Qt finds no audio output"
    if sink is None:
        command = CommandSink.find()
        if command is not None:
            trouble = command.probe()
            sink = None if trouble else command
        else:
            trouble += " and no audio player (pw-play, paplay or aplay) is installed"
    if sink is not None and clips is not None:
        return AudioBackend(ClipPack(clips), sink)
    if sink is not None and espeak_available():
        return AudioBackend(EspeakVoice(), sink)
    speech = mandarin_speech()
    if speech is not None:
        return QtSpeechBackend(speech)
    if sink is None:
        return SilentBackend(f"no audio output found ({trouble})")
    return SilentBackend("espeak-ng is not installed, no clip pack and no Mandarin system voice")
