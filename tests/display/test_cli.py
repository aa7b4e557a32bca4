"""`jiaohao display` arguments: the station's [app] table and the flags."""

from __future__ import annotations

from typing import Any

import pytest

from display.cli import ScreenSettingsError, build_parser, main, screen_settings
from display.model import ScreenFilter


def settings(app: dict[str, Any], *flags: str) -> Any:
    return screen_settings(app, build_parser().parse_args(list(flags)))


def test_station_app_table_sets_the_floor_and_the_voice() -> None:
    got = settings({"zones": ["tax"], "windows": "1-3,9", "voice": True, "notice": " 午休 "})
    assert got.screen == ScreenFilter(frozenset({"tax"}), frozenset({1, 2, 3, 9}))
    assert got.voice and got.notice == "午休"


def test_flags_win_over_the_station_file() -> None:
    got = settings({"zones": ["tax"], "voice": True}, "--zones", "social,estate",
                   "--windows", "5", "--no-voice")
    assert got.screen == ScreenFilter(frozenset({"social", "estate"}), frozenset({5}))
    assert not got.voice


def test_defaults_cover_the_whole_hall_silently() -> None:
    got = settings({})
    assert got.screen.everything and not got.voice and got.notice == ""


@pytest.mark.parametrize(("app", "key"), [
    ({"zone": ["tax"]}, "app.zone"),
    ({"windows": [0]}, "app.windows"),
    ({"windows": "a-b"}, "app.windows"),
    ({"zones": [1]}, "app.zones"),
    ({"voice": "yes"}, "app.voice"),
    ({"notice": 3}, "app.notice"),
])
def test_mistakes_name_their_key(app: dict[str, Any], key: str) -> None:
    with pytest.raises(ScreenSettingsError, match=key):
        settings(app)


def test_without_a_station_or_token_it_is_a_usage_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("JIAOHAO_TOKEN", raising=False)
    with pytest.raises(SystemExit) as exit_:
        main(["--hub", "ws://127.0.0.1:1", "--device", "display-1"])
    assert exit_.value.code == 2
    assert "JIAOHAO_TOKEN" in capsys.readouterr().err


def test_the_example_station_file_is_valid() -> None:
    from pathlib import Path

    from qtkit.station import load_station

    root = Path(__file__).resolve().parents[2]
    station = load_station(root / "examples" / "stations" / "display.toml",
                           {"JIAOHAO_TOKEN": "t"})
    got = settings(dict(station.app))
    assert got.voice and got.screen.zones == {"tax", "social"}
    assert station.serial == ()  # LED bars belong to the device host
