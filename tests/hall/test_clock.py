"""A client's view of the hub's time (hall/clock.py) and the welcome that carries it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from hall.clock import HubClock, hub_time
from hall.config import Role
from hall.protocol import Welcome
from tests.conftest import TEN_AM, FakeClock


def test_before_the_hub_speaks_it_is_the_local_clock() -> None:
    local = FakeClock(TEN_AM + timedelta(hours=5))
    clock = HubClock(local)
    assert clock() == local.now and not clock.synced


def test_it_keeps_the_offset_to_the_hub_and_runs_with_the_local_clock() -> None:
    local = FakeClock(TEN_AM + timedelta(hours=5))  # this PC is five hours fast
    clock = HubClock(local)
    clock.set(TEN_AM)
    assert clock() == TEN_AM and clock.synced and clock.offset == timedelta(hours=-5)
    local.advance(minutes=3)
    assert clock() == TEN_AM + timedelta(minutes=3)


def test_later_events_move_it_on_older_ones_do_not() -> None:
    local = FakeClock()
    clock = HubClock(local)
    clock.set(TEN_AM)
    clock.heard(TEN_AM - timedelta(minutes=10))  # a replayed event
    assert clock() == TEN_AM
    clock.heard(TEN_AM + timedelta(minutes=1))  # the hub's clock is ahead of ours
    assert clock() == TEN_AM + timedelta(minutes=1)
    clock.set(TEN_AM - timedelta(hours=1))  # a welcome: the hub's clock was put back
    assert clock() == TEN_AM - timedelta(hours=1)


def test_unreadable_or_naive_hub_times_are_ignored() -> None:
    clock = HubClock(FakeClock())
    for text in ("", "yesterday", "2026-03-02T10:00:00"):
        assert hub_time(text) is None
        clock.set_from(text)
        clock.heard_from(text)
    assert not clock.synced
    with pytest.raises(ValueError):
        clock.set(datetime(2026, 3, 2, 10, 0))
    clock.set_from("2026-03-02T10:00:00+08:00")
    assert clock() == datetime(2026, 3, 2, 2, 0, tzinfo=UTC)


def test_the_welcome_carries_the_hubs_time_and_reads_without_it() -> None:
    welcome = Welcome(role=Role.KIOSK, seq=3, hall={}, state=None,
                      now="2026-03-02T10:00:00+08:00")
    assert Welcome.parse(welcome.to_json()).now == "2026-03-02T10:00:00+08:00"
    older = welcome.to_json()
    del older["now"]
    assert Welcome.parse(older).now == ""


def test_the_halls_day_is_named_in_the_halls_zone_whatever_the_servers_zone() -> None:
    from hall.clock import day_in, zone

    shanghai = zone("Asia/Shanghai")
    # 07:30 in Beijing on 6 December is still 5 December in UTC.
    assert day_in(datetime(2026, 12, 5, 23, 30, tzinfo=UTC), shanghai).isoformat() == (
        "2026-12-06")
    assert day_in(datetime(2026, 12, 6, 15, 59, tzinfo=UTC), shanghai).isoformat() == (
        "2026-12-06")
    assert day_in(datetime(2026, 12, 6, 16, 0, tzinfo=UTC), shanghai).isoformat() == (
        "2026-12-07")


def test_an_unknown_zone_is_a_readable_error() -> None:
    from hall.clock import zone

    with pytest.raises(ValueError, match="unknown time zone 'Nowhere/Bogus'"):
        zone("Nowhere/Bogus")


def test_county_report_refuses_an_unknown_zone(capsys: pytest.CaptureFixture[str]) -> None:
    from county.cli import main

    assert main(["report", "--url", "postgresql://county@127.0.0.1/county", "--day",
                 "2026-12-06", "--out", "unused", "--timezone", "Nowhere/Bogus"]) == 2
    err = capsys.readouterr().err
    assert "unknown time zone 'Nowhere/Bogus'" in err
