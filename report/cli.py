"""`jiaohao report`: the 日通报 of a day, or the report of a period, as PDF, XLSX, CSV,
JSON and Markdown from the hub's SQLite file (read-only: safe while the hub runs)."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

from hall.config import ConfigError, load_config
from hall.protocol import calendar_date
from ledger.ratings import ratings
from ledger.stats import stats_of_file
from ledger.store import DatabaseError, read_only
from report.markdown import markdown
from report.sheets import write_csv, write_xlsx
from report.tables import tables

FORMATS = ("pdf", "xlsx", "csv", "json", "md")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="jiaohao report",
        description="Write the day's report (日通报) or a period's report as PDF, XLSX and "
                    "CSV from the hub's database.")
    parser.add_argument("--config", required=True, help="the hall configuration (TOML)")
    parser.add_argument("--db", required=True, help="the hub's SQLite database file")
    when = parser.add_mutually_exclusive_group(required=True)
    when.add_argument("--day", type=date_arg, help="one day, YYYY-MM-DD")
    when.add_argument("--from", dest="start", type=date_arg, help="first day of a period")
    parser.add_argument("--to", dest="end", type=date_arg,
                        help="last day of a period (with --from)")
    parser.add_argument("--out", required=True, type=Path, help="folder to write into")
    parser.add_argument("--formats", default=",".join(FORMATS),
                        help=f"comma-separated, of {', '.join(FORMATS)} (default: all)")
    parser.add_argument("--rebuild-cache", action="store_true",
                        help="compute the period's closed days from the events again and "
                             "keep them anew in the figures cache beside the database")
    return parser


def date_arg(text: str) -> date:
    """An argparse type: a calendar date written YYYY-MM-DD."""
    try:
        return calendar_date(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    start: date = args.day or args.start
    end: date = args.day or args.end or args.start
    if end < start:
        parser.error("--to is before --from")
    formats = [f.strip() for f in args.formats.split(",") if f.strip()]
    unknown = sorted(set(formats) - set(FORMATS))
    if unknown:
        parser.error(f"unknown format(s): {', '.join(unknown)}")
    try:
        config = load_config(Path(args.config))
    except ConfigError as exc:
        print(f"jiaohao report: the hall config cannot be used: {exc}", file=sys.stderr)
        return 2
    db_path = Path(args.db)
    if not db_path.is_file():
        print(f"jiaohao report: no database at {db_path}", file=sys.stderr)
        return 2
    if args.out.exists() and not args.out.is_dir():
        print(f"jiaohao report: --out {args.out} is a file; give the folder to write "
              "into", file=sys.stderr)
        return 2
    try:
        stats = stats_of_file(db_path, config, start, end, rebuild=args.rebuild_cache)
        stats["comments"] = rating_comments(db_path, start, end)
    except DatabaseError as exc:
        print(f"jiaohao report: cannot read {db_path}: {exc}", file=sys.stderr)
        return 1
    try:
        written = write_report(stats, config.hall.name, args.out, formats)
    except OSError as exc:  # a folder that cannot be made or written, a full disk
        print(f"jiaohao report: cannot write into {args.out}: {exc}", file=sys.stderr)
        return 1
    for path in written:
        print(path)
    return 0


def rating_comments(db_path: Path, start: date, end: date) -> list[dict[str, Any]]:
    """The period's ratings that carry a 差评 reason or a citizen's comment, oldest
    first (the report's 评价意见 table). Raises DatabaseError."""
    db = read_only(db_path)
    try:
        return [r for r in ratings(db, start, end) if r["reason"] or r["comment"]]
    finally:
        db.close()


def write_report(stats: dict[str, Any], hall_name: str, out: Path,
                 formats: list[str] | tuple[str, ...] = FORMATS) -> list[Path]:
    """Write the report of ``stats`` into ``out``; the files written."""
    out.mkdir(parents=True, exist_ok=True)
    start, end = str(stats["start"]), str(stats["end"])
    stem = f"report-{start}" if start == end else f"report-{start}-{end}"
    laid_out = tables(stats)
    written: list[Path] = []
    if "json" in formats:
        path = out / f"{stem}.json"
        path.write_text(json.dumps(stats, ensure_ascii=False, indent=1), encoding="utf-8")
        written.append(path)
    if "md" in formats:
        path = out / f"{stem}.md"
        path.write_text(markdown(stats, hall_name), encoding="utf-8")
        written.append(path)
    if "xlsx" in formats:
        written.append(write_xlsx(stats, hall_name, laid_out, out / f"{stem}.xlsx"))
    if "csv" in formats:
        written += write_csv(laid_out, out, stem)
    if "pdf" in formats:
        from report.pdf import render_pdf  # Qt only when a PDF is asked for

        written.append(render_pdf(stats, hall_name, out / f"{stem}.pdf"))
    return written
