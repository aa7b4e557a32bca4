"""Mono 16-bit PCM in plain Python: read and write WAV, join with a short crossfade,
trim silence, scale volume, a generated chime. Small clips only (speech, seconds).
"""

from __future__ import annotations

import io
import math
import wave
from array import array
from dataclasses import dataclass
from pathlib import Path

RATE = 22050  # espeak-ng's rate; every clip is brought to it before joining
CROSSFADE_MS = 8


class AudioError(ValueError):
    """A WAV file that cannot be used (not PCM, not 8/16-bit, unreadable)."""


@dataclass(frozen=True)
class Audio:
    rate: int
    samples: array[int]  # typecode "h", mono

    @property
    def duration_s(self) -> float:
        return len(self.samples) / self.rate

    def rms(self) -> float:
        """Root mean square level, 0..32767 (0 for silence)."""
        if not self.samples:
            return 0.0
        return math.sqrt(sum(s * s for s in self.samples) / len(self.samples))

    def wav_bytes(self) -> bytes:
        out = io.BytesIO()
        with wave.open(out, "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(self.rate)
            w.writeframes(self.samples.tobytes())
        return out.getvalue()

    def write(self, path: Path) -> None:
        path.write_bytes(self.wav_bytes())


def read_wav(source: Path | bytes) -> Audio:
    """A WAV file (mono or stereo, 8 or 16-bit PCM) as mono 16-bit.

    Raises:
        AudioError: not such a file.
    """
    try:
        with wave.open(io.BytesIO(source) if isinstance(source, bytes) else str(source),
                       "rb") as w:
            channels, width, rate = w.getnchannels(), w.getsampwidth(), w.getframerate()
            frames = w.readframes(w.getnframes())
    except (OSError, EOFError, wave.Error) as exc:
        raise AudioError(f"cannot read WAV {source if isinstance(source, Path) else ''}: "
                         f"{exc}") from exc
    if width == 1:
        samples = array("h", ((b - 128) << 8 for b in frames))
    elif width == 2:
        samples = array("h")
        samples.frombytes(frames[: len(frames) // 2 * 2])
    else:
        raise AudioError(f"only 8 or 16-bit PCM WAV is supported, not {width * 8}-bit")
    if channels > 1:
        samples = array("h", (sum(samples[i:i + channels]) // channels
                              for i in range(0, len(samples), channels)))
    return Audio(rate, samples)


def resample(audio: Audio, rate: int = RATE) -> Audio:
    """``audio`` at ``rate`` (linear interpolation: speech quality)."""
    if audio.rate == rate or not audio.samples:
        return Audio(rate, audio.samples) if audio.rate == rate else Audio(rate, array("h"))
    src = audio.samples
    count = max(1, round(len(src) * rate / audio.rate))
    step = (len(src) - 1) / max(1, count - 1)
    out = array("h")
    for i in range(count):
        x = i * step
        j = int(x)
        frac = x - j
        nxt = src[j + 1] if j + 1 < len(src) else src[j]
        out.append(int(src[j] + (nxt - src[j]) * frac))
    return Audio(rate, out)


def trim(audio: Audio, threshold: int = 300) -> Audio:
    """``audio`` without the silence before and after the sound."""
    s = audio.samples
    start = next((i for i, v in enumerate(s) if abs(v) > threshold), len(s))
    end = next((i for i in range(len(s) - 1, -1, -1) if abs(s[i]) > threshold), -1)
    return Audio(audio.rate, s[start:end + 1] if end >= start else array("h"))


def silence(ms: int, rate: int = RATE) -> Audio:
    return Audio(rate, array("h", bytes(2 * (rate * ms // 1000))))


def join(pieces: list[Audio], *, rate: int = RATE, crossfade_ms: int = CROSSFADE_MS) -> Audio:
    """The pieces one after the other at ``rate``, each seam a short linear crossfade
    (no gap, no click)."""
    out = array("h")
    fade = rate * crossfade_ms // 1000
    for piece in pieces:
        samples = resample(piece, rate).samples
        n = min(fade, len(out), len(samples))
        if n:
            base = len(out) - n
            for i in range(n):
                w = (i + 1) / (n + 1)
                out[base + i] = _clip(out[base + i] * (1 - w) + samples[i] * w)
        out.extend(samples[n:])
    return Audio(rate, out)


def scaled(audio: Audio, volume: int) -> Audio:
    """``audio`` at ``volume`` percent (100: as is)."""
    if volume >= 100:
        return audio
    factor = max(0, volume) / 100
    return Audio(audio.rate, array("h", (int(v * factor) for v in audio.samples)))


def chime(rate: int = RATE) -> Audio:
    """A soft two-note "ding-dong" (E5 then C5), faded in and out."""
    out = array("h")
    for freq, ms in ((659.25, 320), (523.25, 480)):
        n = rate * ms // 1000
        for i in range(n):
            env = min(1.0, i / (rate * 0.01)) * (1 - i / n) ** 1.5
            out.append(int(9000 * env * math.sin(2 * math.pi * freq * i / rate)))
    return Audio(rate, out)


def _clip(value: float) -> int:
    return max(-32768, min(32767, int(value)))
