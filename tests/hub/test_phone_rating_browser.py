"""Rating from the phone page in a real headless browser (Debian's chromium, driven by
Playwright), and the page's socket under forged, replayed and oversized requests."""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from hall.config import HallConfig
from hub.server import Hub
from tests.hub.conftest import Clock
from tests.hub.test_public_browser import (  # noqa: F401 - fixtures
    CHROMIUM,
    WAIT_MS,
    browser,
    hall,
    kiosk_ticket,
    playwright,
    port,
)

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="needs the chromium package")

NASTY = '<script>alert(1)</script> =HYPERLINK("http://evil.example","点我")'


async def ask(hub: Hub, window: int, request: str, **fields: Any) -> dict[str, Any]:
    async with connect(hub.url) as ws:
        await ws.send(json.dumps({"type": "hello", "device": f"caller-{window}",
                                  "token": f"caller-{window}-secret", "subscribe": False}))
        await ws.recv()
        await ws.send(json.dumps({"type": request, "id": 1, "window": window, **fields}))
        reply: dict[str, Any] = json.loads(await ws.recv())
        return reply


async def served(hub: Hub, window: int = 3) -> tuple[int, str]:
    """A ticket taken, called and finished at ``window``: its id and page token."""
    data = await kiosk_ticket(hub, "A")
    assert (await ask(hub, window, "call_next"))["ok"]
    assert (await ask(hub, window, "finish"))["ok"]
    return int(data["ticket"]["id"]), str(data["link"]).rsplit("/", 1)[1]


async def rate_raw(hub: Hub, token: str, message: dict[str, Any] | str) -> dict[str, Any]:
    """Send one message on the page's own socket, as a script would; the answer."""
    async with connect(f"{hub.url}/public/ws?t={token}") as ws:
        await ws.recv()  # the view
        await ws.send(message if isinstance(message, str) else json.dumps(message))
        while True:
            reply: dict[str, Any] = json.loads(await ws.recv())
            if reply.get("type") == "rated":
                return reply


def ratings(db_path: str) -> list[tuple[Any, ...]]:
    with sqlite3.connect(db_path) as db:
        return db.execute(
            "SELECT r.ticket_id, r.window, r.score, r.channel, json_extract(e.data, '$.reason'),"
            " json_extract(e.data, '$.comment') FROM ratings r JOIN events e ON e.seq = r.seq"
            " ORDER BY r.seq").fetchall()


def cases(db_path: str) -> list[dict[str, Any]]:
    with sqlite3.connect(db_path) as db:
        return [json.loads(d) for (d,) in db.execute("SELECT data FROM cases ORDER BY id")]


async def test_rating_from_the_phone_page(
    hall: HallConfig, db_path: str, clock: Clock, port: int, browser: Any,  # noqa: F811
) -> None:
    hub = Hub(hall, db_path, port=port, clock=clock)
    await hub.start()
    shots = os.environ.get("JIAOHAO_SCREENSHOTS")
    try:
        data = await kiosk_ticket(hub, "A")
        token = str(data["link"]).rsplit("/", 1)[1]
        page = await browser.new_page(viewport={"width": 390, "height": 844})
        await page.goto(str(data["link"]))
        await playwright.expect(page.locator("#status-zh")).to_have_text("等候中",
                                                                         timeout=WAIT_MS)
        # Not offered before the ticket is finished, and refused if sent anyway.
        assert await page.locator("#rating").is_hidden()
        assert (await rate_raw(hub, token, {"type": "rate", "score": 5}))["error"] == (
            "rating_closed")
        assert (await ask(hub, 3, "call_next"))["ok"]
        await playwright.expect(page.locator("#near")).to_have_class("near near-called",
                                                                     timeout=WAIT_MS)
        assert (await ask(hub, 3, "finish"))["ok"]
        # Offered after: five levels, the reasons for a 差评, a bounded comment.
        await playwright.expect(page.locator("#rating")).to_be_visible(timeout=WAIT_MS)
        await playwright.expect(page.locator(".level")).to_have_count(5)
        assert await page.locator("#reasons").is_hidden()
        await page.locator(".level[data-score='1']").click()
        await playwright.expect(page.locator("#reasons")).to_be_visible()
        await page.locator(".reason[data-reason='服务态度不好']").click()
        await playwright.expect(page.locator("#note")).to_have_attribute("maxlength", "200")
        await page.locator("#note").fill(NASTY)
        if shots:
            await page.screenshot(path=str(Path(shots) / "web-ticket-rating-390x844.png"),
                                  full_page=True)
        await page.locator("#rate-send").click()
        await playwright.expect(page.locator("#rated-zh")).to_have_text("感谢您的评价！",
                                                                        timeout=WAIT_MS)
        assert await page.locator("script").count() == 2  # nothing the comment could add
        # Recorded once, tied to window 3, with its case.
        assert ratings(db_path) == [(1, 3, 1, "phone", "服务态度不好", NASTY)]
        [case] = cases(db_path)
        assert (case["window"], case["score"], case["comment"]) == (3, 1, NASTY)

        # A second rating: from the pad, from the page again, replayed by a script.
        pad = await ask(hub, 3, "rate", ticket=1, score=5)
        assert pad["error"]["code"] == "already_rated"
        again = await browser.new_page(viewport={"width": 390, "height": 844})
        await again.goto(str(data["link"]))
        await playwright.expect(again.locator("#rated-zh")).to_contain_text("已评价",
                                                                            timeout=WAIT_MS)
        assert await again.locator("#rating").is_hidden()
        replay = {"type": "rate", "score": 1, "reason": "服务态度不好", "comment": NASTY}
        assert (await rate_raw(hub, token, replay))["error"] == "already_rated"
        assert len(ratings(db_path)) == 1

        # The pad first, then the page: told politely.
        other, other_token = await served(hub)
        assert (await ask(hub, 3, "rate", ticket=other, score=4))["ok"]
        late = await browser.new_page(viewport={"width": 390, "height": 844})
        await late.goto(f"http://127.0.0.1:{port}/t/{other_token}")
        await playwright.expect(late.locator("#rated-zh")).to_contain_text("已评价",
                                                                           timeout=WAIT_MS)

        # Past the limit: the page says so, a sent rating is refused.
        _, third_token = await served(hub)
        clock.advance(hours=24, seconds=1)
        closed = await browser.new_page(viewport={"width": 390, "height": 844})
        await closed.goto(f"http://127.0.0.1:{port}/t/{third_token}")
        await playwright.expect(closed.locator("#rated-zh")).to_contain_text("时限已过",
                                                                             timeout=WAIT_MS)
        assert (await rate_raw(hub, third_token, {"type": "rate", "score": 2}))["error"] == (
            "rating_closed")
        assert [r[0] for r in ratings(db_path)] == [1, other]
        assert len(cases(db_path)) == 1
    finally:
        await hub.stop()


async def test_the_page_socket_rates_its_own_ticket_only(
    hall: HallConfig, db_path: str, clock: Clock, port: int,  # noqa: F811
) -> None:
    hub = Hub(hall, db_path, port=port, clock=clock)
    await hub.start()
    try:
        first, first_token = await served(hub)
        second, _ = await served(hub)
        # A forged request naming another ticket (or window) rates the socket's own.
        forged = {"type": "rate", "score": 1, "ticket": second, "window": 9, "id": 7}
        assert (await rate_raw(hub, first_token, forged))["ok"]
        assert [(r[0], r[1]) for r in ratings(db_path)] == [(first, 3)]
        # An altered token gets no socket; a rating by HTTP is no route.
        altered = first_token[:-1] + ("1" if first_token[-1] == "0" else "0")
        with pytest.raises(InvalidStatus):
            async with connect(f"{hub.url}/public/ws?t={altered}"):
                pass
        # 10 KB of text: the socket is cut off, nothing recorded.
        _, third_token = await served(hub)
        big = json.dumps({"type": "rate", "score": 1, "comment": "长" * 10_000})
        with pytest.raises(ConnectionClosed):
            await rate_raw(hub, third_token, big)
        # A comment over 200 characters that fits the frame: refused, nothing recorded.
        over = {"type": "rate", "score": 1, "comment": "x" * 201}
        assert (await rate_raw(hub, third_token, over))["error"] == "bad_request"
        assert len(ratings(db_path)) == 1
        # Not JSON, another type: cut off like any talker.
        with pytest.raises(ConnectionClosed):
            await rate_raw(hub, third_token, "hello")
        # Rate-limited per ticket: a burst, then one a minute.
        answers = [await rate_raw(hub, third_token, {"type": "rate", "score": 9})
                   for _ in range(4)]
        assert [a["error"] for a in answers][-1] == "rate_limited"
        assert len(ratings(db_path)) == 1
    finally:
        await hub.stop()


async def test_the_page_says_when_the_turn_nears_and_the_call_in_large_type(
    hall: HallConfig, db_path: str, clock: Clock, port: int, browser: Any,  # noqa: F811
) -> None:
    hub = Hub(hall, db_path, port=port, clock=clock)
    await hub.start()
    shots = os.environ.get("JIAOHAO_SCREENSHOTS")
    try:
        for _ in range(5):
            await kiosk_ticket(hub, "A")
        mine = await kiosk_ticket(hub, "A")
        page = await browser.new_page(viewport={"width": 390, "height": 844})
        await page.goto(str(mine["link"]))
        await playwright.expect(page.locator("#detail-zh")).to_contain_text("您前面还有 5 人",
                                                                            timeout=WAIT_MS)
        assert await page.locator("#near").is_hidden()
        alerts = page.locator("#alerts-on")
        await playwright.expect(alerts).to_be_visible()
        await alerts.click()  # sound and vibration need a tap first
        await playwright.expect(alerts).to_be_hidden()
        for window in (3, 4):
            assert (await ask(hub, window, "call_next"))["ok"]
        near = page.locator("#near")
        await playwright.expect(near).to_be_visible(timeout=WAIT_MS)
        await playwright.expect(page.locator("#near-zh")).to_have_text(
            "快到您了！前面还有 3 人，请回到大厅等候叫号", timeout=WAIT_MS)
        await playwright.expect(page.locator("#near-en")).to_contain_text("Your turn is near")
        if shots:
            await page.screenshot(path=str(Path(shots) / "web-ticket-near-390x844.png"))
        for window in (5, 6, 7, 8):  # A003 … A006, mine at window 8
            assert (await ask(hub, window, "call_next"))["ok"]
        await playwright.expect(near).to_have_class("near near-called", timeout=WAIT_MS)
        await playwright.expect(page.locator("#near-zh")).to_have_text("请到 8号窗口 办理")
        size = await page.locator("#near-zh").evaluate(
            "e => parseFloat(getComputedStyle(e).fontSize)")
        assert size >= 36  # the call itself in large type
        if shots:
            await page.screenshot(path=str(Path(shots) / "web-ticket-near-called-390x844.png"))
    finally:
        await hub.stop()
