"""`jiaohao ratings export`: the hall's ratings (好差评) for upward reporting, each with
a pushed / not-pushed mark, as CSV or JSON (columns in docs/supervision.md).

    jiaohao ratings export --db queue.db --from 2026-11-01 --to 2026-11-30 --out r.csv
    jiaohao ratings export --db queue.db --from … --to … --unpushed --mark-pushed --out r.json

``--mark-pushed`` records the exported ratings as pushed (a short write into the hub's
database, safe while the hub runs: WAL and a busy timeout), so the next export with
``--unpushed`` leaves them out.
"""

from __future__ import annotations

import argparse
import csv
import json
import sqlite3
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from hall.wallclock import wall_clock

#: Columns of the export, in order.
COLUMNS = ("seq", "rated_at", "day", "number", "window", "service", "zone", "staff",
           "score", "points", "channel", "reason", "pushed", "pushed_at")


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


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
    return parser


def ratings(conn: sqlite3.Connection, start: date, end: date,
            unpushed: bool = False) -> list[dict[str, Any]]:
    """The ratings of hall days ``start``..``end``, oldest first."""
    low, high = start.isoformat(), (end + timedelta(days=1)).isoformat()
    rows = conn.execute(
        "SELECT r.seq, r.at, r.day, r.number, r.window, r.service, r.zone, r.staff, r.score,"
        " r.points, r.channel, json_extract(e.data, '$.reason'), p.at"
        " FROM ratings r JOIN events e ON e.seq = r.seq LEFT JOIN pushed p ON p.seq = r.seq"
        " WHERE r.day >= ? AND r.day < ? ORDER BY r.seq", (low, high)).fetchall()
    out = []
    for (seq, at, day, number, window, service, zone, staff, score, points, channel, reason,
         pushed_at) in rows:
        if unpushed and pushed_at is not None:
            continue
        out.append(dict(zip(COLUMNS, (seq, at, day, number, window, service, zone, staff,
                                      score, points, channel, reason, pushed_at is not None,
                                      pushed_at), strict=True)))
    return out


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.end < args.start:
        print("jiaohao ratings: --to is before --from", file=sys.stderr)
        return 2
    fmt = args.format or ("json" if args.out.suffix.lower() == ".json" else "csv")
    if not args.db.is_file():
        print(f"jiaohao ratings: no database at {args.db}", file=sys.stderr)
        return 2
    try:
        mode = "rw" if args.mark_pushed else "ro"
        conn = sqlite3.connect(f"file:{args.db}?mode={mode}", uri=True, timeout=10)
        try:
            found = ratings(conn, args.start, args.end, args.unpushed)
            _write(found, args.out, fmt)
            if args.mark_pushed and found:
                now = wall_clock().isoformat(timespec="seconds")
                with conn:  # one short transaction beside the hub's writes
                    conn.executemany("INSERT OR IGNORE INTO pushed (seq, at) VALUES (?, ?)",
                                     [(r["seq"], now) for r in found])
        finally:
            conn.close()
    except sqlite3.Error as exc:
        print(f"jiaohao ratings: cannot use {args.db}: {exc}", file=sys.stderr)
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
            writer.writerow({k: "" if v is None else v for k, v in row.items()})
