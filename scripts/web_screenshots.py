"""Screenshots of the hub's public pages in headless chromium, for docs/screenshots/.

    python scripts/web_screenshots.py docs/screenshots

Runs a hub on the Dongxiang example hall with a fresh database, takes and calls some
tickets, and photographs the phone page (390×844: waiting and called) and the browser
wall screen (1920×1080 and portrait 1080×1920; a special call, 请大堂经理, in portrait).
"""

from __future__ import annotations

import asyncio
import dataclasses
import shutil
import socket
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from playwright.async_api import async_playwright

from hall.client import HubClient
from hall.config import Role, load_config
from hub.server import Hub

ROOT = Path(__file__).resolve().parents[1]


async def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    config = load_config(ROOT / "jiaohao" / "examples" / "dongxiang.toml")
    config = dataclasses.replace(config, hall=dataclasses.replace(
        config.hall, public_url=f"http://127.0.0.1:{port}"))
    with tempfile.TemporaryDirectory() as tmp:
        start, began = datetime(2026, 11, 23, 2, 0, tzinfo=UTC), time.monotonic()
        hub = Hub(config, str(Path(tmp) / "queue.db"), port=port,  # Monday, 10:00 in the hall
                  clock=lambda: start + timedelta(seconds=time.monotonic() - began))
        await hub.start()
        try:
            await _shoot(hub, config, out, port)
        finally:
            await hub.stop()


async def _shoot(hub: Hub, config, out: Path, port: int) -> None:  # type: ignore[no-untyped-def]
    kiosk_dev = next(d for d in config.devices if d.role is Role.KIOSK)
    callers = {d.window: d for d in config.devices if d.role is Role.CALLER}
    async with HubClient(hub.url, kiosk_dev.id, kiosk_dev.token, subscribe=False) as kiosk:
        links = []
        for service in ["X", "A", "B", "Y", "GC"] * 3:
            data = await kiosk.request("take_ticket", service=service)
            links.append((data["ticket"]["number"], data["link"]))
        mine = next(link for number, link in links if number == "A003")
        staff = iter(config.staff)
        for window in [w for w in config.windows if w.number in callers][:5]:
            device = callers[window.number]
            async with HubClient(hub.url, device.id, device.token, subscribe=False) as c:
                await c.request("sign_in", window=window.number, staff=next(staff).id)
                await c.request("call_next", window=window.number)
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(
                executable_path=shutil.which("chromium"), args=["--no-sandbox"])
            phone = await browser.new_page(viewport={"width": 390, "height": 844},
                                           device_scale_factor=2)
            await phone.goto(mine)
            await phone.wait_for_selector("body[data-status]")
            await phone.screenshot(path=str(out / "web-ticket-waiting-390x844.png"))
            a_window = next(w for w in config.windows if "A" in w.services
                            and w.number in callers)
            device = callers[a_window.number]
            async with HubClient(hub.url, device.id, device.token, subscribe=False) as c:
                await c.request("sign_in", window=a_window.number, staff=next(staff).id)
                while True:
                    data = await c.request("call_next", window=a_window.number)
                    if data["ticket"] is None or data["ticket"]["number"] == "A003":
                        break
            await phone.wait_for_selector("body[data-status=called]")
            await phone.wait_for_timeout(4000)  # let the arrival animation end
            await phone.screenshot(path=str(out / "web-ticket-called-390x844.png"))
            for name, size in [("1920x1080", (1920, 1080)), ("1080x1920", (1080, 1920))]:
                tv = await browser.new_page(viewport={"width": size[0], "height": size[1]})
                await tv.goto(f"http://127.0.0.1:{port}/screen")
                await tv.wait_for_function(
                    "document.getElementById('latest-number').textContent !== '—'")
                await tv.wait_for_timeout(3500)
                await tv.screenshot(path=str(out / f"web-screen-{name}.png"))
            async with HubClient(hub.url, device.id, device.token, subscribe=False) as c:
                await c.request("announce", window=a_window.number, call="manager")
            await tv.wait_for_function(
                "document.getElementById('latest-number').textContent === '大堂经理'")
            await tv.wait_for_timeout(3500)
            await tv.screenshot(path=str(out / "web-screen-special-1080x1920.png"))
            await browser.close()


if __name__ == "__main__":
    asyncio.run(main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots")))
