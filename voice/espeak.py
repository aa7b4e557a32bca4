"""Offline speech with espeak-ng (a subprocess writing a WAV file)."""

from __future__ import annotations

import logging
import shutil
import subprocess
import tempfile
from pathlib import Path

from voice.audio import Audio, AudioError, read_wav, trim
from voice.phrases import Utterance

log = logging.getLogger(__name__)

VOICES = {"zh": "cmn", "en": "en"}


def espeak_available() -> bool:
    """Whether the espeak-ng program is on PATH."""
    return shutil.which("espeak-ng") is not None


def speak_to_wav(text: str, path: Path, *, voice: str = "cmn", speed_wpm: int = 150,
                 timeout_s: float = 30) -> bool:
    """Write ``text`` spoken by espeak-ng to the WAV file ``path``.

    Returns False (and logs) when espeak-ng is missing or fails; never raises for that.
    """
    espeak = shutil.which("espeak-ng")
    if espeak is None:
        return False
    try:
        done = subprocess.run([espeak, "-v", voice, "-s", str(speed_wpm), "-w", str(path), text],
                              check=False, capture_output=True, timeout=timeout_s)
    except (OSError, subprocess.TimeoutExpired) as exc:
        log.warning("espeak-ng failed: %s", exc)
        return False
    if done.returncode != 0:
        log.warning("espeak-ng exited %d: %s", done.returncode,
                    done.stderr.decode(errors="replace").strip())
        return False
    return True


class EspeakVoice:
    """Renders utterances with espeak-ng (Mandarin ``cmn``, English ``en``)."""

    name = "espeak-ng"

    def __init__(self, *, speed_wpm: int = 175) -> None:
        self.speed_wpm = speed_wpm

    def render(self, utterance: Utterance) -> Audio:
        """Raises:
            AudioError: espeak-ng is missing or failed.
        """
        return self.render_text(utterance.text, VOICES.get(utterance.lang, "cmn"),
                                rate=utterance.rate)

    def render_text(self, text: str, voice: str = "cmn", *, rate: float = 1.0) -> Audio:
        """``text`` at ``rate`` times the usual speed.

        Raises:
            AudioError: espeak-ng is missing or failed.
        """
        with tempfile.TemporaryDirectory(prefix="jiaohao-voice-") as tmp:
            path = Path(tmp) / "say.wav"
            speed = round(self.speed_wpm * rate)
            if not speak_to_wav(text, path, voice=voice, speed_wpm=speed):
                raise AudioError("espeak-ng is not installed or failed")
            return trim(read_wav(path))
