"""The public pages in a real headless browser (Debian's chromium, driven by Playwright):
a ticket's QR code, read back from the printed bytes, opens a page that follows the
queue live, the wall screen shows calls, and both recover after a hub restart."""

from __future__ import annotations

import dataclasses
import os
import shutil
import socket
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from hall.config import HallConfig
from hub.server import Hub
from printer.encode import encode_ticket
from printer.layout import TicketContent, layout_ticket
from printer.profile import load_printer_profile
from printer.render import render
from tests.hub.conftest import Clock

playwright = pytest.importorskip("playwright.async_api")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="needs the chromium package")

#: How long a page may take to show a change (generous: the machine is shared).
WAIT_MS = 5000


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def port() -> int:
    return free_port()


@pytest.fixture
def hall(config: HallConfig, port: int) -> HallConfig:
    info = dataclasses.replace(config.hall, public_url=f"http://127.0.0.1:{port}")
    return dataclasses.replace(config, hall=info)


@pytest.fixture
async def browser() -> AsyncIterator[Any]:
    async with playwright.async_playwright() as pw:
        chromium = await pw.chromium.launch(executable_path=CHROMIUM,
                                            args=["--no-sandbox", "--disable-gpu"])
        try:
            yield chromium
        finally:
            await chromium.close()


async def kiosk_ticket(hub: Hub, service: str) -> dict[str, Any]:
    import json

    from websockets.asyncio.client import connect

    async with connect(hub.url) as ws:
        await ws.send(json.dumps({"type": "hello", "device": "kiosk-1", "token": "kiosk-secret",
                                  "subscribe": False}))
        await ws.recv()
        await ws.send(json.dumps({"type": "take_ticket", "id": 1, "service": service}))
        reply: dict[str, Any] = json.loads(await ws.recv())
        return dict(reply["data"])


async def caller(hub: Hub, window: int, request: str) -> None:
    import json

    from websockets.asyncio.client import connect

    async with connect(hub.url) as ws:
        await ws.send(json.dumps({"type": "hello", "device": f"caller-{window}",
                                  "token": f"caller-{window}-secret", "subscribe": False}))
        await ws.recv()
        await ws.send(json.dumps({"type": request, "id": 1, "window": window}))
        reply = json.loads(await ws.recv())
        assert reply["ok"], reply


def printed_qr(hall: HallConfig, data: dict[str, Any]) -> str:
    """What the kiosk prints for ``data``, read back from the exact printer bytes."""
    profile = load_printer_profile("zh-80mm")
    content = TicketContent(hall_name=hall.hall.name, zone_name="办税服务区",
                            service_name="办税服务", number=data["ticket"]["number"],
                            people_ahead=data["ahead"], taken_at=datetime(2026, 11, 22, 10),
                            qr_payload=data["link"])
    rendered = render(encode_ticket(profile, layout_ticket(content, profile)).data,
                      read_qr=True)
    assert rendered.qr_read, "the printed QR code must read back"
    return str(rendered.qr_read[0])


async def test_ticket_page_follows_the_queue_and_survives_a_restart(
    hall: HallConfig, db_path: str, clock: Clock, port: int, browser: Any, tmp_path: Path,
) -> None:
    hub = Hub(hall, db_path, port=port, clock=clock)
    await hub.start()
    try:
        for _ in range(2):
            await kiosk_ticket(hub, "A")
        mine = await kiosk_ticket(hub, "A")
        url = printed_qr(hall, mine)
        assert url.startswith(f"http://127.0.0.1:{port}/t/")

        page = await browser.new_page(viewport={"width": 390, "height": 844})
        await page.goto(url)
        status = page.locator("#status-zh")
        await playwright.expect(page.locator("#number")).to_have_text("A003", timeout=WAIT_MS)
        await playwright.expect(status).to_have_text("等候中", timeout=WAIT_MS)
        await playwright.expect(page.locator("#detail-zh")).to_contain_text(
            "您前面还有 2 人", timeout=WAIT_MS)
        await page.screenshot(path=str(tmp_path / "waiting.png"))

        screen = await browser.new_page(viewport={"width": 1920, "height": 1080})
        await screen.goto(f"http://127.0.0.1:{port}/screen")
        await playwright.expect(screen.locator("#hall")).to_have_text(hall.hall.name,
                                                                     timeout=WAIT_MS)

        await caller(hub, 3, "call_next")
        await playwright.expect(page.locator("#detail-zh")).to_contain_text(
            "您前面还有 1 人", timeout=WAIT_MS)
        await playwright.expect(screen.locator("#latest-number")).to_have_text(
            "A001", timeout=WAIT_MS)
        navigations = []
        page.on("framenavigated", lambda frame: navigations.append(frame.url))
    finally:
        await hub.stop()

    # The pages say they are reconnecting, then catch up with a restarted hub.
    await playwright.expect(page.locator("#link")).to_have_class("link down", timeout=WAIT_MS)
    hub = Hub(hall, db_path, port=port, clock=clock)
    await hub.start()
    try:
        await playwright.expect(page.locator("#link")).to_have_class("link up", timeout=15000)
        await caller(hub, 3, "call_next")
        await caller(hub, 4, "call_next")
        await playwright.expect(status).to_have_text("请到 4号窗口 办理", timeout=WAIT_MS)
        await playwright.expect(page.locator("body")).to_have_attribute(
            "data-status", "called", timeout=WAIT_MS)
        await playwright.expect(screen.locator("#latest-number")).to_have_text(
            "A003", timeout=15000)
        await playwright.expect(screen.locator("#recent")).to_contain_text("A002")
        assert navigations == []  # live, never reloaded
        if os.environ.get("JIAOHAO_SCREENSHOTS"):
            out = Path(os.environ["JIAOHAO_SCREENSHOTS"])
            await page.screenshot(path=str(out / "web-ticket-called-390x844.png"))
            await screen.screenshot(path=str(out / "web-screen-1920x1080.png"))
    finally:
        await hub.stop()


async def test_a_guessed_link_shows_no_ticket(
    hall: HallConfig, db_path: str, clock: Clock, port: int, browser: Any,
) -> None:
    hub = Hub(hall, db_path, port=port, clock=clock)
    await hub.start()
    try:
        data = await kiosk_ticket(hub, "A")
        token = data["link"].rsplit("/", 1)[1]
        page = await browser.new_page()
        altered = token[:-1] + ("1" if token[-1] == "0" else "0")
        response = await page.goto(f"http://127.0.0.1:{port}/t/{altered}")
        assert response is not None and response.status == 404
        await playwright.expect(page.locator("body")).to_contain_text("未找到该号票")
        assert "A001" not in await page.content()
    finally:
        await hub.stop()


async def test_the_browser_wall_shows_a_special_call_then_only_what_stands(
    hall: HallConfig, db_path: str, clock: Clock, port: int, browser: Any,
) -> None:
    import json

    from websockets.asyncio.client import connect

    display = dataclasses.replace(hall.display, blink_s=0.5, highlight_s=2.0)
    hub = Hub(dataclasses.replace(hall, display=display), db_path, port=port, clock=clock)
    await hub.start()

    async def ask(window: int, request: str, **fields: Any) -> None:
        async with connect(hub.url) as ws:
            await ws.send(json.dumps({"type": "hello", "device": f"caller-{window}",
                                      "token": f"caller-{window}-secret", "subscribe": False}))
            await ws.recv()
            await ws.send(json.dumps({"type": request, "id": 1, "window": window, **fields}))
            assert json.loads(await ws.recv())["ok"]

    try:
        await kiosk_ticket(hub, "A")
        screen = await browser.new_page(viewport={"width": 1920, "height": 1080})
        await screen.goto(f"http://127.0.0.1:{port}/screen")
        number = screen.locator("#latest-number")
        await ask(3, "call_next")
        await playwright.expect(number).to_have_text("A001", timeout=WAIT_MS)
        await ask(3, "announce", call="manager")
        await playwright.expect(number).to_have_text("大堂经理", timeout=WAIT_MS)
        await playwright.expect(screen.locator("#latest-window")).to_have_text("请到 3号窗口")
        # the call the special call covers is listed meanwhile: the wall never hides it
        await playwright.expect(screen.locator("#recent")).to_contain_text("A001")
        if os.environ.get("JIAOHAO_SCREENSHOTS"):
            out = Path(os.environ["JIAOHAO_SCREENSHOTS"])
            await screen.screenshot(path=str(out / "web-screen-special-1920x1080.png"))
        # after its highlight time the panel shows the call that still stands
        await playwright.expect(number).to_have_text("A001", timeout=WAIT_MS)
        await playwright.expect(screen.locator("#recent")).not_to_contain_text("A001")
        await ask(3, "skip")
        await playwright.expect(number).to_have_text("—", timeout=WAIT_MS)
        await playwright.expect(screen.locator("#recent")).to_contain_text("A001")
    finally:
        await hub.stop()
