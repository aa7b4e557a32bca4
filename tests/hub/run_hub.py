"""Run a hub on the test hall in a process of its own (for the crash test):
``python -m tests.hub.run_hub DB``. Prints the address line as ``jiaohao hub`` does."""

from __future__ import annotations

import asyncio
import sys

from hub.cli import _serve
from tests.hub.conftest import make_config

if __name__ == "__main__":
    sys.exit(asyncio.run(_serve(make_config(), sys.argv[1], "127.0.0.1", 0, rate=None)))
