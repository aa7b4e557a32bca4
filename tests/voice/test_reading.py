"""Numbers read as halls read them, and the templates filled with each call's own parts."""

from __future__ import annotations

import pytest

from hall.config import VoiceSettings
from tests.voice.conftest import hall
from voice.phrases import call_sentence, call_utterances
from voice.reading import read_amount, read_ticket, read_ticket_en


@pytest.mark.parametrize(("number", "yao", "parts"), [
    ("A001", False, "A零零一"),
    ("A001", True, "A零零幺"),
    ("B120", False, "B一二零"),
    ("b-017", False, "B零一七"),
    ("AB99", False, "AB九九"),
    ("1111", True, "幺幺幺幺"),
])
def test_ticket_numbers(number: str, yao: bool, parts: str) -> None:
    assert "".join(read_ticket(number, yao=yao)) == parts


def test_letters_are_single_parts() -> None:
    assert read_ticket("A001") == ("A", "零", "零", "一")


@pytest.mark.parametrize(("value", "spoken"), [
    (0, "零"), (3, "三"), (10, "十"), (12, "十二"), (20, "二十"), (21, "二十一"),
    (100, "一百"), (101, "一百零一"), (110, "一百一十"), (1010, "一千零一十"),
    (1001, "一千零一"), (9999, "九千九百九十九"),
])
def test_window_numbers_read_as_amounts(value: int, spoken: str) -> None:
    assert "".join(read_amount(value)) == spoken


def test_amount_out_of_range() -> None:
    with pytest.raises(ValueError, match=r"0\.\.9999"):
        read_amount(10_000)


def test_english_number() -> None:
    assert read_ticket_en("a-001") == "A 0 0 1"


def test_default_template() -> None:
    config = hall()
    zh, en = call_utterances(config, "A001", 3, "A")
    assert zh.text == "请A零零一号到三号窗口办理"
    assert zh.parts == ("请", "A", "零", "零", "一", "号到", "三", "号窗口办理")
    assert en.text == "Number A 0 0 1, please go to window 3."
    assert call_sentence(config, "B012", 12) == "请B零一二号到十二号窗口办理"


def test_custom_templates_and_yao() -> None:
    config = hall('[voice]\ntemplate = "{number}号请到{window_name}，办理{service}"\n'
                  'template_en = ""\nyao = true\n')
    (zh,) = call_utterances(config, "A011", 3, "A")
    assert zh.text == "A零幺幺号请到3号窗口，办理综合受理"


def test_settings_override() -> None:
    config = hall()
    settings = VoiceSettings(template="{number}，{window}", template_en="")
    (zh,) = call_utterances(config, "A1", 12, None, settings)
    assert zh.text == "A一，十二"
