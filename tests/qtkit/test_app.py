"""The common command line and window placement."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QWidget

from qtkit.app import Placement, build_parser, options_from_args, parse_size, place_window
from qtkit.station import StationError

ROOT = Path(__file__).resolve().parents[2]
KIOSK = ROOT / "jiaohao" / "examples" / "stations" / "kiosk.toml"


def _options(argv: list[str], env: dict[str, str] | None = None) -> Any:
    args = build_parser("jiaohao kiosk", "test").parse_args(argv)
    return options_from_args(args, env or {})


def test_station_with_overrides_and_placement() -> None:
    options = _options(["--station", str(KIOSK), "--hub", "ws://10.0.0.9:1",
                        "--device", "kiosk-2", "--fullscreen", "--screen", "1",
                        "--size", "1280x800"])
    assert (options.station.hub, options.station.device) == ("ws://10.0.0.9:1", "kiosk-2")
    assert options.station.token == "kiosk-1-change-me"
    assert options.placement == Placement(fullscreen=True, screen=1, size=(1280, 800))


def test_without_a_station_file_the_token_comes_from_the_environment() -> None:
    options = _options(["--hub", "ws://h:1", "--device", "d"], {"JIAOHAO_TOKEN": "t"})
    assert (options.station.hub, options.station.device, options.station.token) == (
        "ws://h:1", "d", "t")
    with pytest.raises(StationError, match="JIAOHAO_TOKEN"):
        _options(["--hub", "ws://h:1", "--device", "d"])


def test_there_is_no_token_flag(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        build_parser("jiaohao kiosk", "test").parse_args(["--token", "x"])
    assert "unrecognized arguments: --token" in capsys.readouterr().err


@pytest.mark.parametrize("text", ["1280", "axb", "1x1", "1280x800x2", ""])
def test_bad_sizes_are_refused(text: str) -> None:
    with pytest.raises(argparse.ArgumentTypeError):
        parse_size(text)


def test_window_placement(qtbot: Any) -> None:
    window = QWidget()
    qtbot.addWidget(window)
    place_window(window, Placement(size=(640, 480), screen=0))
    assert window.isVisible() and (window.width(), window.height()) == (640, 480)
    with pytest.raises(ValueError, match="--screen 7"):
        place_window(window, Placement(screen=7))
