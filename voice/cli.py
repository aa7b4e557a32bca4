"""`jiaohao voice …`: the headless announcer, one sentence to a WAV, a demo clip pack.

    jiaohao voice station --station speaker.toml [--hub URL] [--device ID] [--speaker floor1]
    JIAOHAO_TOKEN=… jiaohao voice station --hub ws://hub:8765 --device speaker-1
    jiaohao voice say A001 3 --config hall.toml --out call.wav [--clips DIR]
    jiaohao voice make-pack DIR
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)


def main(argv: list[str]) -> int:
    """0 when done, 1 when speech failed, 2 for bad usage or config."""
    parser = argparse.ArgumentParser(prog="jiaohao voice", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    station = sub.add_parser("station", help="say the hall's calls through this PC's speakers")
    station.add_argument("--station", type=Path,
                         help="a station file: [station] hub, device and token")
    station.add_argument("--hub", help="the hub's ws:// address (overrides the station file)")
    station.add_argument("--device", help="this PC's display device id (overrides the file)")
    station.add_argument("--speaker", help="a [[voice.speaker]] id (default: every call)")
    station.add_argument("--clips", type=Path, help="a recorded clip pack folder")
    say = sub.add_parser("say", help="write one call to a WAV file")
    say.add_argument("number")
    say.add_argument("window", type=int)
    say.add_argument("--config", type=Path, help="hall config (default: built-in settings)")
    say.add_argument("--clips", type=Path, help="a clip pack instead of espeak-ng")
    say.add_argument("--out", type=Path, default=Path("call.wav"))
    pack = sub.add_parser("make-pack", help="record a demo clip pack with espeak-ng")
    pack.add_argument("folder", type=Path)
    args = parser.parse_args(argv)
    # INFO by default: a technician checks from this log that every call was said
    logging.basicConfig(level=logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")

    from voice.audio import AudioError

    try:
        if args.command == "make-pack":
            from voice.clips import make_demo_pack

            make_demo_pack(args.folder)
            print(f"demo clip pack: {args.folder}")
            return 0
        if args.command == "say":
            return _say(args)
        from hall.tomlfile import ConfigError

        try:
            hub, device, token = station_login(args.station, args.hub, args.device,
                                               os.environ)
        except ConfigError as exc:
            print(f"jiaohao voice: {exc}", file=sys.stderr)
            return 2
        return asyncio.run(_station(args, hub, device, token))
    except AudioError as exc:
        print(f"jiaohao voice: {exc}", file=sys.stderr)
        return 1


def _say(args: argparse.Namespace) -> int:
    from hall.config import ConfigError, HallConfig, HallInfo, load_config
    from hall.wallclock import wall_clock
    from voice.announcer import Announcer
    from voice.backends import AudioBackend, FolderSink
    from voice.clips import ClipPack
    from voice.espeak import EspeakVoice

    try:
        config = (load_config(args.config) if args.config
                  else HallConfig(hall=HallInfo(name="jiaohao"), zones=(), services=(),
                                  windows=()))
    except ConfigError as exc:
        print(f"jiaohao voice: {exc}", file=sys.stderr)
        return 2
    item = Announcer(config).offer({"ticket": {"id": 0, "number": args.number},
                                    "window": args.window}, wall_clock())
    if item is None:
        print("jiaohao voice: nothing to say (quiet hours, or the window cannot be read)",
              file=sys.stderr)
        return 1
    voice = ClipPack(args.clips) if args.clips else EspeakVoice()
    out: Path = args.out
    AudioBackend(voice, FolderSink(out.parent or Path("."), lambda _n: out.name)).play(item)
    if not out.is_file():
        return 1
    print(f"{item.text} -> {out}")
    return 0


def station_login(file: Path | None, hub: str | None, device: str | None,
                  environ: Mapping[str, str]) -> tuple[str, str, str]:
    """The hub address, device id and token of a voice station: from its station file
    (``[station] hub, device, token``), ``--hub``/``--device`` overriding, the token
    from the file or ``JIAOHAO_TOKEN`` (never a flag: it would show in ``ps``).
    Raises hall.tomlfile.ConfigError naming the file and the key."""
    from hall.tomlfile import ConfigError, read_toml, readable_by_others

    where = str(file) if file else "command line"
    table: Any = read_toml(file).get("station", {}) if file else {}
    if not isinstance(table, dict):
        raise ConfigError(where, "station", "must be a table (hub, device, token)")
    found = {key: table.get(key) for key in ("hub", "device", "token")}
    for key, value in found.items():
        if value is not None and (not isinstance(value, str) or not value.strip()):
            raise ConfigError(where, f"station.{key}", "must be text")
    hub = hub or found["hub"]
    device = device or found["device"]
    token = found["token"] or environ.get("JIAOHAO_TOKEN", "").strip()
    if not hub or not hub.startswith(("ws://", "wss://")):
        raise ConfigError(where, "station.hub", "is required: the hub's ws:// or wss:// "
                                                f"address (--hub){f', not {hub!r}' if hub else ''}")
    if not device:
        raise ConfigError(where, "station.device", "is required: a display device id "
                                                   "(--device)")
    if not token:
        raise ConfigError(where, "station.token", "is required here or in the "
                                                  "JIAOHAO_TOKEN environment variable")
    too_open = readable_by_others(file) if file and found["token"] else None
    if too_open is not None:
        log.warning("%s", too_open)
    return hub, device, token


async def _station(args: argparse.Namespace, hub: str, device: str, token: str) -> int:
    from hall.client import HubRefused
    from hall.wallclock import wall_clock
    from voice.backends import default_backend, heard
    from voice.station import Station

    backend = default_backend(args.clips)
    ok, lobby, detail = heard(backend)
    # said at start, before connecting: whoever sets the PC up hears of a mute PC at once
    (log.info if ok else log.warning)("%s", detail)
    print(f"jiaohao voice: {lobby}", flush=True)
    station = Station(hub, device, token, backend,
                      clock=wall_clock, speaker=args.speaker)
    try:
        await station.start()
    except (HubRefused, TimeoutError, OSError, ValueError) as exc:
        print(f"jiaohao voice: {exc}", file=sys.stderr)
        return 2
    print(f"jiaohao voice: announcing as {device} with {station.backend.name}"
          f"{'' if ok else ' (calls will not be heard)'}", flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        await station.close()
    return 0
