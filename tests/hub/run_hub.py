"""Run a hub on the test hall in a process of its own (for the crash test):
``python -m tests.hub.run_hub DB``. Prints the address line as ``jiaohao hub`` does."""

from __future__ import annotations

import asyncio
import sys

from hub.admission import Limits
from hub.cli import _serve
from hub.settings import HubSettings
from tests.hub.conftest import make_config

if __name__ == "__main__":
    settings = HubSettings(limits=Limits(rate=None))
    sys.exit(asyncio.run(_serve(make_config(), sys.argv[1], "127.0.0.1", 0, settings)))
