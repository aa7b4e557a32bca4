"""``jiaohao display``: run one wall screen.

``jiaohao display --station display.toml [--zones tax,social] [--windows 1-20]
[--voice | --no-voice] [--fullscreen] [--screen N] [--size WxH]``. The station
file's ``[app]`` table may set the same: ``zones = ["tax"]``, ``windows = [1, 2]``
or ``"1-20"``, ``voice = true``, ``clips = "DIR"`` (a recorded clip pack for the voice),
``notice = "…"`` (this screen's own notice).
Flags win over the file.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from display.model import ScreenFilter, parse_windows

log = logging.getLogger(__name__)


class ScreenSettingsError(ValueError):
    """The station file's ``[app]`` table or a flag is wrong; names the key."""


@dataclass(frozen=True)
class ScreenSettings:
    screen: ScreenFilter
    voice: bool
    notice: str
    clips: Path | None = None


_APP_KEYS = {"zones", "windows", "voice", "clips", "notice"}


def _zones(value: Any, key: str) -> frozenset[str]:
    if isinstance(value, str):
        value = [z for z in (part.strip() for part in value.split(",")) if z]
    if not isinstance(value, list) or not all(isinstance(z, str) and z for z in value):
        raise ScreenSettingsError(f"{key}: must be a list of zone ids, e.g. [\"tax\"]")
    return frozenset(value)


def _windows(value: Any, key: str) -> frozenset[int]:
    if isinstance(value, str):
        try:
            return parse_windows(value)
        except ValueError as exc:
            raise ScreenSettingsError(f"{key}: {exc}") from exc
    if not isinstance(value, list) or not all(
        isinstance(n, int) and not isinstance(n, bool) and n >= 1 for n in value
    ):
        raise ScreenSettingsError(f"{key}: must be window numbers, e.g. [1, 2] or \"1-20\"")
    return frozenset(value)


def screen_settings(app: Mapping[str, Any], args: argparse.Namespace) -> ScreenSettings:
    """The screen's filter, voice and notice from the station's ``[app]`` and the flags.

    Raises:
        ScreenSettingsError: an unknown key or a wrong value (the message names it).
    """
    for key in app:
        if key not in _APP_KEYS:
            raise ScreenSettingsError(
                f"app.{key}: unknown key (known: {', '.join(sorted(_APP_KEYS))})")
    zones = _zones(app.get("zones", []), "app.zones")
    windows = _windows(app.get("windows", []), "app.windows")
    if args.zones is not None:
        zones = _zones(args.zones, "--zones")
    if args.windows is not None:
        windows = _windows(args.windows, "--windows")
    voice = app.get("voice", False)
    if not isinstance(voice, bool):
        raise ScreenSettingsError("app.voice: must be true or false")
    if args.voice is not None:
        voice = args.voice
    notice = app.get("notice", "")
    if not isinstance(notice, str):
        raise ScreenSettingsError("app.notice: must be a string")
    clips = app.get("clips")
    if clips is not None and (not isinstance(clips, str) or not clips.strip()):
        raise ScreenSettingsError("app.clips: must be the folder of a clip pack")
    return ScreenSettings(ScreenFilter(zones, windows), voice, notice.strip(),
                          Path(clips) if clips else None)


def build_parser() -> argparse.ArgumentParser:
    from qtkit.app import build_parser as common

    parser = common("jiaohao display", "Run a wall display (综合屏).")
    parser.add_argument("--zones", metavar="IDS", help="only these zones, e.g. tax,social")
    parser.add_argument("--windows", metavar="LIST", help="only these windows, e.g. 1-20,25")
    voice = parser.add_mutually_exclusive_group()
    voice.add_argument("--voice", dest="voice", action="store_true", default=None,
                       help="speak the calls of this screen (one display per speaker zone)")
    voice.add_argument("--no-voice", dest="voice", action="store_false",
                       help="stay silent even if the station file says voice = true")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the wall screen until its window closes; 2 on a usage error."""
    from qtkit.app import application, options_from_args, place_window
    from qtkit.station import StationError

    # INFO by default, with each line's level: a speaking wall's technician checks from
    # this log that every call was said (docs/voice.md)
    logging.basicConfig(level=logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    parser = build_parser()
    args = parser.parse_args(list(argv) if argv is not None else None)
    try:
        options = options_from_args(args)
        settings = screen_settings(options.station.app, args)
    except (StationError, ScreenSettingsError) as exc:
        parser.error(str(exc))
    from display.app import WallApp
    from display.voicehost import make_speaker
    from hall.wallclock import wall_clock
    from qtkit.bridge import HubBridge
    from qtkit.fonts import setup_fonts

    station = options.station
    if station.serial:
        log.warning("%s lists [[serial]] devices: the wall display does not drive them; "
                    "LED window bars belong to `jiaohao devices serve` (docs/display.md)",
                    station.file)
    app = application(sys.argv[:1])
    fonts = setup_fonts(app)
    # The voice's quiet hours follow the hub's time as the wall's replica knows it
    # (`wall` is bound below, before anything is spoken).
    speaker = make_speaker(settings.voice, settings.clips, clock=lambda: wall.replica.clock())
    wall = WallApp(HubBridge(station.hub, station.device, station.token),
                   settings.screen, speaker.speaker, settings.notice, now=wall_clock)
    problems = [p for p in (fonts.problem, speaker.problem) if p]
    wall.window.problem = "  ".join(problems)
    try:
        place_window(wall.window, options.placement)
    except ValueError as exc:
        parser.error(str(exc))
    if options.placement.fullscreen:
        wall.window.setCursor(_blank_cursor())
    wall.start()
    try:
        return int(app.exec())
    finally:
        wall.stop()


def _blank_cursor() -> Any:
    from PySide6.QtCore import Qt

    return Qt.CursorShape.BlankCursor
