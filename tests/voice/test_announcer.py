"""The announcement rules: zones, quiet hours, bursts, merges, each call its own words."""

from __future__ import annotations

import logging
from datetime import datetime

import pytest

from hall.config import HallConfig
from tests.conftest import FakeClock
from tests.voice.conftest import at, called, hall
from voice.announcer import Announcer


def announcer(config: HallConfig, speaker: str | None = None,
              now: datetime | None = None) -> Announcer:
    moment = now or at(10)
    return Announcer(config, speaker=speaker, clock=lambda: moment)


def test_each_announcement_says_its_own_call(config: HallConfig) -> None:
    rules = announcer(config)
    rules.offer(called(1, "A001", 3))
    rules.offer(called(2, "B002", 12, "B"))
    first, second = rules.next(), rules.next()
    assert first is not None and second is not None and rules.next() is None
    assert (first.number, first.window) == ("A001", 3)
    assert first.utterances[0].text == "请A零零一号到三号窗口办理"
    assert second.utterances[0].text == "请B零零二号到十二号窗口办理"


def test_speaker_zones_filter_by_window_zone(config: HallConfig) -> None:
    floor1, floor2, everyone = (announcer(config, "floor1"), announcer(config, "floor2"),
                                announcer(config))
    for rules in (floor1, floor2, everyone):
        rules.offer(called(1, "A001", 3))
        rules.offer(called(2, "B001", 12, "B"))
    assert [a.number for a in floor1.waiting] == ["A001"]
    assert [a.number for a in floor2.waiting] == ["B001"]
    assert [a.number for a in everyone.waiting] == ["A001", "B001"]


def test_unknown_speaker(config: HallConfig) -> None:
    with pytest.raises(ValueError, match=r"unknown speaker 'roof'.*floor1, floor2"):
        Announcer(config, speaker="roof", clock=FakeClock())


def test_burst_keeps_the_newest_and_logs_the_dropped(
        config: HallConfig, caplog: pytest.LogCaptureFixture) -> None:
    rules = announcer(config)  # max_queue = 3
    with caplog.at_level(logging.WARNING):
        for n in range(1, 8):
            rules.offer(called(n, f"A{n:03d}", 3))
    assert [a.number for a in rules.waiting] == ["A005", "A006", "A007"]
    assert rules.dropped == 4
    assert sum("dropped unspoken" in r.message for r in caplog.records) == 4


def test_a_waiting_ticket_called_again_is_merged(config: HallConfig) -> None:
    rules = announcer(config)
    rules.offer(called(1, "A001", 3))
    rules.offer(called(2, "A002", 3))
    rules.offer(called(1, "A001", 3, recall=1))
    assert [(a.number, a.recall) for a in rules.waiting] == [("A001", 1), ("A002", 0)]


def test_a_recall_after_it_was_spoken_is_spoken_again(config: HallConfig) -> None:
    rules = announcer(config)
    rules.offer(called(1, "A001", 3))
    assert rules.next() is not None
    rules.offer(called(1, "A001", 3, recall=1))
    again = rules.next()
    assert again is not None and again.recall == 1 and again.number == "A001"


@pytest.mark.parametrize(("hour", "minute", "spoken"), [
    (11, 59, True), (12, 0, False), (13, 29, False), (13, 30, True),
    (22, 0, False), (6, 59, False), (7, 0, True),
])
def test_quiet_hours(hour: int, minute: int, spoken: bool) -> None:
    config = hall('[voice]\nquiet_hours = ["12:00-13:30", "22:00-07:00"]\n')
    rules = announcer(config, now=at(hour, minute))
    assert (rules.offer(called(1, "A001", 3)) is not None) is spoken


def test_settings_travel_with_the_item() -> None:
    config = hall("[voice]\nrepeat = 3\nchime = false\nvolume = 40\n")
    item = announcer(config).offer(called(1, "A001", 3))
    assert item is not None and (item.repeat, item.chime, item.volume) == (3, False, 40)


def test_unreadable_call_is_ignored(config: HallConfig) -> None:
    rules = announcer(config)
    assert rules.offer({"window": 3}) is None
    assert rules.offer(called(1, "A001", 123456)) is None  # window cannot be read
    assert not rules.waiting
