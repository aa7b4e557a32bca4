"""The public pages show the hall's time, not the device's: a wall TV or a phone whose
time zone (or clock) is another shows the time of the hall's ``[hall] timezone``, as
the Qt wall does. In Debian's chromium, driven by Playwright, with a browser time zone
far from the hall's."""

from __future__ import annotations

from typing import Any

import pytest

from hall.config import HallConfig
from hub.server import Hub
from tests.hub.conftest import Clock
from tests.hub.test_public_browser import (  # noqa: F401  (fixtures)
    WAIT_MS,
    browser,
    hall,
    kiosk_ticket,
    playwright,
    port,
)

#: The hall's time by the suite's clock: Monday 2 March 2026, 10:00 in Asia/Shanghai
#: (02:00 UTC, 21:00 the day before in New York).
HALL_DATE, HALL_HOUR = "2026/3/2", "10:00:"


@pytest.mark.parametrize("zone", ["UTC", "America/New_York"])
async def test_the_pages_show_the_halls_time_under_another_time_zone(
    hall: HallConfig, db_path: str, clock: Clock, port: int, browser: Any, zone: str,  # noqa: F811
) -> None:
    import re

    hub = Hub(hall, db_path, port=port, clock=clock)
    await hub.start()
    try:
        mine = await kiosk_ticket(hub, "A")
        context = await browser.new_context(timezone_id=zone)
        screen = await context.new_page()
        await screen.goto(f"http://127.0.0.1:{port}/screen")
        # counted on from the hub's time with the browser's clock: 10:00:00, 10:00:01…
        await playwright.expect(screen.locator("#clock")).to_have_text(
            re.compile(rf"^{HALL_DATE} {HALL_HOUR}\d\d$"), timeout=WAIT_MS)
        phone = await context.new_page()
        await phone.goto(mine["link"])
        await playwright.expect(phone.locator("#updated")).to_have_text(
            re.compile(rf"^更新于 Updated {HALL_HOUR}\d\d$"), timeout=WAIT_MS)
        await context.close()
    finally:
        await hub.stop()
