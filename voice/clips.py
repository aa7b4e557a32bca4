"""Recorded clip packs: a folder of WAV segments (请.wav 号.wav 到.wav 窗口.wav 办理.wav,
零.wav … 九.wav, 幺.wav, 十.wav, 百.wav, 千.wav, A.wav … Z.wav, and for the special
calls 大堂经理.wav 的.wav 办事群众.wav 对本次服务进行评价.wav) joined into sentences.

Template text is split into clips by longest match (so "号到" may be one clip or
号 + 到). Clips are trimmed, brought to one sample rate and joined with a short
crossfade. ``make_demo_pack`` writes a small pack with espeak-ng (docs/voice.md).
"""

from __future__ import annotations

import logging
import string
from pathlib import Path

from voice.audio import RATE, Audio, AudioError, join, read_wav, silence, trim
from voice.espeak import EspeakVoice
from voice.phrases import Utterance
from voice.reading import DIGITS, UNITS, YAO

log = logging.getLogger(__name__)

#: The clips ``make_demo_pack`` records (what the default Chinese template needs).
DEMO_WORDS = ("请", "号", "到", "窗口", "办理", *DIGITS, YAO, *[u for u in UNITS if u],
              *string.ascii_uppercase,
              # the special calls ([voice] template_manager, template_rating defaults)
              "大堂经理", "的", "办事群众", "对本次服务进行评价")


class ClipPack:
    """A folder of ``<text>.wav`` clips (Chinese only: English falls back to silence
    unless the pack has the words)."""

    name = "clip pack"

    def __init__(self, folder: Path, *, rate: int = RATE, gap_ms: int = 0) -> None:
        """Raises:
            AudioError: the folder has no WAV clips or one cannot be read.
        """
        self.folder = folder
        self.rate = rate
        self.gap_ms = gap_ms
        self.clips: dict[str, Audio] = {}
        for path in sorted(folder.glob("*.wav")):
            self.clips[path.stem] = trim(read_wav(path))
        if not self.clips:
            raise AudioError(f"no .wav clips in {folder}")
        self.longest = max(len(k) for k in self.clips)

    def split(self, parts: tuple[str, ...]) -> list[str]:
        """The clip names that say ``parts``, longest match first.

        Raises:
            AudioError: some text has no clip (names the missing text).
        """
        names: list[str] = []
        for part in parts:
            text = part.strip()
            at = 0
            while at < len(text):
                if text[at].isspace():
                    at += 1
                    continue
                for size in range(min(self.longest, len(text) - at), 0, -1):
                    piece = text[at:at + size]
                    if piece in self.clips:
                        names.append(piece)
                        at += size
                        break
                else:
                    raise AudioError(f"clip pack {self.folder.name} has no clip for "
                                     f"{text[at]!r} (in {text!r})")
        return names

    def render(self, utterance: Utterance) -> Audio:
        """Raises:
            AudioError: a clip is missing.
        """
        pieces: list[Audio] = []
        for name in self.split(utterance.parts):
            if pieces and self.gap_ms:
                pieces.append(silence(self.gap_ms, self.rate))
            pieces.append(self.clips[name])
        return join(pieces, rate=self.rate)


def make_demo_pack(folder: Path, words: tuple[str, ...] = DEMO_WORDS) -> Path:
    """Record ``words`` with espeak-ng into ``folder`` as a demo clip pack.

    Raises:
        AudioError: espeak-ng is missing or failed.
    """
    folder.mkdir(parents=True, exist_ok=True)
    speaker = EspeakVoice(speed_wpm=170)
    for word in words:
        voice = "en" if word.isascii() else "cmn"
        speaker.render_text(word, voice).write(folder / f"{word}.wav")
    log.info("wrote a demo clip pack of %d clips to %s", len(words), folder)
    return folder
