"""The announcement rules: zones, quiet hours, bursts, superseded calls, special calls,
each call its own words, how short the backlog makes them."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

import pytest

from hall.config import HallConfig
from tests.voice.conftest import at, called, hall
from voice.announcer import BRIEF_AFTER_S, Announcement, Announcer, Form

NOW = at(10)


def announcer(config: HallConfig, speaker: str | None = None) -> Announcer:
    return Announcer(config, speaker=speaker)


def special(window: int, call: str = "manager", text: str = "") -> dict[str, object]:
    """An ``announcement`` event's data."""
    return {"window": window, "call": call, "text": text or f"请大堂经理到{window}号窗口"}


def test_each_announcement_says_its_own_call(config: HallConfig) -> None:
    rules = announcer(config)
    rules.offer(called(1, "A001", 3), NOW)
    rules.offer(called(2, "B002", 12, "B"), NOW)
    first, second = rules.next(NOW), rules.next(NOW)
    assert first is not None and second is not None and rules.next(NOW) is None
    assert (first.number, first.window) == ("A001", 3)
    assert first.utterances[0].text == "请A零零一号到三号窗口办理"
    assert second.utterances[0].text == "请B零零二号到十二号窗口办理"


def test_speaker_zones_filter_by_window_zone(config: HallConfig) -> None:
    floor1, floor2, everyone = (announcer(config, "floor1"), announcer(config, "floor2"),
                                announcer(config))
    for rules in (floor1, floor2, everyone):
        rules.offer(called(1, "A001", 3), NOW)
        rules.offer(called(2, "B001", 12, "B"), NOW)
    assert [a.number for a in floor1.waiting] == ["A001"]
    assert [a.number for a in floor2.waiting] == ["B001"]
    assert [a.number for a in everyone.waiting] == ["A001", "B001"]


def test_special_calls_are_routed_by_the_window_zone(config: HallConfig) -> None:
    floor1, floor2, everyone = (announcer(config, "floor1"), announcer(config, "floor2"),
                                announcer(config))
    for rules in (floor1, floor2, everyone):
        rules.offer_special(special(3), NOW)
        rules.offer_special(special(12, "rating", "请对本次服务进行评价"), NOW)
    assert [(a.special, a.window) for a in floor1.waiting] == [("manager", 3)]
    assert [(a.special, a.window) for a in floor2.waiting] == [("rating", 12)]
    assert len(everyone.waiting) == 2


def test_a_special_call_has_its_own_words_and_is_never_merged_with_a_ticket_call(
        config: HallConfig) -> None:
    rules = announcer(config)
    rules.offer(called(1, "A001", 3), NOW)
    rules.offer_special(special(3), NOW)
    rules.offer(called(1, "A001", 3, recall=1), NOW)  # supersedes the ticket call only
    assert [(a.number, a.special) for a in rules.waiting] == [("A001", ""), ("", "manager")]
    manager = rules.waiting[1]
    assert manager.utterances[0].text == "请大堂经理到三号窗口"
    assert manager.utterances[1].text == "Hall manager, please come to window 3."
    rules.offer_special(special(3, "rating", "请对本次服务进行评价"), NOW)
    rating = rules.waiting[-1]
    assert rating.utterances[0].text == "请三号窗口的办事群众对本次服务进行评价"
    assert "A零零一" not in rating.text and "大堂经理" not in rating.text


def test_the_same_special_call_pressed_twice_while_waiting_is_said_once(
        config: HallConfig) -> None:
    rules = announcer(config)
    rules.offer(called(1, "A001", 3), NOW)
    rules.offer_special(special(3), NOW)
    rules.offer_special(special(3), NOW)
    assert [a.special for a in rules.waiting] == ["", "manager"]
    assert rules.superseded == 1


def test_unknown_speaker(config: HallConfig) -> None:
    with pytest.raises(ValueError, match=r"unknown speaker 'roof'.*floor1, floor2"):
        Announcer(config, speaker="roof")


def test_a_burst_drops_nothing_unheard(config: HallConfig,
                                       caplog: pytest.LogCaptureFixture) -> None:
    rules = announcer(config)
    with caplog.at_level(logging.INFO):
        for n in range(1, 21):
            rules.offer(called(n, f"A{n:03d}", 3), NOW)
    said = []
    while (item := rules.next(NOW)) is not None:
        said.append(item.number)
    assert said == [f"A{n:03d}" for n in range(1, 21)]
    assert rules.superseded == 0
    assert not any("dropped" in r.message for r in caplog.records)


def test_a_waiting_ticket_called_again_is_superseded_in_its_place(config: HallConfig) -> None:
    rules = announcer(config)
    rules.offer(called(1, "A001", 3), NOW)
    rules.offer(called(2, "A002", 3), NOW)
    rules.offer(called(1, "A001", 12, recall=1), NOW)
    assert [(a.number, a.window, a.recall) for a in rules.waiting] == [
        ("A001", 12, 1), ("A002", 3, 0)]
    assert rules.superseded == 1


def test_a_recall_after_it_was_spoken_is_spoken_again(config: HallConfig) -> None:
    rules = announcer(config)
    rules.offer(called(1, "A001", 3), NOW)
    assert rules.next(NOW) is not None
    rules.offer(called(1, "A001", 3, recall=1), NOW)
    again = rules.next(NOW)
    assert again is not None and again.recall == 1 and again.number == "A001"


def said(item: Announcement) -> tuple[Form, bool, int, tuple[str, ...]]:
    return item.form, item.chime, item.repeat, tuple(u.lang for u in item.utterances)


def test_the_backlog_chooses_how_short_each_call_is_said() -> None:
    config = hall("[voice]\nrepeat = 2\n")
    rules = announcer(config)
    rules.offer(called(1, "A001", 3), NOW)
    assert said(rules.next(NOW)) == (Form.FULL, True, 2, ("zh", "en"))  # type: ignore[arg-type]
    for n in (2, 3):
        rules.offer(called(n, f"A{n:03d}", 3), NOW)
    short = rules.next(NOW)  # one waits behind it: the Chinese once, no chime, no English
    assert short is not None and said(short) == (Form.SHORT, False, 1, ("zh",))
    assert short.utterances[0].text == "请A零零二号到三号窗口办理"
    assert said(rules.next(NOW)) == (Form.FULL, True, 2, ("zh", "en"))  # type: ignore[arg-type]
    for n in range(4, 10):
        rules.offer(called(n, f"A{n:03d}", 3), NOW)
    brief = rules.next(NOW)  # five wait behind it: the brief sentence, a little faster
    assert brief is not None and said(brief) == (Form.BRIEF, False, 1, ("zh",))
    assert brief.utterances[0].text == "A零零四号 三号窗口"
    assert brief.utterances[0].rate > 1


def test_a_call_that_waited_long_is_said_brief() -> None:
    rules = announcer(hall())
    rules.offer(called(1, "A001", 3), NOW)
    late = rules.next(NOW + timedelta(seconds=BRIEF_AFTER_S))
    assert late is not None and late.form is Form.BRIEF


def test_without_shortening_every_call_is_said_in_full() -> None:
    rules = announcer(hall("[voice]\nshorten = false\n"))
    for n in range(1, 10):
        rules.offer(called(n, f"A{n:03d}", 3), NOW)
    forms = {item.form for item in iter(lambda: rules.next(NOW), None)}
    assert forms == {Form.FULL}


def test_twenty_windows_at_once_are_all_said_and_the_last_begins_within_a_minute() -> None:
    """With the seconds each form takes spoken by espeak-ng (measured: bench/voice.py),
    twenty calls made at once: the last starts within 60 s of its call."""
    seconds = {Form.FULL: 15.0, Form.SHORT: 4.6, Form.BRIEF: 2.8}
    config = hall("[[window]]\n".join([""] + [f"number = {n}\nservices = [\"A\"]\n\n"
                                               for n in range(20, 40)]))
    rules = announcer(config)
    for n in range(20, 40):
        rules.offer(called(n, f"A{n:03d}", n), NOW)
    clock: datetime = NOW
    starts: list[tuple[str, int, float]] = []
    while (item := rules.next(clock)) is not None:
        starts.append((item.number, item.window, (clock - NOW).total_seconds()))
        clock += timedelta(seconds=seconds[item.form])
    assert [(n, w) for n, w, _ in starts] == [(f"A{n:03d}", n) for n in range(20, 40)]
    assert starts[-1][2] < 60


@pytest.mark.parametrize(("hour", "minute", "spoken"), [
    (11, 59, True), (12, 0, False), (13, 29, False), (13, 30, True),
    (22, 0, False), (6, 59, False), (7, 0, True),
])
def test_quiet_hours(hour: int, minute: int, spoken: bool) -> None:
    config = hall('[voice]\nquiet_hours = ["12:00-13:30", "22:00-07:00"]\n')
    rules = announcer(config)
    assert (rules.offer(called(1, "A001", 3), at(hour, minute)) is not None) is spoken
    assert (rules.offer_special(special(3), at(hour, minute)) is not None) is spoken


def test_settings_travel_with_the_item() -> None:
    config = hall("[voice]\nrepeat = 3\nchime = false\nvolume = 40\n")
    item = announcer(config).offer(called(1, "A001", 3), NOW)
    assert item is not None and (item.repeat, item.chime, item.volume) == (3, False, 40)


def test_unreadable_call_is_ignored(config: HallConfig) -> None:
    rules = announcer(config)
    assert rules.offer({"window": 3}, NOW) is None
    assert rules.offer(called(1, "A001", 123456), NOW) is None  # window cannot be read
    assert rules.offer_special({"call": "manager"}, NOW) is None
    assert not rules.waiting


def test_a_special_call_of_a_window_serving_two_floors_is_said_on_both() -> None:
    config = hall('[[window]]\nnumber = 7\nservices = ["A", "B"]\n\n'
                  '[[voice.speaker]]\nid = "floor1"\nzones = ["f1"]\n\n'
                  '[[voice.speaker]]\nid = "floor2"\nzones = ["f2"]\n')
    for speaker in ("floor1", "floor2"):
        rules = announcer(config, speaker)
        assert rules.offer_special(special(7), NOW) is not None
        assert rules.offer(called(1, "B001", 7, "B"), NOW) is not None or speaker == "floor1"


def test_a_hall_words_its_special_calls_itself() -> None:
    config = hall('[voice]\ntemplate_manager = "请值班长到{window}号窗口"\ntemplate_en = ""\n')
    rules = announcer(config)
    item = rules.offer_special(special(12), NOW)
    assert item is not None and [u.text for u in item.utterances] == ["请值班长到十二号窗口"]
