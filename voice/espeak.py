"""Offline speech with espeak-ng (a subprocess writing a WAV file)."""

from __future__ import annotations

import logging
import shutil
import subprocess
from pathlib import Path

log = logging.getLogger(__name__)


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
