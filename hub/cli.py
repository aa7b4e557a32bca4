"""`jiaohao hub`: run the hall hub in the foreground until SIGTERM or SIGINT."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
from pathlib import Path
from typing import Any

from hall.config import HallConfig

log = logging.getLogger(__name__)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="jiaohao hub",
        description="Run the hall hub: websocket server (protocol v1) and SQLite store.",
    )
    parser.add_argument("--config", required=True, help="hall configuration (TOML)")
    parser.add_argument("--db", required=True, help="SQLite database file (created if missing)")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=8765, help="port (0 picks a free one)")
    parser.add_argument("--log-level", default="INFO",
                        choices=["DEBUG", "INFO", "WARNING", "ERROR"])
    return parser


def main(argv: list[str]) -> int:
    """Run the hub; 0 after a clean shutdown, 2 for a bad config or usage, 1 when the
    database or the address cannot be used."""
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=args.log_level, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    config = _load(Path(args.config))
    if config is None:
        return 2
    try:
        return asyncio.run(_serve(config, args.db, args.host, args.port))
    except KeyboardInterrupt:
        return 0


def _load(path: Path) -> HallConfig | None:
    from hall import config as hall_config  # the loader is imported only when used

    load_config = getattr(hall_config, "load_config", None)
    config_error = getattr(hall_config, "ConfigError", ValueError)
    if load_config is None:
        print("jiaohao hub: this version cannot read hall config files yet", file=sys.stderr)
        return None
    try:
        config: HallConfig = load_config(path)
    except config_error as exc:
        problems = getattr(exc, "problems", None) or [exc]
        print(f"jiaohao hub: the hall config {path} cannot be used:", file=sys.stderr)
        for problem in problems:
            print(f"  {problem}", file=sys.stderr)
        return None
    return config


async def _serve(config: HallConfig, db: str, host: str, port: int, **options: Any) -> int:
    """Run a hub until SIGTERM/SIGINT; ``options`` go to :class:`hub.server.Hub`."""
    from hub.server import Hub

    hub = Hub(config, db, host, port, **options)
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
    print(f"jiaohao hub listening on ws://{host}:{hub.port}", flush=True)
    await stop.wait()
    log.info("shutting down")
    await hub.stop()
    return 0
