"""What is said for a call: the hall's templates filled with the call's own number and
window, as utterances made of spoken parts (see docs/voice.md).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from hall.config import HallConfig, VoiceSettings
from voice.reading import read_amount, read_ticket, read_ticket_en

_FIELD = re.compile(r"\{([a-z_]+)\}")


@dataclass(frozen=True)
class Utterance:
    """One sentence in one language. ``parts`` are the spoken pieces in order: template
    text as written, numbers already read (a clip pack has a clip for each)."""

    lang: str  # "zh" or "en"
    parts: tuple[str, ...]
    #: Speed, where the voice can change it (espeak-ng; a clip pack says clips as
    #: recorded): 1.0 as usual, 1.2 a fifth faster (a brief call in a backlog).
    rate: float = 1.0

    @property
    def text(self) -> str:
        return "".join(self.parts)


def window_name(config: HallConfig, window: int) -> str:
    """The window's name as shown: its configured name, else "N号窗口"."""
    found = config.window(window)
    return found.name if found and found.name else f"{window}号窗口"


#: The English of special calls (``announce``), by call; the Chinese is the hall's
#: ``[voice] template_manager`` / ``template_rating``. Their own sentences: a special
#: call is never said as, or merged with, a ticket call.
SPECIAL_EN: dict[str, str] = {
    "manager": "Hall manager, please come to window {window}.",
    "rating": "Window {window}: please rate our service.",
}


def call_utterances(config: HallConfig, number: str, window: int,
                    service: str | None = None,
                    settings: VoiceSettings | None = None, *,
                    brief: bool = False) -> tuple[Utterance, ...]:
    """The sentences for calling ticket ``number`` to ``window``: Chinese from
    ``template``, then English from ``template_en`` unless that is empty. With
    ``brief``, only the Chinese from ``template_brief`` (said when calls queue up).

    Raises:
        ValueError: the window number cannot be read (above 9999).
    """
    voice = settings or config.voice
    found = config.service(service) if service else None
    zh_fields = {
        "number": read_ticket(number, yao=voice.yao),
        "window": read_amount(window),
        "window_name": (window_name(config, window),),
        "service": (found.name if found else "",),
    }
    if brief:
        return (Utterance("zh", _fill(voice.template_brief, zh_fields)),)
    out = [Utterance("zh", _fill(voice.template, zh_fields))]
    if voice.template_en:
        en_fields = {
            "number": (read_ticket_en(number),),
            "window": (str(window),),
            "window_name": (f"window {window}",),
            "service": ((found.name_en or found.name) if found else "",),
        }
        out.append(Utterance("en", _fill(voice.template_en, en_fields)))
    return tuple(out)


def special_utterances(config: HallConfig, call: str, window: int, text: str = "",
                       settings: VoiceSettings | None = None) -> tuple[Utterance, ...]:
    """The sentences of a special call of ``window`` (``manager``, ``rating``): its own
    Chinese sentence with the window read as an amount, then English unless the hall
    speaks Chinese only (``template_en = ""``). An unknown ``call`` says the event's
    ``text`` as written.

    Raises:
        ValueError: the window number cannot be read, or nothing to say.
    """
    voice = settings or config.voice
    zh = {"manager": voice.template_manager, "rating": voice.template_rating}.get(call)
    en = SPECIAL_EN.get(call)
    if zh is None or en is None:
        if not text:
            raise ValueError(f"unknown special call {call!r} without words")
        return (Utterance("zh", (text,)),)
    out = [Utterance("zh", _fill(zh, {"window": read_amount(window),
                                      "window_name": (window_name(config, window),)}))]
    if voice.template_en:
        out.append(Utterance("en", _fill(en, {"window": (str(window),)})))
    return tuple(out)


def call_sentence(config: HallConfig, number: str, window: int) -> str:
    """The Chinese sentence for a call as text: "请A零零一号到三号窗口办理"."""
    return call_utterances(config, number, window)[0].text


def _fill(template: str, fields: Mapping[str, tuple[str, ...]]) -> tuple[str, ...]:
    parts: list[str] = []
    at = 0
    for match in _FIELD.finditer(template):
        if match.start() > at:
            parts.append(template[at:match.start()])
        parts.extend(p for p in fields.get(match.group(1), ()) if p)
        at = match.end()
    if at < len(template):
        parts.append(template[at:])
    return tuple(parts)
