"""`jiaohao ratings export`: the hall's ratings (好差评) for upward reporting, each with
a pushed / not-pushed mark, as CSV or JSON (columns in docs/supervision.md).

    jiaohao ratings export --db queue.db --from 2026-11-01 --to 2026-11-30 --out r.csv
    jiaohao ratings export --db queue.db --from … --to … --unpushed --mark-pushed --out r.json

``--mark-pushed`` records the exported ratings as pushed (a short write into the hub's
database, safe while the hub runs: WAL and a busy timeout), so the next export with
``--unpushed`` leaves them out.

    jiaohao ratings push --config hall.toml --db queue.db [--once] [--every 30]
    jiaohao ratings failures --db queue.db --out failed.csv

``push`` sends the push outbox to ``[province] url`` (report/province.py, with the
credential from the environment variable ``[province] token_env`` names), once or
every ``--every`` seconds; ``failures`` exports the records that have failed so far.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

from hall.config import ConfigError, load_config
from hall.protocol import calendar_date
from hall.wallclock import wall_clock
from ledger import push
from ledger.ratings import COLUMNS, mark_pushed, ratings
from ledger.store import DatabaseError, open_existing
from report.cells import spreadsheet_cell
from report.province import push_once


def _date(text: str) -> date:
    try:
        return calendar_date(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="jiaohao ratings",
                                     description="The hall's ratings for upward reporting.")
    sub = parser.add_subparsers(dest="command", required=True)
    export = sub.add_parser("export", help="ratings of a period as CSV or JSON")
    export.add_argument("--db", required=True, type=Path, help="the hub's SQLite database")
    export.add_argument("--from", dest="start", required=True, type=_date)
    export.add_argument("--to", dest="end", required=True, type=_date)
    export.add_argument("--out", required=True, type=Path, help="file to write (.csv or .json)")
    export.add_argument("--format", choices=("csv", "json"),
                        help="default: from the --out file's suffix")
    export.add_argument("--unpushed", action="store_true",
                        help="only ratings not yet marked pushed")
    export.add_argument("--mark-pushed", action="store_true",
                        help="mark the exported ratings as pushed")
    pusher = sub.add_parser("push", help="send ratings and case outcomes to the province")
    pusher.add_argument("--config", required=True, type=Path, help="the hall configuration")
    pusher.add_argument("--db", required=True, type=Path, help="the hub's SQLite database")
    pusher.add_argument("--once", action="store_true", help="one pass, then stop")
    pusher.add_argument("--every", type=float, default=30.0,
                        help="seconds between passes (default 30)")
    failures = sub.add_parser("failures", help="the records whose push failed, as CSV")
    failures.add_argument("--db", required=True, type=Path, help="the hub's SQLite database")
    failures.add_argument("--out", required=True, type=Path, help="CSV file to write")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "push":
        return _push(args)
    if args.command == "failures":
        return _failures(args)
    if args.end < args.start:
        print("jiaohao ratings: --to is before --from", file=sys.stderr)
        return 2
    fmt = args.format or ("json" if args.out.suffix.lower() == ".json" else "csv")
    if not args.db.is_file():
        print(f"jiaohao ratings: no database at {args.db}", file=sys.stderr)
        return 2
    if args.out.is_dir():
        print(f"jiaohao ratings: --out {args.out} is a folder; give a file name",
              file=sys.stderr)
        return 2
    if not args.out.parent.is_dir():
        print(f"jiaohao ratings: no folder {args.out.parent} for --out", file=sys.stderr)
        return 2
    try:
        db = open_existing(args.db, write=args.mark_pushed, timeout=10)
        try:
            found = ratings(db, args.start, args.end, args.unpushed)
            _write(found, args.out, fmt)
            if args.mark_pushed and found:
                now = wall_clock().isoformat(timespec="seconds")
                mark_pushed(db, [r["seq"] for r in found], now)
        finally:
            db.close()
    except DatabaseError as exc:
        print(f"jiaohao ratings: cannot use {args.db}: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"jiaohao ratings: cannot write {args.out}: {exc}", file=sys.stderr)
        return 1
    marked = " and marked them pushed" if args.mark_pushed else ""
    print(f"{args.out}: {len(found)} rating(s){marked}")
    return 0


def _write(found: list[dict[str, Any]], out: Path, fmt: str) -> None:
    if fmt == "json":
        out.write_text(json.dumps(found, ensure_ascii=False, indent=1), encoding="utf-8")
        return
    with out.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=COLUMNS)
        writer.writeheader()
        for row in found:
            writer.writerow({k: spreadsheet_cell(v) for k, v in row.items()})


def _push(args: argparse.Namespace) -> int:
    try:
        config = load_config(args.config)
    except ConfigError as exc:
        print(f"jiaohao ratings push: the hall config cannot be used: {exc}", file=sys.stderr)
        return 2
    link = config.province
    if not link.enabled:
        print("jiaohao ratings push: the hall config has no [province] url", file=sys.stderr)
        return 2
    token = os.environ.get(link.token_env, "")
    if not token:
        print(f"jiaohao ratings push: set the credential in the environment variable "
              f"{link.token_env} ([province] token_env)", file=sys.stderr)
        return 2
    if not args.db.is_file():
        print(f"jiaohao ratings push: no database at {args.db}", file=sys.stderr)
        return 2
    while True:
        try:
            db = open_existing(args.db, write=True, timeout=10)
            try:
                done = push_once(db, config, token, wall_clock())
            finally:
                db.close()
        except DatabaseError as exc:
            print(f"jiaohao ratings push: cannot use {args.db}: {exc}", file=sys.stderr)
            return 1
        if done.sent or done.failed:
            print(f"pushed {done.sent}, failed {done.failed} (tried again later)")
        if args.once:
            return 0
        time.sleep(max(1.0, args.every))


def _failures(args: argparse.Namespace) -> int:
    if not args.db.is_file():
        print(f"jiaohao ratings failures: no database at {args.db}", file=sys.stderr)
        return 2
    try:
        db = open_existing(args.db, write=False, timeout=10)
        try:
            found = push.failures(db)
        finally:
            db.close()
        with args.out.open("w", encoding="utf-8-sig", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=push.FAILURE_COLUMNS)
            writer.writeheader()
            for row in found:
                writer.writerow({k: spreadsheet_cell(v) for k, v in row.items()})
    except DatabaseError as exc:
        print(f"jiaohao ratings failures: cannot use {args.db}: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"jiaohao ratings failures: cannot write {args.out}: {exc}", file=sys.stderr)
        return 1
    print(f"{args.out}: {len(found)} record(s) whose push failed")
    return 0
