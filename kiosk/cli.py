"""``jiaohao kiosk``: the ticket kiosk (取号机). See docs/kiosk.md."""

from __future__ import annotations

import logging
import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    import argparse

    from qtkit.app import add_common_arguments, options_from_args
    from qtkit.station import StationError

    parser = add_common_arguments(argparse.ArgumentParser(
        prog="jiaohao kiosk", description="The ticket kiosk (取号机): touch, take a number."))
    parser.add_argument("--no-speech", action="store_true",
                        help="never read options aloud, even in elderly mode")
    args = parser.parse_args(list(argv) if argv is not None else None)
    try:
        options = options_from_args(args)
        from kiosk.settings import kiosk_settings

        settings = kiosk_settings(options.station.app)
    except (StationError, ValueError) as exc:
        print(f"jiaohao kiosk: {exc}", file=sys.stderr)
        return 2
    station = options.station
    if station.printer is None:
        print("jiaohao kiosk: the station file needs a [printer] table (profile, connection)",
              file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")

    from hall.wallclock import wall_clock
    from kiosk.app import build_kiosk
    from kiosk.memory import HallMemory
    from kiosk.printing import TicketPrinter
    from printer.profile import load_printer_profile
    from qtkit.app import application, place_window
    from qtkit.bridge import HubBridge

    app = application(sys.argv[:1])
    printer = TicketPrinter(load_printer_profile(station.printer.profile),
                            station.printer.connection)
    from kiosk.presenter import GIVE_UP_MARGIN_S

    bridge = HubBridge(station.hub, station.device, station.token, subscribe=True,
                       request_timeout_s=settings.give_up_s + GIVE_UP_MARGIN_S)
    kiosk = build_kiosk(app, bridge, printer, settings,
                        speech=not args.no_speech and station.app.get("speech", True) is not False,
                        clock=wall_clock,
                        hall_memory=HallMemory.for_station(args.station) if args.station else None)
    from hall.profiles import ProfileError
    from kiosk.app import start_idcard_reader

    try:
        reader = start_idcard_reader(station.app, kiosk.presenter, kiosk.window)
    except (ProfileError, ValueError) as exc:
        print(f"jiaohao kiosk: {exc}", file=sys.stderr)
        return 2
    place_window(kiosk.window, options.placement)
    bridge.start()
    try:
        return app.exec()
    finally:
        bridge.stop()
        if reader is not None:
            reader.stop()
