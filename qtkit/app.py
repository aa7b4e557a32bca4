"""What every app's command line shares, and where its window goes.

``jiaohao kiosk|caller|display --station station.toml [--hub URL] [--device ID]
[--fullscreen] [--screen N] [--size WxH]``. There is deliberately no ``--token``:
the token comes from the station file or ``JIAOHAO_TOKEN`` (a flag would show in ``ps``).
"""

from __future__ import annotations

import argparse
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QWidget

from qtkit.station import TOKEN_ENV, Station, StationError, load_station

_SIZE = re.compile(r"^\s*(\d{2,5})\s*[xX×]\s*(\d{2,5})\s*$")


@dataclass(frozen=True)
class Placement:
    """Where the window goes: full screen or not, which screen, what size."""

    fullscreen: bool = False
    screen: int | None = None
    size: tuple[int, int] | None = None


@dataclass(frozen=True)
class AppOptions:
    station: Station
    placement: Placement


def parse_size(text: str) -> tuple[int, int]:
    """``"1280x800"`` → ``(1280, 800)``. Raises argparse.ArgumentTypeError."""
    match = _SIZE.match(text)
    if match is None:
        raise argparse.ArgumentTypeError(f"size must look like 1280x800, not {text!r}")
    return int(match[1]), int(match[2])


def _screen_number(text: str) -> int:
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"screen must be a number 0, 1, …, not {text!r}")
    return int(text)


def add_common_arguments(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """Add ``--station --hub --device --fullscreen --screen --size`` to ``parser``."""
    parser.add_argument("--station", type=Path, metavar="FILE",
                        help="the station file (hub address, device id, token, hardware)")
    parser.add_argument("--hub", metavar="URL", help="override the hub address, ws://HOST:PORT")
    parser.add_argument("--device", metavar="ID", help="override the device id")
    parser.add_argument("--fullscreen", action="store_true", help="fill the whole screen")
    parser.add_argument("--screen", type=_screen_number, metavar="N",
                        help="put the window on screen N (0 is the first)")
    parser.add_argument("--size", type=parse_size, metavar="WxH",
                        help="window size in pixels, e.g. 1280x800")
    return parser


def build_parser(prog: str, description: str) -> argparse.ArgumentParser:
    """A parser with the common arguments; an app adds its own after."""
    return add_common_arguments(argparse.ArgumentParser(prog=prog, description=description))


def options_from_args(
    args: argparse.Namespace, environ: Mapping[str, str] | None = None
) -> AppOptions:
    """The station (file plus ``--hub``/``--device``) and the window placement.

    Without ``--station``, ``--hub``, ``--device`` and ``JIAOHAO_TOKEN`` must all be given.

    Raises:
        StationError: the station file is wrong, or no station can be made.
    """
    env = os.environ if environ is None else environ
    if args.station is not None:
        station = load_station(args.station, env).with_overrides(args.hub, args.device)
    else:
        token = env.get(TOKEN_ENV, "").strip()
        if not (args.hub and args.device and token):
            raise StationError("--station", None,
                               f"give a station file, or --hub, --device and {TOKEN_ENV}")
        station = Station(hub=args.hub, device=args.device, token=token)
    placement = Placement(fullscreen=args.fullscreen, screen=args.screen, size=args.size)
    return AppOptions(station=station, placement=placement)


def parse_app_args(
    prog: str, description: str, argv: Sequence[str] | None = None
) -> AppOptions:
    """Parse an app's command line; exits with a clear message (status 2) on any error."""
    parser = build_parser(prog, description)
    args = parser.parse_args(argv)
    try:
        return options_from_args(args)
    except StationError as exc:
        parser.error(str(exc))
        raise  # unreachable: parser.error exits


def application(argv: Sequence[str] | None = None) -> QApplication:
    """The process's QApplication (made once)."""
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    return QApplication(list(argv) if argv is not None else [])


def place_window(window: QWidget, placement: Placement) -> None:
    """Put ``window`` on its screen at its size and show it (full screen if asked).

    Raises:
        ValueError: ``placement.screen`` names a screen that does not exist.
    """
    from qtkit.control import attach_from_environment

    attach_from_environment(window)  # only when JIAOHAO_CONTROL is set (tests, support)
    screens = QGuiApplication.screens()
    screen = QGuiApplication.primaryScreen()
    if placement.screen is not None:
        if placement.screen >= len(screens):
            raise ValueError(f"--screen {placement.screen}: this computer has "
                             f"{len(screens)} screen(s), numbered from 0")
        screen = screens[placement.screen]
    if placement.size is not None:
        window.resize(*placement.size)
    if screen is not None:
        area = screen.availableGeometry()
        window.move(area.topLeft())
        handle = window.windowHandle()
        if handle is not None:
            handle.setScreen(screen)
    if placement.fullscreen:
        window.showFullScreen()
    else:
        window.show()
