"""`jiaohao county …`: the county database and a hall's link to it (docs/county.md).

  init      create or migrate the county schema (run by the county's owner)
  add-hall  register a hall and make its login role (prints its .pgpass line once)
  add-reader  a login role that reads everything (reports, the county dashboard)
  ship      run a hall's shipper in the foreground, beside its hub
  status    each hall's link as the county sees it
  report    the county's 日通报 or a period's report (PDF, XLSX, CSV)
  set-aside  move a hall's events after a sequence number aside (a hall restored
            from a backup then ships on under its own id)
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from pathlib import Path

import psycopg
from psycopg.conninfo import conninfo_to_dict

from hall.config.county import url_problem

COMMANDS = ("init", "add-hall", "add-reader", "ship", "status", "report", "set-aside")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="jiaohao county", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    init = sub.add_parser("init", help="create or migrate the county schema (idempotent)")
    init.add_argument("--url", required=True, help="postgresql:// address, as the owner")
    add = sub.add_parser("add-hall", help="register a hall and make its login role")
    add.add_argument("--url", required=True, help="postgresql:// address, as the owner")
    add.add_argument("--hall", required=True, help="the hall's id ([county] hall_id)")
    add.add_argument("--name", default="", help="the hall's name as reports show it")
    add.add_argument("--role", help="its login role (default hall_<id>)")
    reader = sub.add_parser("add-reader", help="a login role that reads everything")
    reader.add_argument("--url", required=True, help="postgresql:// address, as the owner")
    reader.add_argument("--role", required=True)
    ship = sub.add_parser("ship", help="ship a hall's events beside its hub (foreground)")
    ship.add_argument("--config", required=True, help="the hall config (TOML) with [county]")
    ship.add_argument("--db", required=True, help="the hub's SQLite database file")
    status = sub.add_parser("status", help="every hall's link as the county sees it")
    status.add_argument("--url", required=True, help="postgresql:// address")
    report = sub.add_parser("report", help="the county's day or period report")
    report.add_argument("--url", required=True, help="postgresql:// address")
    when = report.add_mutually_exclusive_group(required=True)
    when.add_argument("--day", help="one day, YYYY-MM-DD")
    when.add_argument("--from", dest="start", help="first day of a period")
    report.add_argument("--to", dest="end", help="last day of a period (with --from)")
    report.add_argument("--out", required=True, type=Path, help="folder to write into")
    report.add_argument("--name", default="", help="the county's name in the title")
    report.add_argument("--timezone", default="Asia/Shanghai",
                        help="the halls' time zone, which names today (default Asia/Shanghai)")
    report.add_argument("--formats", default="pdf,xlsx,csv,json",
                        help="comma-separated, of pdf, xlsx, csv, json (default: all)")
    aside = sub.add_parser("set-aside", help="move a restored hall's lost events aside")
    aside.add_argument("--url", required=True, help="postgresql:// address, as the owner")
    aside.add_argument("--hall", required=True, help="the hall's id")
    aside.add_argument("--after", required=True, type=int,
                       help="the last sequence number the restored hall's log holds")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one county command; 0 when done, 2 for a usage or config error, 1 when the
    county database refused or could not be reached."""
    args = build_parser().parse_args(argv)
    url = getattr(args, "url", None)
    if url is not None:
        problem = url_problem(url)
        if problem is not None:
            print(f"jiaohao county: --url {problem}", file=sys.stderr)
            return 2
    try:
        if args.command == "ship":
            return _ship(args)
        if args.command == "report":
            from county.report import run_report
            from hall.clock import day_in, zone
            from hall.wallclock import wall_clock

            try:
                where = zone(args.timezone)
            except ValueError as exc:
                print(f"jiaohao county report: --timezone: {exc}", file=sys.stderr)
                return 2
            status: int = run_report(args, as_of=day_in(wall_clock(), where))
            return status
        return _owner_command(args)
    except psycopg.Error as exc:
        print(f"jiaohao county {args.command}: the county database: {_first_line(exc)}",
              file=sys.stderr)
        return 1


def _owner_command(args: argparse.Namespace) -> int:
    from county import schema

    if args.command == "init":
        version = schema.init(args.url)
        print(f"county schema at version {version}")
        return 0
    if args.command == "add-hall":
        try:
            role, password = schema.add_hall(args.url, args.hall, args.name, args.role)
        except schema.CountyError as exc:
            print(f"jiaohao county add-hall: {exc}", file=sys.stderr)
            return 2
        _print_role(args.url, role, password, "the hall PC's")
        return 0
    if args.command == "add-reader":
        try:
            password = schema.add_reader(args.url, args.role)
        except schema.CountyError as exc:
            print(f"jiaohao county add-reader: {exc}", file=sys.stderr)
            return 2
        _print_role(args.url, args.role, password, "the reader's")
        return 0
    if args.command == "set-aside":
        try:
            moved = schema.set_aside(args.url, args.hall, args.after)
        except schema.CountyError as exc:
            print(f"jiaohao county set-aside: {exc}", file=sys.stderr)
            return 2
        print(f"{moved} event(s) of {args.hall} after {args.after} set aside in"
              f" county_event_log_set_aside; the hall ships again from {args.after + 1}")
        return 0
    return _status(args.url)


def _print_role(url: str, role: str, password: str | None, whose: str) -> None:
    if password is None:
        print(f"role {role} exists already (its password is unchanged)")
        return
    params = conninfo_to_dict(url)
    host = str(params.get("host") or "*")
    if host.startswith("/"):
        host = "*"  # the owner came through a socket: any host the halls use
    port = params.get("port") or 5432
    database = params.get("dbname") or "*"
    print(f"role {role} created. Its line for {whose} .pgpass (shown once; chmod 600):")
    print(f"{host}:{port}:{database}:{role}:{password}")


def _status(url: str) -> int:
    from county.schema import connect

    with connect(url) as conn:
        rows = conn.execute(
            "SELECT h.hall_id, h.name, l.state, l.shipped_seq, l.hall_seq, l.last_error,"
            " l.updated_at FROM county_halls h LEFT JOIN county_links l USING (hall_id)"
            " ORDER BY h.hall_id").fetchall()
    for hall_id, name, state, shipped, hall_seq, error, updated in rows:
        behind = max(0, (hall_seq or 0) - (shipped or 0))
        line = f"{hall_id}\t{name}\t{state}\tshipped {shipped}\tbehind {behind}\t{updated:%F %T}"
        print(line + (f"\t{error}" if error else ""))
    return 0


def _ship(args: argparse.Namespace) -> int:
    from county.ship import Shipper
    from hall.config import ConfigError, load_config

    try:
        config = load_config(Path(args.config))
    except ConfigError as exc:
        print(f"jiaohao county ship: the hall config cannot be used:\n{exc}", file=sys.stderr)
        return 2
    if not config.county.enabled:
        print(f"jiaohao county ship: {args.config} has no [county] table", file=sys.stderr)
        return 2
    if not Path(args.db).is_file():
        print(f"jiaohao county ship: no hub database at {args.db}", file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    shipper = Shipper(config.county, args.db, config.public())
    done = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: done.set())
    shipper.start()
    print(f"jiaohao county ship: shipping {config.county.hall_id} from {args.db}", flush=True)
    done.wait()
    shipper.stop()
    return 0


def _first_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__
