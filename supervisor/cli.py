"""`jiaohao supervisor --station FILE`: the managers' dashboard for one admin device."""

from __future__ import annotations

import logging
import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    from hall.wallclock import wall_clock
    from qtkit.app import application, parse_app_args, place_window
    from qtkit.bridge import HubBridge
    from qtkit.fonts import setup_fonts
    from qtkit.theme import apply_theme, make_theme
    from supervisor.app import SupervisorApp

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    options = parse_app_args("jiaohao supervisor",
                             "The hall managers' dashboard (admin role).", argv)
    app = application(sys.argv[:1])
    fonts = setup_fonts(app, pixel_size=18)
    apply_theme(app, make_theme(18))
    station = options.station
    dashboard = SupervisorApp(HubBridge(station.hub, station.device, station.token), wall_clock)
    if not fonts.ok:
        dashboard.model.say(fonts.problem, "error")
    place_window(dashboard.window, options.placement)
    dashboard.start()
    try:
        return int(app.exec())
    finally:
        dashboard.stop()
