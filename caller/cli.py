"""``jiaohao caller``: the window calling terminal, and its one-shot action command.

    jiaohao caller --station caller.toml [--compact] [--size WxH]
    jiaohao caller --station caller.toml --action call_next     # for a desktop hotkey
    jiaohao caller --station caller.toml --action call_next --staff 1001   # signs in first
    jiaohao caller --station caller.toml --action pause --reason 午休

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

from caller.actions import ACTIONS, DIRECT, PAUSE_REASONS, SPECIAL
from caller.words import refusal

log = logging.getLogger(__name__)

#: --action names and the request each sends (hold and call_back need the terminal's list).
CLI_REQUESTS = [*(name for name in DIRECT if name not in ("hold", "call_back")),
                "sign_in", "sign_out"]


def _parser() -> argparse.ArgumentParser:
    from qtkit.app import build_parser

    parser = build_parser("jiaohao caller", "The calling terminal of one window.")
    parser.add_argument("--compact", action="store_true",
                        help="start as the compact always-on-top strip")
    parser.add_argument("--action", choices=sorted(CLI_REQUESTS),
                        help="send one action for this window and exit (for hotkeys)")
    parser.add_argument("--staff", metavar="工号",
                        help="with --action: sign this clerk in first, unless signed in "
                        "already (needed by --action sign_in)")
    parser.add_argument("--reason", metavar="原因",
                        help="with --action pause: why (needed; e.g. "
                        f"{'、'.join(PAUSE_REASONS)})")
    return parser


async def run_action(url: str, device: str, token: str, action: str,
                     staff: str | None = None, reason: str | None = None) -> tuple[bool, str]:
    """Send ``action`` for the device's window, signing ``staff`` in first when given
    and not signed in there yet; ``(ok, what to print)``."""
    from hall.client import HubClient
    from hall.errors import RequestFailed

    async with HubClient(url, device, token, subscribe=False) as client:
        window = client.welcome.window if client.welcome else None
        if window is None:
            return False, f"{device} is not a caller device of a window"
        state = client.state
        there = state.windows.get(window) if state is not None else None
        signed_in = there.staff if there is not None else None
        step = action
        try:
            if staff and signed_in != staff:
                step = "sign_in"
                await client.request("sign_in", window=window, staff=staff)
                if action == "sign_in":
                    return True, f"已签到：工号 {staff}"
            step = action
            if action == "sign_in":
                return True, f"工号 {staff} 已在本窗口签到"
            if action in SPECIAL:
                data = await client.request("announce", window=window, call=SPECIAL[action])
            elif action == "pause":
                data = await client.request("pause", window=window, reason=reason or "")
            else:
                data = await client.request(action, window=window)
        except RequestFailed as failed:
            return False, f"{ACTIONS[step].label}未成功：{refusal(failed.code, failed.message)}"
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
    if args.action == "pause" and not (args.reason or "").strip():
        parser.error(f"--action pause needs --reason (e.g. {PAUSE_REASONS[0]}): every "
                     "pause says why")
    if args.action == "sign_in" and not (args.staff or "").strip():
        parser.error("--action sign_in needs --staff (the clerk's staff number)")
    if args.action:
        try:
            ok, text = asyncio.run(asyncio.wait_for(
                run_action(station.hub, station.device, station.token, args.action,
                           (args.staff or "").strip() or None, args.reason), 10))
        except (OSError, TimeoutError) as exc:
            print(f"无法连接叫号服务器 {station.hub}：{exc}", file=sys.stderr)
            return 1
        print(text, file=sys.stdout if ok else sys.stderr)
        return 0 if ok else 1
    return _run_window(options, compact=args.compact)


def _run_window(options: Any, compact: bool) -> int:
    from caller.app import build, terminal_theme
    from hall.wallclock import wall_clock
    from qtkit.app import application, place_window
    from qtkit.fonts import setup_fonts
    from qtkit.theme import apply_theme

    app = application(sys.argv[:1])
    fonts = setup_fonts(app)
    apply_theme(app, terminal_theme())
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
