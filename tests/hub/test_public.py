"""The hub's public side over real sockets: ticket links, pages, live views, limits,
and that nothing private leaks."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
from typing import Any

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from hall.config import HallConfig
from hub.links import TicketLinks
from hub.public import PublicLimits
from hub.server import Hub
from hub.settings import HubSettings
from tests.conftest import TIMEOUT_S
from tests.hub.conftest import ClientFactory, Clock


async def http(hub: Hub, path: str, method: str = "GET") -> tuple[int, dict[str, str], bytes]:
    """One raw HTTP/1.1 request (raw, so that odd paths reach the hub unchanged)."""
    reader, writer = await asyncio.open_connection(hub.host, hub.port)
    writer.write(f"{method} {path} HTTP/1.1\r\nHost: {hub.host}\r\nConnection: close\r\n\r\n"
                 .encode("latin-1"))
    await writer.drain()
    raw = await asyncio.wait_for(reader.read(), TIMEOUT_S)
    writer.close()
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    return status, headers, body


async def take(client: ClientFactory, service: str = "A", **fields: Any) -> dict[str, Any]:
    kiosk = await client("kiosk-1")
    return await kiosk.ok("take_ticket", service=service, **fields)


def token_of(link: str) -> str:
    return link.rsplit("/t/", 1)[1]


def test_links_check_their_mac() -> None:
    links = TicketLinks(b"k" * 32, "http://hall.lan:8765/")
    token = links.token(42)
    assert links.url(42) == f"http://hall.lan:8765/t/{token}"
    assert links.ticket_id(token) == 42
    tampered = [token.replace("42-", "43-"), token[:-1] + ("0" if token[-1] != "0" else "1"),
                token[:-1], "42", "", "../42", token + "x", token.upper()]
    assert all(links.ticket_id(t) is None for t in tampered)
    assert TicketLinks(b"j" * 32).ticket_id(token) is None  # another hub's link


def test_a_token_is_the_ids_hmac_as_printed_before() -> None:
    """Links already printed stay valid: HMAC-SHA256 of ``ticket:<id>``, 16 hex digits,
    for every ticket the same links object makes (the keyed MAC is copied, not used)."""
    links = TicketLinks(b"k" * 32)
    for ticket_id in (1, 42, 42, 10**15):
        mac = hmac.new(b"k" * 32, b"ticket:%d" % ticket_id, hashlib.sha256).hexdigest()
        assert links.token(ticket_id) == f"{ticket_id}-{mac[:16]}"


async def test_take_ticket_gives_a_link_only_to_its_kiosk(client: ClientFactory) -> None:
    display = await client("display-1")
    data = await take(client)
    assert "/t/" in data["link"]
    event = await display.event()
    assert "link" not in json.dumps(event)


async def test_ticket_page_and_view(hub: Hub, client: ClientFactory) -> None:
    data = await take(client, booking="BK-2026-7")
    token = token_of(data["link"])
    status, headers, body = await http(hub, f"/t/{token}")
    assert status == 200 and headers["content-type"] == "text/html; charset=utf-8"
    assert b'<meta charset="utf-8">' in body
    status, headers, body = await http(hub, f"/api/t/{token}")
    view = json.loads(body)
    assert status == 200 and view["number"] == "A001" and view["status"] == "waiting"
    assert view["ahead"] == 0 and view["hall"]["name"] == "测试政务服务中心"
    assert b"BK-2026-7" not in body and b"secret" not in body
    # a booking is marked (whether, never its code), and no wait reads 无需等候
    assert view["booking"] is True and view["priority"] is True
    assert (view["mark"], view["mark_en"]) == ("预约", "Booking")
    assert (view["wait_text"], view["wait_text_en"]) == ("无需等候", "no wait")


async def test_ticket_page_marks_priority_and_not_an_ordinary_ticket(
    hub: Hub, client: ClientFactory
) -> None:
    views = []
    for fields in ({"priority": True}, {}):
        data = await take(client, **fields)
        _, _, body = await http(hub, f"/api/t/{token_of(data['link'])}")
        views.append(json.loads(body))
    assert [(v["mark"], v["priority"], v["booking"]) for v in views] == [
        ("优先", True, False), ("", False, False)]
    _, _, page = await http(hub, "/static/ticket.js")
    assert b"v.mark" in page and b"v.wait_text" in page


@pytest.mark.parametrize("path", [
    "/t/1-0000000000000000", "/t/1", "/t/", "/t/../healthz", "/api/t/1-0000000000000000",
])
async def test_guessed_links_show_nothing(hub: Hub, client: ClientFactory, path: str) -> None:
    await take(client)
    status, _, body = await http(hub, path)
    assert status == 404
    assert b"A001" not in body


@pytest.mark.parametrize("path", [
    "/static/../server.py", "/static/..%2fserver.py", "/static/%2e%2e/%2e%2e/etc/passwd",
    "/static/ticket.html", "/static/__init__.py", "/static/", "/static/.hidden.js",
    "/static//etc/passwd", "/nothing-here",
])
async def test_traversal_and_unknown_paths_get_404(hub: Hub, path: str) -> None:
    status, _, body = await http(hub, path)
    assert status == 404
    assert b"import" not in body and b"root:" not in body


async def test_static_files_have_types_and_caching(hub: Hub) -> None:
    for name, kind in [("jiaohao.css", "text/css"), ("ticket.js", "text/javascript"),
                       ("live.js", "text/javascript")]:
        status, headers, body = await http(hub, f"/static/{name}")
        assert status == 200 and headers["content-type"].startswith(kind) and body
        assert "max-age" in headers["cache-control"]
        assert headers["x-content-type-options"] == "nosniff"


async def test_live_ticket_follows_the_queue(hub: Hub, client: ClientFactory) -> None:
    first = await take(client)
    mine = await take(client)
    async with connect(f"{hub.url}/public/ws?t={token_of(mine['link'])}",
                       open_timeout=TIMEOUT_S) as page:
        view = json.loads(await asyncio.wait_for(page.recv(), TIMEOUT_S))
        assert (view["number"], view["status"], view["ahead"]) == ("A002", "waiting", 1)
        caller = await client("caller-3")
        await caller.ok("call_next", window=3)  # calls A001: one fewer ahead
        view = json.loads(await asyncio.wait_for(page.recv(), TIMEOUT_S))
        assert (view["status"], view["ahead"]) == ("waiting", 0)
        await caller.ok("call_next", window=3)
        view = json.loads(await asyncio.wait_for(page.recv(), TIMEOUT_S))
        assert (view["status"], view["window"], view["window_name"]) == ("called", 3, "3号窗口")
        await caller.ok("recall", window=3)
        view = json.loads(await asyncio.wait_for(page.recv(), TIMEOUT_S))
        assert view["recalls"] == 1
        await caller.ok("skip", window=3)
        view = json.loads(await asyncio.wait_for(page.recv(), TIMEOUT_S))
        assert view["status"] == "skipped"
    assert first["ticket"]["number"] == "A001"


async def test_screen_shows_calls_of_its_zones(hub: Hub, client: ClientFactory) -> None:
    await take(client, "A")
    await take(client, "C")
    async with connect(f"{hub.url}/public/ws?screen=1&zones=social",
                       open_timeout=TIMEOUT_S) as social, \
            connect(f"{hub.url}/public/ws?screen=1", open_timeout=TIMEOUT_S) as everything:
        for page in (social, everything):
            view = json.loads(await asyncio.wait_for(page.recv(), TIMEOUT_S))
            assert view["latest"] is None
        await (await client("caller-3")).ok("call_next", window=3)  # A001, tax zone
        await (await client("caller-62")).ok("call_next", window=62)  # C001, social zone
        seen: dict[str, Any] = {}
        while seen.get("latest", {}) is None or (seen.get("latest") or {}).get(
                "number") != "C001":
            seen = json.loads(await asyncio.wait_for(social.recv(), TIMEOUT_S))
        assert [c["number"] for c in seen["recent"]] == ["C001"]
        assert [z["zone"] for z in seen["waiting"]] == ["social"]
        # nobody waits in the zone now: no wait for a newcomer, in the citizen's words
        assert seen["waiting"][0]["wait_text"] == "无需等候"
        await take(client, "C")
        await take(client, "C")
        view = await next_view(social, lambda v: v["waiting"][0]["waiting"] == 2)
        low, high = view["waiting"][0]["wait_range_min"]
        assert 0 <= low <= high and view["waiting"][0]["wait_text"].startswith("约")
        await (await client("caller-62")).ok("pause", window=62)  # C's only window
        view = await next_view(social, lambda v: v["waiting"][0]["wait_range_min"] is None)
        assert view["waiting"][0]["wait_text"] == "暂无法估计"
        while True:
            view = json.loads(await asyncio.wait_for(everything.recv(), TIMEOUT_S))
            if len(view["recent"]) == 2:
                break
        assert {c["number"] for c in view["recent"]} == {"A001", "C001"}


async def next_view(page: Any, done: Any) -> dict[str, Any]:
    """The first view the page receives for which ``done(view)`` holds."""
    while True:
        view: dict[str, Any] = json.loads(await asyncio.wait_for(page.recv(), TIMEOUT_S))
        if done(view):
            return view


@pytest.fixture
def config() -> HallConfig:
    import dataclasses

    from tests.hub.conftest import make_config

    made = make_config()
    return dataclasses.replace(made, display=dataclasses.replace(
        made.display, notice="午休时间 12:00-13:30 仅办理加急业务"))


async def test_the_browser_wall_gets_the_halls_notice(hub: Hub) -> None:
    status, _, body = await http(hub, "/api/screen")
    assert status == 200 and json.loads(body)["notice"] == "午休时间 12:00-13:30 仅办理加急业务"
    async with connect(f"{hub.url}/public/ws?screen=1", open_timeout=TIMEOUT_S) as page:
        view = json.loads(await asyncio.wait_for(page.recv(), TIMEOUT_S))
        assert view["notice"] == "午休时间 12:00-13:30 仅办理加急业务"


async def test_the_browser_wall_shows_a_special_call_of_its_zones(
        hub: Hub, client: ClientFactory) -> None:
    async with connect(f"{hub.url}/public/ws?screen=1&zones=social",
                       open_timeout=TIMEOUT_S) as social, \
            connect(f"{hub.url}/public/ws?screen=1&zones=tax",
                    open_timeout=TIMEOUT_S) as tax:
        await next_view(social, lambda v: True)
        await next_view(tax, lambda v: True)
        await (await client("caller-62")).ok("announce", window=62, call="manager")
        view = await next_view(social, lambda v: v["special"] is not None)
        assert view["special"] == {"window": 62, "call": "manager", "text": "请大堂经理到62号窗口",
                                   "window_name": "62号窗口", "at": view["special"]["at"]}
        assert view["highlight_s"] == hub.config.display.highlight_s
        await take(client, "A")
        await (await client("caller-3")).ok("call_next", window=3)
        view = await next_view(tax, lambda v: v["latest"] is not None)
        assert view["special"] is None  # window 62 is not the tax screen's


async def test_the_browser_walls_big_call_is_only_what_stands_now(
        hub: Hub, client: ClientFactory) -> None:
    await take(client, "A")
    await take(client, "A")
    caller1, caller2 = await client("caller-1"), await client("caller-2")
    async with connect(f"{hub.url}/public/ws?screen=1", open_timeout=TIMEOUT_S) as page:
        await caller1.ok("call_next", window=1)
        await caller2.ok("call_next", window=2)
        view = await next_view(page, lambda v: (v["latest"] or {}).get("number") == "A002")
        await caller2.ok("skip", window=2)
        view = await next_view(page, lambda v: (v["latest"] or {}).get("number") != "A002")
        assert view["latest"]["number"] == "A001"  # the call still standing
        assert [(c["number"], c["standing"]) for c in view["recent"]] == [
            ("A002", False), ("A001", True)]  # the history stays, marked
        await caller1.ok("finish", window=1)
        await caller1.ok("pause", window=1)
        view = await next_view(page, lambda v: v["paused"] == [1])
        assert view["latest"] is None


async def test_views_carry_the_halls_time_which_alone_is_no_change(
        hub: Hub, client: ClientFactory, clock: Clock) -> None:
    """The browser wall showed the TV's own time zone (10:58 under UTC while the hall's
    clock said 18:58): every view now brings the hall's time for the page to count on."""
    mine = await take(client)
    for path in ("/api/screen", f"/api/t/{token_of(mine['link'])}"):
        _, _, body = await http(hub, path)
        assert json.loads(body)["now"] == "2026-03-02T10:00:00.000+08:00"
    async with connect(f"{hub.url}/public/ws?screen=1&zones=social",
                       open_timeout=TIMEOUT_S) as page:
        view = json.loads(await asyncio.wait_for(page.recv(), TIMEOUT_S))
        assert view["now"] == "2026-03-02T10:00:00.000+08:00"
        clock.advance(minutes=1)
        await take(client, "A")  # the tax zone: nothing of this screen changed
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(page.recv(), 0.5)
        await take(client, "C")  # the social zone
        view = json.loads(await asyncio.wait_for(page.recv(), TIMEOUT_S))
        assert view["now"] == "2026-03-02T10:01:00.000+08:00"
        assert [z["waiting"] for z in view["waiting"]] == [1]


async def test_a_guessed_socket_is_refused(hub: Hub) -> None:
    with pytest.raises(InvalidStatus) as refused:
        async with connect(f"{hub.url}/public/ws?t=1-0000000000000000",
                           open_timeout=TIMEOUT_S):
            pass
    assert refused.value.response.status_code == 404


async def test_public_sockets_cannot_act(hub: Hub, client: ClientFactory) -> None:
    data = await take(client)
    async with connect(f"{hub.url}/public/ws?t={token_of(data['link'])}",
                       open_timeout=TIMEOUT_S) as page:
        await page.recv()
        await page.send(json.dumps({"type": "call_next", "id": 1, "window": 3}))
        await page.send(json.dumps({"type": "hello", "device": "admin-1",
                                    "token": "admin-secret"}))
        with pytest.raises(ConnectionClosed):  # cut off at its first frame
            await asyncio.wait_for(page.recv(), TIMEOUT_S)
    assert hub.engine.state.window(3).ticket is None


async def test_a_public_socket_that_talks_is_cut_off_and_a_silent_one_is_not(
    hub: Hub, client: ClientFactory
) -> None:
    """32 sockets sending tiny frames took the hub to 94 % CPU: a page sends nothing,
    so the first frame ends the socket; the silent pages keep their views."""
    kiosk = await client("kiosk-1")
    async with connect(f"{hub.url}/public/ws?screen=1", open_timeout=TIMEOUT_S) as silent:
        await silent.recv()
        talkers = [await connect(f"{hub.url}/public/ws?screen=1", open_timeout=TIMEOUT_S)
                   for _ in range(4)]
        for talker in talkers:
            await talker.recv()
            await talker.send("x")
        for talker in talkers:
            await asyncio.wait_for(talker.wait_closed(), TIMEOUT_S)
        assert hub._public is not None and hub._public.talkers == 4
        await kiosk.ok("take_ticket", service="A")
        view = json.loads(await asyncio.wait_for(silent.recv(), TIMEOUT_S))
        assert view["type"] == "screen"


async def test_limits_per_address(config: HallConfig, db_path: str, clock: Clock) -> None:
    hub = Hub(config, db_path, port=0, clock=clock, settings=HubSettings(
        public_limits=PublicLimits(http_rate=1, http_burst=3, sockets_per_address=2)))
    await hub.start()
    try:
        statuses = [(await http(hub, "/static/jiaohao.css"))[0] for _ in range(5)]
        assert statuses[:3] == [200, 200, 200] and statuses[3:] == [429, 429]
        status, _, _ = await http(hub, "/healthz")
        assert status == 200  # health and the queue are not limited by the public budget
    finally:
        await hub.stop()
    hub = Hub(config, db_path, port=0, clock=clock,
              settings=HubSettings(public_limits=PublicLimits(sockets_per_address=2)))
    await hub.start()
    try:
        pages = [await connect(f"{hub.url}/public/ws?screen=1", open_timeout=TIMEOUT_S)
                 for _ in range(2)]
        with pytest.raises(InvalidStatus) as refused:
            await connect(f"{hub.url}/public/ws?screen=1", open_timeout=TIMEOUT_S)
        assert refused.value.response.status_code == 503
        await pages[0].close()
        await asyncio.wait_for(_until(lambda: hub._public is not None
                                      and hub._public.sockets == 1), TIMEOUT_S)
        again = await connect(f"{hub.url}/public/ws?screen=1", open_timeout=TIMEOUT_S)
        await again.close()
        await pages[1].close()
    finally:
        await hub.stop()


async def _until(predicate: Any) -> None:
    while not predicate():
        await asyncio.sleep(0.01)


async def test_links_survive_a_restart(config: HallConfig, db_path: str, clock: Clock) -> None:
    hub = Hub(config, db_path, port=0, clock=clock)
    await hub.start()
    try:
        async with connect(hub.url) as ws:
            await ws.send(json.dumps({"type": "hello", "device": "kiosk-1",
                                      "token": "kiosk-secret"}))
            await ws.recv()
            await ws.send(json.dumps({"type": "take_ticket", "id": 1, "service": "B"}))
            reply = json.loads(await ws.recv())
            while reply["type"] != "result":
                reply = json.loads(await ws.recv())
            link = reply["data"]["link"]
    finally:
        await hub.stop()
    hub = Hub(config, db_path, port=0, clock=clock)
    await hub.start()
    try:
        status, _, body = await http(hub, f"/api/t/{token_of(link)}")
        assert status == 200 and json.loads(body)["number"] == "B001"
    finally:
        await hub.stop()


async def test_page_socket_closed_by_hub_stop(hub: Hub, client: ClientFactory) -> None:
    data = await take(client)
    page = await connect(f"{hub.url}/public/ws?t={token_of(data['link'])}")
    await page.recv()
    await hub.stop()
    with pytest.raises(ConnectionClosed):
        await asyncio.wait_for(page.recv(), TIMEOUT_S)


async def test_ahead_counts_are_coalesced_but_a_call_is_not(
    config: HallConfig, db_path: str, clock: Clock,
) -> None:
    hub = Hub(config, db_path, port=0, clock=clock,
              settings=HubSettings(public_limits=PublicLimits(ahead_interval_s=3600)))
    await hub.start()
    try:
        async with connect(hub.url) as kiosk_ws:
            from tests.hub.conftest import Client
            kiosk = Client(kiosk_ws)
            await kiosk.hello("kiosk-1", "kiosk-secret")
            for _ in range(3):
                mine = await kiosk.ok("take_ticket", service="A")
            async with connect(hub.url) as caller_ws:
                caller = Client(caller_ws)
                await caller.hello("caller-3", "caller-3-secret")
                async with connect(f"{hub.url}/public/ws?t={token_of(mine['link'])}") as page:
                    first = json.loads(await asyncio.wait_for(page.recv(), TIMEOUT_S))
                    assert first["ahead"] == 2
                    await caller.ok("call_next", window=3)
                    await caller.ok("call_next", window=3)
                    with pytest.raises(TimeoutError):
                        await asyncio.wait_for(page.recv(), 0.5)  # held: only "ahead" changed
                    await caller.ok("call_next", window=3)
                    view = json.loads(await asyncio.wait_for(page.recv(), TIMEOUT_S))
                    assert (view["status"], view["window"]) == ("called", 3)
    finally:
        await hub.stop()


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "HEAD", "OPTIONS"])
@pytest.mark.parametrize("path", ["/healthz", "/screen", "/api/screen", "/static/live.js", "/"])
async def test_only_get_is_answered(hub: Hub, method: str, path: str) -> None:
    status, headers, _ = await http(hub, path, method)
    assert status == 405 and headers["allow"] == "GET"
