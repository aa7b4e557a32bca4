"""`jiaohao supervisor --station FILE`: the managers' dashboard for one admin device.
`jiaohao supervisor --county URL`: the county dashboard (every hall's link, today per
hall, 差评 cases across halls), read from the county database (docs/county.md)."""

from __future__ import annotations

import logging
import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if "--county" in args:
        return _county(args)
    from hall.wallclock import wall_clock
    from qtkit.app import application, parse_app_args, place_window
    from qtkit.bridge import HubBridge
    from qtkit.fonts import setup_fonts
    from qtkit.theme import apply_theme, make_theme
    from supervisor.app import SupervisorApp

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    options = parse_app_args("jiaohao supervisor",
                             "The hall managers' dashboard (admin role). `jiaohao supervisor"
                             " --county URL` instead: the county dashboard (docs/county.md).",
                             args)
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


def _county(args: list[str]) -> int:
    import argparse

    from county.dashboard import snapshot
    from county.schema import connect
    from hall.clock import day_in, zone
    from hall.config.county import url_problem
    from hall.wallclock import wall_clock
    from qtkit.app import application
    from qtkit.fonts import setup_fonts
    from qtkit.theme import apply_theme, make_theme
    from supervisor.app_county import CountyApp

    parser = argparse.ArgumentParser(prog="jiaohao supervisor --county",
                                     description="The county dashboard.")
    parser.add_argument("--county", required=True, metavar="URL",
                        help="the county database, postgresql:// (no password: ~/.pgpass)")
    parser.add_argument("--every", type=float, default=30.0, help="seconds between reads")
    parser.add_argument("--timezone", default="Asia/Shanghai",
                        help="the halls' time zone, which names today (default Asia/Shanghai)")
    options = parser.parse_args(args)
    problem = url_problem(options.county)
    if problem is not None:
        parser.error(f"--county {problem}")
    try:
        where = zone(options.timezone)
    except ValueError as exc:
        parser.error(f"--timezone: {exc}")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")

    def fetch() -> dict[str, object]:
        with connect(options.county) as conn:
            now = wall_clock()
            return snapshot(conn, day_in(now, where), now)

    app = application(sys.argv[:1])
    setup_fonts(app, pixel_size=18)
    apply_theme(app, make_theme(18))
    board = CountyApp(fetch, lambda: day_in(wall_clock(), where), options.every)
    board.window.show()
    board.start()
    try:
        return int(app.exec())
    finally:
        board.stop()
