"""A hub on the county tests' hall, shipping to a county, in a process of its own:
``python -m tests.county.run_hub DB URL HALL_ID BATCH``. Prints the address line as
``jiaohao hub`` does."""

from __future__ import annotations

import asyncio
import sys
from dataclasses import replace

from hall.config import CountyLink
from hub.admission import Limits
from hub.cli import _serve
from hub.settings import HubSettings
from tests.county.halls import hall_config

if __name__ == "__main__":
    db, url, hall_id, batch = sys.argv[1:5]
    config = replace(hall_config(), county=CountyLink(url, hall_id, int(batch), 0.05))
    settings = HubSettings(limits=Limits(rate=None))
    sys.exit(asyncio.run(_serve(config, db, "127.0.0.1", 0, settings)))
