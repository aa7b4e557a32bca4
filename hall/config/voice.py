"""The hall's ``[voice]`` settings: how calls are spoken (templates, repeat, chime,
quiet hours, volume, 幺, speaker zones) and their check in the TOML loader.

See docs/config.md (``[voice]``) and docs/voice.md.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import time
from typing import Any, Protocol

DEFAULT_TEMPLATE = "请{number}号到{window}号窗口办理"
DEFAULT_TEMPLATE_EN = "Number {number}, please go to window {window}."
#: Said instead of the template when many calls wait (a space, not a comma: a clip pack
#: has no clip for punctuation).
DEFAULT_TEMPLATE_BRIEF = "{number}号 {window}号窗口"
#: The special calls' Chinese sentences (``announce``): their own, never a ticket call's.
DEFAULT_TEMPLATE_MANAGER = "请大堂经理到{window}号窗口"
DEFAULT_TEMPLATE_RATING = "请{window}号窗口的办事群众对本次服务进行评价"
#: The placeholders a template may use.
PLACEHOLDERS = ("number", "window", "window_name", "service")

VOICE_KEYS = ("template", "template_en", "template_brief", "template_manager",
              "template_rating", "repeat", "chime", "quiet_hours", "volume", "yao", "shorten",
              "max_queue", "speaker")
_SPEAKER_KEYS = ("id", "zones")
_SPAN = re.compile(r"([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]|24):([0-5]\d)")
_FIELD = re.compile(r"\{([^{}]*)\}")


@dataclass(frozen=True)
class Speaker:
    """A group of loudspeakers (a floor, a wing) that announces the calls of windows in
    its ``zones``; an empty ``zones`` announces every call."""

    id: str
    zones: tuple[str, ...] = ()


@dataclass(frozen=True)
class VoiceSettings:
    template: str = DEFAULT_TEMPLATE
    template_en: str = DEFAULT_TEMPLATE_EN  # "" speaks Chinese only
    repeat: int = 2
    chime: bool = True
    quiet_hours: tuple[tuple[time, time], ...] = ()
    volume: int = 80  # percent
    yao: bool = False  # read the digit 1 as 幺 in ticket numbers
    #: Accepted for older hall files and ignored: no call waiting is ever dropped now.
    max_queue: int = 4
    speakers: tuple[Speaker, ...] = ()
    template_brief: str = DEFAULT_TEMPLATE_BRIEF
    #: Say calls shorter when others wait behind them (voice.announcer.Form).
    shorten: bool = True
    template_manager: str = DEFAULT_TEMPLATE_MANAGER
    template_rating: str = DEFAULT_TEMPLATE_RATING

    def speaker(self, speaker_id: str) -> Speaker | None:
        return next((s for s in self.speakers if s.id == speaker_id), None)

    def is_quiet(self, at: time) -> bool:
        """Whether the local time ``at`` falls in quiet hours (a span may cross midnight)."""
        for start, end in self.quiet_hours:
            if start <= end:
                if start <= at < end:
                    return True
            elif at >= start or at < end:
                return True
        return False

    def public(self) -> dict[str, object]:
        return {
            "template": self.template, "template_en": self.template_en, "repeat": self.repeat,
            "chime": self.chime, "volume": self.volume, "yao": self.yao,
            "max_queue": self.max_queue, "template_brief": self.template_brief,
            "shorten": self.shorten, "template_manager": self.template_manager,
            "template_rating": self.template_rating,
            "quiet_hours": [f"{a:%H:%M}-{_hhmm_end(b)}" for a, b in self.quiet_hours],
            "speakers": [{"id": s.id, "zones": list(s.zones)} for s in self.speakers],
        }

    @classmethod
    def from_public(cls, obj: Mapping[str, Any] | None) -> VoiceSettings:
        """Rebuilt from :meth:`public`; absent (an older hub) gives the defaults.

        Raises:
            KeyError, TypeError, ValueError: ``obj`` is malformed.
        """
        if not obj:
            return cls()
        default = cls()
        spans = tuple(s for s in (_span(str(x)) for x in obj.get("quiet_hours", [])) if s)
        return cls(
            template=str(obj.get("template", default.template)),
            template_en=str(obj.get("template_en", default.template_en)),
            repeat=int(obj.get("repeat", default.repeat)),
            chime=bool(obj.get("chime", default.chime)),
            quiet_hours=spans,
            volume=int(obj.get("volume", default.volume)),
            yao=bool(obj.get("yao", default.yao)),
            max_queue=int(obj.get("max_queue", default.max_queue)),
            template_brief=str(obj.get("template_brief", default.template_brief)),
            shorten=bool(obj.get("shorten", default.shorten)),
            template_manager=str(obj.get("template_manager", default.template_manager)),
            template_rating=str(obj.get("template_rating", default.template_rating)),
            speakers=tuple(Speaker(str(s["id"]), tuple(map(str, s.get("zones", []))))
                           for s in obj.get("speakers", [])),
        )


def _hhmm_end(end: time) -> str:
    return "24:00" if end == time.max else f"{end:%H:%M}"


def _span(text: str) -> tuple[time, time] | None:
    match = _SPAN.fullmatch(text.strip())
    if not match:
        return None
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    if h2 == 24 and m2:
        return None
    end = time.max if h2 == 24 else time(h2, m2)
    return time(h1, m1), end


class _Checks(Protocol):
    def error(self, key: str, message: str) -> None: ...
    def known_keys(self, table: Mapping[str, Any], where: str,
                   allowed: tuple[str, ...]) -> None: ...
    def wrong_type(self, key: str, expected: str, value: object) -> None: ...
    def text(self, table: Mapping[str, Any], where: str, key: str, *,
             required: bool = False) -> str | None: ...


def check_voice(checks: _Checks, data: Mapping[str, Any], zones: set[str]) -> VoiceSettings | None:
    """The ``[voice]`` table checked (every mistake reported through ``checks``);
    defaults when absent, None after errors."""
    value = data.get("voice")
    if value is None:
        return VoiceSettings()
    if not isinstance(value, dict):
        checks.wrong_type("voice", "a [voice] table", value)
        return None
    checks.known_keys(value, "voice", VOICE_KEYS)
    default = VoiceSettings()
    ok = True

    def bounded(key: str, low: int, high: int, fallback: int) -> int:
        nonlocal ok
        got = value.get(key, fallback)
        if isinstance(got, bool) or not isinstance(got, int):
            checks.wrong_type(f"voice.{key}", f"an integer from {low} to {high}", got)
        elif not low <= got <= high:
            checks.error(f"voice.{key}", f"must be from {low} to {high}, not {got}")
        else:
            return got
        ok = False
        return fallback

    def flag(key: str, fallback: bool) -> bool:
        nonlocal ok
        got = value.get(key, fallback)
        if not isinstance(got, bool):
            checks.wrong_type(f"voice.{key}", "true or false", got)
            ok = False
            return fallback
        return got

    def template(key: str, fallback: str, *, required: bool) -> str:
        nonlocal ok
        got = checks.text(value, "voice", key)
        if got is None:
            if key in value:  # there but not a string: text() said so
                ok = False
            return fallback
        fields = _FIELD.findall(got)
        unknown = [f for f in fields if f not in PLACEHOLDERS]
        if unknown:
            checks.error(f"voice.{key}", f"unknown placeholder {{{unknown[0]}}}; allowed: "
                         + ", ".join(f"{{{p}}}" for p in PLACEHOLDERS))
            ok = False
        elif required and "number" not in fields:
            checks.error(f"voice.{key}", "must contain {number} (the ticket number)")
            ok = False
        return got

    text = template("template", default.template, required=True)
    text_en = template("template_en", default.template_en, required=False)
    text_brief = template("template_brief", default.template_brief, required=True)
    text_manager = template("template_manager", default.template_manager, required=False)
    text_rating = template("template_rating", default.template_rating, required=False)
    for key, got in (("template_manager", text_manager), ("template_rating", text_rating)):
        if not got.strip():
            checks.error(f"voice.{key}", "must not be empty (it is what is said)")
            ok = False
    if text_en and "number" not in _FIELD.findall(text_en):
        checks.error("voice.template_en", 'must contain {number}, or be "" for Chinese only')
        ok = False
    repeat = bounded("repeat", 1, 5, default.repeat)
    volume = bounded("volume", 0, 100, default.volume)
    max_queue = bounded("max_queue", 1, 50, default.max_queue)
    chime = flag("chime", default.chime)
    yao = flag("yao", default.yao)
    shorten = flag("shorten", default.shorten)
    quiet: list[tuple[time, time]] = []
    spans = value.get("quiet_hours", [])
    if not isinstance(spans, list):
        checks.wrong_type("voice.quiet_hours", 'a list of "HH:MM-HH:MM"', spans)
        ok = False
        spans = []
    for index, item in enumerate(spans):
        span = _span(item) if isinstance(item, str) else None
        if span is None:
            checks.error(f"voice.quiet_hours[{index}]",
                         f'must be "HH:MM-HH:MM" like "12:00-13:30", not {item!r}')
            ok = False
        else:
            quiet.append(span)
    speakers: list[Speaker] = []
    tables = value.get("speaker", [])
    if not isinstance(tables, list):
        checks.error("voice.speaker", "must be written as [[voice.speaker]] tables")
        ok = False
        tables = []
    seen: set[str] = set()
    for index, table in enumerate(tables):
        where = f"voice.speaker[{index}]"
        if not isinstance(table, dict):
            checks.wrong_type(where, "a [[voice.speaker]] table", table)
            ok = False
            continue
        checks.known_keys(table, where, _SPEAKER_KEYS)
        speaker_id = checks.text(table, where, "id", required=True)
        members = table.get("zones", [])
        if not isinstance(members, list) or not all(isinstance(z, str) for z in members):
            checks.wrong_type(f"{where}.zones", "a list of zone ids", members)
            ok = False
            members = []
        for zone in members:
            if zone not in zones:
                checks.error(f"{where}.zones", f"unknown zone {zone!r} (zones: "
                             f"{', '.join(sorted(zones))})")
                ok = False
        if speaker_id is None:
            ok = False
            continue
        if speaker_id in seen:
            checks.error(f"{where}.id", f"duplicate speaker {speaker_id!r}")
            ok = False
        seen.add(speaker_id)
        speakers.append(Speaker(speaker_id, tuple(members)))
    if not ok:
        return None
    return VoiceSettings(template=text, template_en=text_en, repeat=repeat, chime=chime,
                         quiet_hours=tuple(quiet), volume=volume, yao=yao,
                         max_queue=max_queue, speakers=tuple(speakers),
                         template_brief=text_brief, shorten=shorten,
                         template_manager=text_manager, template_rating=text_rating)
