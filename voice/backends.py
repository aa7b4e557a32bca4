"""Who says an announcement, blocking until it has been said.

- :class:`RecordingBackend` records text and start/end times (tests, dry runs);
- :class:`AudioBackend` renders with a voice (espeak-ng, a clip pack) and hands the
  WAV to a sink: a player command (aplay, paplay, pw-play), a folder, or Qt
  (:mod:`voice.qt`);
- :class:`SilentBackend` when nothing can speak: says so once in the log.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from voice.announcer import Announcement
from voice.audio import RATE, Audio, AudioError, chime, join, scaled, silence
from voice.phrases import Utterance

log = logging.getLogger(__name__)

PAUSE_MS = 600  # between repeats and between languages


class Backend(Protocol):
    name: str

    def play(self, item: Announcement) -> None:
        """Say ``item``; returns when it has been said. Never raises for audio trouble."""


class Voice(Protocol):
    name: str

    def render(self, utterance: Utterance) -> Audio: ...


class Sink(Protocol):
    def play_wav(self, wav: bytes, duration_s: float) -> None:
        """Play a WAV file's bytes; returns when done."""


@dataclass
class Spoken:
    text: str
    number: str
    window: int
    start: float
    end: float


@dataclass
class RecordingBackend:
    """Records what would be said and when; ``duration_s`` is how long each "takes"."""

    duration_s: float = 0.0
    clock: Callable[[], float] = time.monotonic
    spoken: list[Spoken] = field(default_factory=list)
    name: str = "recording"
    _said: threading.Condition = field(default_factory=threading.Condition, repr=False)

    def play(self, item: Announcement) -> None:
        start = self.clock()
        if self.duration_s:
            time.sleep(self.duration_s)
        with self._said:
            self.spoken.append(Spoken(item.text, item.number, item.window, start, self.clock()))
            self._said.notify_all()

    def wait_for(self, count: int, timeout_s: float) -> bool:
        """Whether ``count`` announcements were said within ``timeout_s``."""
        with self._said:
            return self._said.wait_for(lambda: len(self.spoken) >= count, timeout_s)


class SilentBackend:
    """Nothing can speak here: says why once, then that each call is not heard."""

    name = "silent"

    def __init__(self, reason: str) -> None:
        self.reason = reason
        self.told = False

    def play(self, item: Announcement) -> None:
        if not self.told:
            log.warning("calls will not be spoken: %s", self.reason)
            self.told = True
        log.warning("not heard: %s (this PC cannot speak)", item.what)


def spoken_order(item: Announcement) -> list[Utterance]:
    """What is said, in order: the Chinese ``repeat`` times, then each other language
    once (a repeated bilingual call would take too long in a busy hall)."""
    chinese = [u for u in item.utterances if u.lang == "zh"]
    others = [u for u in item.utterances if u.lang != "zh"]
    return chinese * item.repeat + others


def render(voice: Voice, item: Announcement, *, rate: int = RATE) -> Audio:
    """The whole announcement as one clip: chime, then :func:`spoken_order` with pauses,
    at the item's volume.

    Raises:
        AudioError: the voice cannot say it.
    """
    pieces: list[Audio] = [chime(rate), silence(250, rate)] if item.chime else []
    for utterance in spoken_order(item):
        try:
            audio = voice.render(utterance)
        except AudioError as exc:
            if utterance.lang == "zh":
                raise
            log.info("%s sentence skipped: %s", utterance.lang, exc)  # e.g. a Chinese-only pack
            continue
        if len(pieces) > (2 if item.chime else 0):
            pieces.append(silence(PAUSE_MS, rate))
        pieces.append(audio)
    return scaled(join(pieces, rate=rate, crossfade_ms=0), item.volume)


class AudioBackend:
    """A voice rendering into a sink. Audio trouble is logged, the call is skipped."""

    def __init__(self, voice: Voice, sink: Sink) -> None:
        self.voice = voice
        self.sink = sink
        self.name = voice.name

    def play(self, item: Announcement) -> None:
        try:
            audio = render(self.voice, item)
        except AudioError as exc:
            log.warning("not said: %s (%s)", item.what, exc)
            return
        self.sink.play_wav(audio.wav_bytes(), audio.duration_s)


class FolderSink:
    """Writes each announcement to ``folder/NNNN.wav`` (the demo; a dry run)."""

    def __init__(self, folder: Path, name: Callable[[int], str] = "{:04d}.wav".format) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.folder = folder
        self.name = name
        self.count = 0
        self.lock = threading.Lock()

    def play_wav(self, wav: bytes, duration_s: float) -> None:
        with self.lock:
            self.count += 1
            (self.folder / self.name(self.count)).write_bytes(wav)


PLAYERS: tuple[tuple[str, list[str]], ...] = (("pw-play", []), ("paplay", []), ("aplay", ["-q"]))


#: Debian packages that bring a player (system-packages.txt installs alsa-utils).
PLAYER_PACKAGES = "alsa-utils (aplay), pipewire-bin (pw-play) or pulseaudio-utils (paplay)"


class CommandSink:
    """Plays through a command-line player (PipeWire, PulseAudio or ALSA)."""

    def __init__(self, command: list[str]) -> None:
        self.command = command
        self.name = Path(command[0]).name

    @classmethod
    def find(cls) -> CommandSink | None:
        for program, flags in PLAYERS:
            path = shutil.which(program)
            if path:
                return cls([path, *flags])
        return None

    def probe(self, timeout_s: float = 10) -> str:
        """Play a tenth of a second of silence: "" when the player could play it (calls
        will be heard), else why not in the player's words (no sound card, no server)."""
        with tempfile.NamedTemporaryFile(suffix=".wav") as tmp:
            tmp.write(silence(100).wav_bytes())
            tmp.flush()
            try:
                done = subprocess.run([*self.command, tmp.name], check=False,
                                      capture_output=True, timeout=timeout_s)
            except (OSError, subprocess.TimeoutExpired) as exc:
                return f"{self.name} failed: {exc}"
        if done.returncode != 0:
            said = done.stderr.decode(errors="replace").strip().splitlines()
            return f"{self.name} cannot play: {said[-1] if said else f'exit {done.returncode}'}"
        return ""

    def play_wav(self, wav: bytes, duration_s: float) -> None:
        with tempfile.NamedTemporaryFile(suffix=".wav") as tmp:
            tmp.write(wav)
            tmp.flush()
            try:
                subprocess.run([*self.command, tmp.name], check=False, capture_output=True,
                               timeout=duration_s + 10)
            except (OSError, subprocess.TimeoutExpired) as exc:
                log.warning("playing with %s failed: %s", self.command[0], exc)


def default_backend(clips: Path | None = None) -> Backend:
    """The best backend this machine has: a clip pack (if given) or espeak-ng, played
    by a command-line player that can play here; else a silent one that says why.

    Raises:
        AudioError: ``clips`` is given but is not a usable clip pack.
    """
    from voice.clips import ClipPack
    from voice.espeak import EspeakVoice, espeak_available

    sink = CommandSink.find()
    if sink is None:
        return SilentBackend(f"no audio player (pw-play, paplay or aplay) found: install "
                             f"{PLAYER_PACKAGES}")
    trouble = sink.probe()
    if trouble:
        return SilentBackend(f"no audio output: {trouble}")
    if clips is not None:
        return AudioBackend(ClipPack(clips), sink)
    if espeak_available():
        return AudioBackend(EspeakVoice(), sink)
    return SilentBackend("espeak-ng is not installed and no clip pack is configured")


def heard(backend: Backend) -> tuple[bool, str, str]:
    """Whether calls said through ``backend`` will be heard: (yes, words for the lobby
    in Chinese, detail for the technician's log)."""
    if isinstance(backend, SilentBackend):
        return (False, "语音播报暂不可用，请留意屏幕叫号",
                f"calls will NOT be heard: {backend.reason}")
    sink = getattr(backend, "sink", None)
    through = f" through {getattr(sink, 'name', type(sink).__name__)}" if sink else ""
    return True, "语音播报已就绪", f"calls will be heard: {backend.name}{through}"
