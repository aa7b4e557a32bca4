"""`jiaohao plan`'s command line (report/plan.py computes and writes the plan)."""

from __future__ import annotations

import argparse
import sys
from datetime import time
from pathlib import Path
from zoneinfo import ZoneInfo

from hall.config import ConfigError, load_config
from hall.wallclock import wall_clock
from ledger.plan import demand
from ledger.store import DatabaseError, read_only
from report.cli import date_arg
from report.plan import FORMATS, write_plan


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="jiaohao plan",
        description="Windows needed per zone and half hour to meet a waiting target, from "
                    "the last weeks of the hub's database (Erlang C, checked by simulation).")
    parser.add_argument("--config", required=True, help="the hall configuration (TOML)")
    parser.add_argument("--db", required=True, help="the hub's SQLite database file")
    parser.add_argument("--weeks", type=int, default=6, help="weeks of history (default 6)")
    parser.add_argument("--weekday", type=int, choices=range(1, 8),
                        help="1 = Monday … 7 = Sunday (default: the --as-of day's)")
    parser.add_argument("--as-of", type=date_arg, metavar="YYYY-MM-DD",
                        help="plan from the weeks before this day (default: today in the hall)")
    parser.add_argument("--target-min", type=float, default=15.0,
                        help="the waiting target in minutes (default 15)")
    parser.add_argument("--target-share", type=float, default=0.8,
                        help="share of citizens within it (default 0.8)")
    parser.add_argument("--what-if", action="append", default=[], metavar="ZONE:K@HH:MM",
                        help="waits with K windows open in ZONE at HH:MM (repeatable)")
    parser.add_argument("--check", action="store_true",
                        help="simulate each zone's busiest half hour through the engine")
    parser.add_argument("--out", required=True, type=Path, help="folder to write into")
    parser.add_argument("--formats", default=",".join(FORMATS),
                        help=f"comma-separated, of {', '.join(FORMATS)} (default: all)")
    return parser


def _what_if_arg(text: str) -> tuple[str, int, time]:
    try:
        zone, rest = text.split(":", 1)
        count, at = rest.split("@", 1)
        return zone, int(count), time.fromisoformat(at)
    except ValueError:
        raise ValueError(f"--what-if is ZONE:K@HH:MM, not {text!r}") from None


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not 0 < args.target_share < 1:
        parser.error("--target-share is between 0 and 1")
    try:
        asks = [_what_if_arg(t) for t in args.what_if]
    except ValueError as exc:
        parser.error(str(exc))
    try:
        config = load_config(Path(args.config))
    except ConfigError as exc:
        print(f"jiaohao plan: the hall config cannot be used: {exc}", file=sys.stderr)
        return 2
    for zone, _, _ in asks:
        if config.zone(zone) is None:
            parser.error(f"--what-if: no zone {zone!r} in this hall")
    if not Path(args.db).is_file():
        print(f"jiaohao plan: no database at {args.db}", file=sys.stderr)
        return 2
    today = args.as_of or wall_clock().astimezone(ZoneInfo(config.hall.timezone)).date()
    weekday = (args.weekday - 1) if args.weekday else today.weekday()
    try:
        db = read_only(args.db)
        found = demand(db, today, args.weeks)
    except DatabaseError as exc:
        print(f"jiaohao plan: cannot read {args.db}: {exc}", file=sys.stderr)
        return 1
    formats = [f.strip() for f in args.formats.split(",") if f.strip()]
    written = write_plan(config, found, weekday, today, args.target_min, args.target_share,
                         asks, args.check, args.out, formats, args.weeks)
    for path in written:
        print(path)
    return 0
