"""The display host's voice: the one place that turns ``voice = true`` into a speaker.

Only the display whose station says ``voice = true`` speaks (one per speaker zone);
it speaks the calls its own screen shows. With no speech backend on the PC it says
so once (on the wall and in the log) and the screen goes on silent.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from display.speech import Speaker

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SpeakerSetup:
    speaker: Speaker | None
    problem: str = ""


def make_speaker(enabled: bool) -> SpeakerSetup:
    """The speaker for this screen, or none (silent) with the reason when it cannot speak."""
    if not enabled:
        return SpeakerSetup(None)
    problem = "语音播报不可用：本版本尚未包含语音组件 (no voice package)"
    log.warning("%s", problem)
    return SpeakerSetup(None, problem)
