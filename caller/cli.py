"""``jiaohao caller``: the window calling terminal, and its one-shot action command.

    jiaohao caller --station caller.toml [--compact] [--size WxH]
    jiaohao caller --station caller.toml --action call_next     # for a desktop hotkey

``--action`` connects as the station's caller device, sends one request for its
window, prints the outcome and exits (0 done, 1 refused, 2 bad arguments); bind it to
a desktop-wide hotkey (docs/caller.md) to call without leaving the business software.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Sequence
from typing import Any

from caller.actions import ACTIONS, DIRECT, SPECIAL
from caller.words import refusal

log = logging.getLogger(__name__)

#: --action names and the request each sends (hold and call_back need the terminal's list).
CLI_REQUESTS = [name for name in DIRECT if name not in ("hold", "call_back")]


def _parser() -> argparse.ArgumentParser:
    from qtkit.app import build_parser

    parser = build_parser("jiaohao caller", "The calling terminal of one window.")
    parser.add_argument("--compact", action="store_true",
                        help="start as the compact always-on-top strip")
    parser.add_argument("--action", choices=sorted(CLI_REQUESTS),
                        help="send one action for this window and exit (for hotkeys)")
    return parser


async def run_action(url: str, device: str, token: str, action: str) -> tuple[bool, str]:
    """Send ``action`` for the device's window; ``(ok, what to print)``."""
    from hall.client import HubClient
    from hall.errors import RequestFailed

    async with HubClient(url, device, token, subscribe=False) as client:
        window = client.welcome.window if client.welcome else None
        if window is None:
            return False, f"{device} is not a caller device of a window"
        try:
            if action in SPECIAL:
                data = await client.request("announce", window=window, call=SPECIAL[action])
            else:
                data = await client.request(action, window=window)
        except RequestFailed as failed:
            return False, f"{ACTIONS[action].label}未成功：{refusal(failed.code, failed.message)}"
    ticket = data.get("ticket")
    return True, f"{ACTIONS[action].label}：{ticket['number'] if ticket else '完成'}"


def main(argv: Sequence[str] | None = None) -> int:
    from qtkit.app import options_from_args
    from qtkit.station import StationError

    parser = _parser()
    args = parser.parse_args(argv)
    try:
        options = options_from_args(args)
    except StationError as exc:
        parser.error(str(exc))
    station = options.station
    if args.action:
        try:
            ok, text = asyncio.run(asyncio.wait_for(
                run_action(station.hub, station.device, station.token, args.action), 10))
        except (OSError, TimeoutError) as exc:
            print(f"无法连接叫号服务器 {station.hub}：{exc}", file=sys.stderr)
            return 1
        print(text, file=sys.stdout if ok else sys.stderr)
        return 0 if ok else 1
    return _run_window(options, compact=args.compact)


def _run_window(options: Any, compact: bool) -> int:
    from caller.app import build
    from hall.wallclock import wall_clock
    from qtkit.app import application, place_window
    from qtkit.fonts import setup_fonts
    from qtkit.theme import apply_theme, make_theme

    app = application(sys.argv[:1])
    fonts = setup_fonts(app)
    apply_theme(app, make_theme(18))
    try:
        wiring = build(options.station, wall_clock, compact=compact)
    except ValueError as exc:
        print(f"jiaohao caller: {exc}", file=sys.stderr)
        return 2
    if not fonts.ok:
        wiring.presenter.say(fonts.problem, "warn")
    place_window(wiring.terminal.shown, options.placement)
    wiring.start()
    try:
        return app.exec()
    finally:
        wiring.stop()
