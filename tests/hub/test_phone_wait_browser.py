"""The phone page shows the wait as a range and keeps it true as the hall changes
(a real hub, Debian's chromium driven by Playwright)."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest

from hall.config import HallConfig
from hub.server import Hub
from tests.hub.conftest import Clock
from tests.hub.test_public_browser import (  # noqa: F401 (fixtures)
    WAIT_MS,
    browser,
    caller,
    hall,
    kiosk_ticket,
    playwright,
    port,
)

CHROMIUM_MISSING = not any(os.access(os.path.join(d, n), os.X_OK)
                           for d in os.environ.get("PATH", "").split(os.pathsep)
                           for n in ("chromium", "chromium-browser"))
pytestmark = pytest.mark.skipif(CHROMIUM_MISSING, reason="needs the chromium package")


async def test_the_phone_page_shows_the_range_and_when_none_can_be_given(
    hall: HallConfig, db_path: str, clock: Clock, port: int, browser: Any,  # noqa: F811
    tmp_path: Path,
) -> None:
    hub = Hub(hall, db_path, port=port, clock=clock)
    await hub.start()
    try:
        for _ in range(3):
            await kiosk_ticket(hub, "C")  # only window 62 serves C
        mine = await kiosk_ticket(hub, "C")
        low, high = mine["wait_range_min"]
        assert low <= mine["estimated_wait_min"] <= high and high > 0
        page = await browser.new_page(viewport={"width": 390, "height": 844})
        await page.goto(mine["link"])
        detail = page.locator("#detail-zh")
        await playwright.expect(detail).to_contain_text("您前面还有 3 人", timeout=WAIT_MS)
        await playwright.expect(detail).to_contain_text(
            re.compile(r"预计等候约 \d+(–\d+)? 分钟"), timeout=WAIT_MS)
        await playwright.expect(page.locator("#detail-en")).to_contain_text(
            "expected wait: about", timeout=WAIT_MS)
        await page.screenshot(path=str(tmp_path / "range.png"))
        # the only window for C pauses: the page says no estimate can be given now
        await caller(hub, 62, "pause")
        await playwright.expect(detail).to_contain_text("等候时间暂无法估计", timeout=WAIT_MS)
        await caller(hub, 62, "resume")
        await playwright.expect(detail).to_contain_text("预计等候约", timeout=WAIT_MS)
        assert "约 0 分钟" not in await detail.inner_text()
    finally:
        await hub.stop()
