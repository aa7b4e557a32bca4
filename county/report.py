"""`jiaohao county report`: the county's 日通报 of a day, or a period's report, as PDF
(with charts), XLSX and CSV — the report writers of `jiaohao report` fed the county's
figures: the county's total, one row per hall, and 差评 cases (overdue) per hall."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from county.figures import county_stats
from county.schema import connect
from report.cli import FORMATS, write_report

#: The report's title when the county's name is not given.
DEFAULT_NAME = "全县政务服务"


def run_report(args: argparse.Namespace, as_of: date) -> int:
    """Write the report; 0 when written, 2 for bad dates or formats. Cases count as
    overdue as of ``as_of`` (the wiring's today). Raises psycopg.Error."""
    try:
        start = date.fromisoformat(args.day or args.start)
        end = date.fromisoformat(args.day or args.end or args.start)
    except ValueError as exc:
        print(f"jiaohao county report: not a date (YYYY-MM-DD): {exc}", file=sys.stderr)
        return 2
    if end < start:
        print("jiaohao county report: --to is before --from", file=sys.stderr)
        return 2
    formats = [f.strip() for f in args.formats.split(",") if f.strip()]
    unknown = sorted(set(formats) - set(FORMATS))
    if unknown:
        print(f"jiaohao county report: unknown format(s): {', '.join(unknown)}",
              file=sys.stderr)
        return 2
    with connect(args.url) as conn:
        figures = county_stats(conn, start, end, as_of)
    written = write_county_report(figures["county"], args.name or DEFAULT_NAME, args.out,
                                  formats)
    for path in written:
        print(path)
    return 0


def write_county_report(stats: dict[str, object], name: str, out: Path,
                        formats: list[str] | tuple[str, ...] = FORMATS) -> list[Path]:
    """The files of the county's report of ``stats`` (``county_stats(...)["county"]``)."""
    return write_report(dict(stats), name, out, formats)
