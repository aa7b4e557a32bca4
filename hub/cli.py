"""`jiaohao hub`: run the hall hub in the foreground until SIGTERM or SIGINT."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
from collections.abc import Coroutine
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from hall.config import HallConfig

if TYPE_CHECKING:
    from hub.settings import HubSettings

log = logging.getLogger(__name__)

T = TypeVar("T")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="jiaohao hub",
        description="Run the hall hub: websocket server (protocol v1) and SQLite store.",
    )
    parser.add_argument("--config", required=True, help="hall configuration (TOML)")
    parser.add_argument("--db", help="SQLite database file (created if missing)")
    parser.add_argument("--check", action="store_true",
                        help="only check the hall config: print its errors and warnings, "
                             "exit 0 when it can be used, 2 when not")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=8765, help="port (0 picks a free one)")
    parser.add_argument("--loop", default="auto", choices=["auto", "uvloop", "asyncio"],
                        help="event loop: uvloop where it is installed (auto), or "
                             "Python's own")
    parser.add_argument("--log-level", default="INFO",
                        choices=["DEBUG", "INFO", "WARNING", "ERROR"])
    return parser


def backup(argv: list[str]) -> int:
    """`jiaohao hub backup --db queue.db --out copy.db`: a consistent copy of the store
    while the hub runs (SQLite's online backup: committed transactions still in the WAL
    are included); 0 on success, 1 when it cannot be made, 2 for a usage error."""
    from ledger.backup import backup as copy
    from ledger.store import DatabaseError

    parser = argparse.ArgumentParser(
        prog="jiaohao hub backup",
        description="Copy the hub's database while the hub runs (SQLite online backup).")
    parser.add_argument("--db", required=True, help="the hub's SQLite database file")
    parser.add_argument("--out", required=True, type=Path, help="the copy to write")
    args = parser.parse_args(argv)
    source_path = Path(args.db)
    if not source_path.is_file():
        print(f"jiaohao hub backup: no database at {source_path}", file=sys.stderr)
        return 2
    if args.out.exists():
        print(f"jiaohao hub backup: {args.out} exists; give a new file name", file=sys.stderr)
        return 2
    try:
        copy(source_path, args.out)
    except DatabaseError as exc:
        print(f"jiaohao hub backup: {exc}", file=sys.stderr)
        return 1
    print(args.out)
    return 0


def main(argv: list[str]) -> int:
    """Run the hub; 0 after a clean shutdown, 2 for a bad config or usage, 1 when the
    database or the address cannot be used."""
    if argv[:1] == ["backup"]:
        return backup(argv[1:])
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=args.log_level, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if args.log_level != "DEBUG":  # a line per connection opened and closed: noise
        logging.getLogger("websockets").setLevel(logging.WARNING)
    if args.check:
        return _check(Path(args.config))
    if not args.db:
        print("jiaohao hub: --db is required (the SQLite database file)", file=sys.stderr)
        return 2
    config = _load(Path(args.config))
    if config is None:
        return 2
    from hub.fdlimit import raise_soft_limit

    raise_soft_limit()  # up to LimitNOFILE's hard limit: every socket is a descriptor
    try:
        return run(_serve(config, args.db, args.host, args.port), args.loop)
    except KeyboardInterrupt:
        return 0
    except ImportError as exc:  # --loop uvloop where it is not installed
        print(f"jiaohao hub: {exc}", file=sys.stderr)
        return 2


def run(main: Coroutine[Any, Any, T], loop: str = "auto") -> T:
    """Run the hub's ``main`` on uvloop where it is installed (``loop="auto"``: Linux
    and macOS; the hub's sockets cost less per frame there), else
    on Python's own loop (``"asyncio"``). Raises ImportError for ``"uvloop"`` where
    uvloop is not installed."""
    if loop != "asyncio":
        try:
            import uvloop
        except ImportError:
            if loop == "uvloop":
                main.close()
                raise
        else:
            with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
                return runner.run(main)
    return asyncio.run(main)


def _check(path: Path) -> int:
    from hall.config import check_config

    errors, warnings = check_config(path)
    for problem in warnings:
        print(f"warning: {problem}")
    for problem in errors:
        print(f"error: {problem}")
    if errors:
        print(f"{path}: {len(errors)} error(s); the hub would refuse to start")
        return 2
    print(f"{path}: OK ({len(warnings)} warning(s))")
    return 0


def _load(path: Path) -> HallConfig | None:
    from hall.config import ConfigError, load_config

    try:
        return load_config(path)
    except ConfigError as exc:
        print(f"jiaohao hub: the hall config {path} cannot be used:", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return None


async def _serve(config: HallConfig, db: str, host: str, port: int,
                 settings: HubSettings | None = None) -> int:
    """Run a hub until SIGTERM/SIGINT."""
    from hall.wallclock import wall_clock
    from hub.server import Hub

    hub = Hub(config, db, host, port, clock=wall_clock, settings=settings)
    try:
        await hub.start()
    except OSError as exc:
        print(f"jiaohao hub: cannot listen on {host}:{port}: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:  # sqlite3.Error and kin: the database is unusable
        print(f"jiaohao hub: cannot open the database {db}: {exc}", file=sys.stderr)
        return 1
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    from hall.tomlfile import readable_by_others

    too_open = readable_by_others(db) if db != ":memory:" else None
    if too_open is not None:  # created by an older version, or copied with cp
        log.warning("the database %s (it holds the ticket-link secret and ID hashes)",
                    too_open)
    if config.source is not None:
        too_open = readable_by_others(config.source)
        if too_open is not None:
            log.warning("the hall config %s (it holds the devices' tokens)", too_open)
    print(f"jiaohao hub listening on ws://{host}:{hub.port}", flush=True)
    await stop.wait()
    log.info("shutting down")
    await hub.stop()
    return 0
