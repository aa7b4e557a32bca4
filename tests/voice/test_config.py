"""The hall config's [voice] table: defaults, bounds, clear errors, the client's view."""

from __future__ import annotations

from datetime import time

import pytest

from hall.config import ConfigError, HallConfig, VoiceSettings
from hall.config.voice import DEFAULT_TEMPLATE
from tests.voice.conftest import hall


def test_defaults() -> None:
    voice = hall().voice
    assert voice == VoiceSettings()
    assert voice.template == DEFAULT_TEMPLATE == "请{number}号到{window}号窗口办理"
    assert (voice.repeat, voice.chime, voice.volume, voice.yao) == (2, True, 80, False)


def test_everything_set(config: HallConfig) -> None:
    voice = hall('[voice]\ntemplate = "请{number}号到{window_name}"\ntemplate_en = ""\n'
                 'repeat = 3\nchime = false\nquiet_hours = ["12:00-13:30"]\nvolume = 60\n'
                 'yao = true\nmax_queue = 6\nshorten = false\n'
                 'template_brief = "{number} {window_name}"\n').voice
    assert voice.template_en == "" and voice.repeat == 3 and not voice.chime
    assert voice.quiet_hours == ((time(12), time(13, 30)),)
    assert (voice.volume, voice.yao, voice.max_queue) == (60, True, 6)
    assert not voice.shorten and voice.template_brief == "{number} {window_name}"
    mute = hall("[voice]\nshorten = false\n")
    assert HallConfig.from_public(mute.public()).voice.shorten is False
    assert [s.id for s in config.voice.speakers] == ["floor1", "floor2"]


@pytest.mark.parametrize(("table", "key", "message"), [
    ("repeat = 0", "voice.repeat", "must be from 1 to 5, not 0"),
    ("volume = 150", "voice.volume", "must be from 0 to 100, not 150"),
    ('volume = "loud"', "voice.volume", "must be an integer from 0 to 100, not"),
    ("chime = 1", "voice.chime", "must be true or false"),
    ('template = "请到{window}号窗口"', "voice.template", "must contain {number}"),
    ('template = "请{numbr}号"', "voice.template", "unknown placeholder {numbr}"),
    ('template_en = "Window {window}"', "voice.template_en", "must contain {number}"),
    ('quiet_hours = ["12-13"]', "voice.quiet_hours[0]", 'must be "HH:MM-HH:MM"'),
    ("quiet_hours = \"12:00-13:00\"", "voice.quiet_hours", "must be a list"),
    ("loudness = 3", "voice.loudness", "unknown key"),
    ("shorten = 1", "voice.shorten", "must be true or false"),
    ('template_brief = "{window}号窗口"', "voice.template_brief", "must contain {number}"),
    ('template_manager = ""', "voice.template_manager", "must not be empty"),
    ('template_rating = "请{windw}评价"', "voice.template_rating", "unknown placeholder {windw}"),
    ('[[voice.speaker]]\nid = "x"\nzones = ["f9"]', "voice.speaker[0].zones",
     "unknown zone 'f9'"),
    ('[[voice.speaker]]\nid = "x"\n[[voice.speaker]]\nid = "x"', "voice.speaker[1].id",
     "duplicate speaker 'x'"),
])
def test_mistakes_are_named(table: str, key: str, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        hall(f"[voice]\n{table}\n")
    problems = {p.key: p.message for p in caught.value.problems}
    assert key in problems, problems
    assert message in problems[key]


def test_the_client_sees_the_voice_settings(config: HallConfig) -> None:
    public = HallConfig.from_public(config.public())
    assert public.voice == config.voice
    older = config.public()
    del older["voice"]
    assert HallConfig.from_public(older).voice == VoiceSettings()


def test_quiet_hours_to_midnight_survive_the_trip() -> None:
    config = hall('[voice]\nquiet_hours = ["20:00-24:00"]\n')
    assert config.voice.is_quiet(time(23, 59)) and not config.voice.is_quiet(time(19, 59))
    assert HallConfig.from_public(config.public()).voice == config.voice
