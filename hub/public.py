"""The hub's public side: the phone ticket page and the browser wall screen.

Read-only, no token, no personal data, served from files shipped in the package with
nothing fetched from the internet. Routes (docs/web.md):

  GET /t/{token}          the phone page of one ticket (404 for a guessed or altered link)
  GET /screen?zones=a,b   the browser wall screen
  GET /api/t/{token}      one ticket's view as JSON (the page's fallback when its socket fails)
  GET /api/screen?zones=  the wall screen's view as JSON
  GET /static/{file}      the pages' scripts and styles
  /public/ws?t={token} | ?screen=1&zones=a,b   a websocket pushing views live

A ticket's socket accepts one kind of message, the citizen's rating of that ticket
(``{"type": "rate", "score": 1-5, "reason"?, "comment"?}``): it rates the socket's own
ticket and nothing else, within per-address and per-ticket budgets, at most
``MAX_MESSAGE_BYTES`` long; the hub's rules decide (finished, within the hall's
``[phone] rating_hours``, one rating per ticket across pad and phone). Every other
message is ignored.

Every view goes out stamped with the hall's time (``now``: the hub's clock in the hall's
``[hall] timezone``, ISO-8601 with its offset), so a page shows hall time whatever the
phone's or the TV's own clock and time zone say; the stamp alone never makes a view
count as changed.

The queue never waits for the public side: after each committed batch the writer only
marks what changed (:meth:`PublicSide.after_commit`, no I/O); a separate task
recomputes the views at most every ``push_interval_s`` and sends those that changed.
Every client address has a request budget and a cap on open sockets.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import time
from collections import deque
from collections.abc import Awaitable, Callable, Hashable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from http import HTTPStatus
from importlib import resources
from typing import Any
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

from websockets.asyncio.server import ServerConnection, broadcast
from websockets.datastructures import Headers
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request as HttpRequest
from websockets.http11 import Response as HttpResponse

from hall.config import HallConfig
from hall.errors import QueueError
from hall.protocol import Event, EventKind, Request, Result, TicketIssued, parse_request
from hall.state import HallState
from hub.links import TicketLinks
from hub.public_views import Call, SpecialCall, recent_calls, screen_view, ticket_view
from hub.ratelimit import BoundedTable, QuietLog, TokenBucket

log = logging.getLogger(__name__)

PUBLIC_WS_PATH = "/public/ws"

#: Client addresses whose request budget is remembered (a guest network's phones, a
#: sweep of spoofed addresses); past it the one used longest ago is forgotten.
MAX_ADDRESSES = 10_000

#: Pages updated between two chances for the writer to run.
PUSH_SLICE = 100
#: Longest message a public socket may send (a rating with a 200-character note fits).
MAX_MESSAGE_BYTES = 2048
#: How long a page's rating may wait for the writer before it is told to try again.
RATE_TIMEOUT_S = 10.0

_STATIC_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
    ".ico": "image/x-icon",
}
_STATIC_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,40}\.(html|js|css|svg|ico)$")
_ZONE_ID = re.compile(r"^[A-Za-z0-9_-]{1,32}$")


def _static_files() -> dict[str, bytes]:
    """Every file the public side serves, read once from the package."""
    files: dict[str, bytes] = {}
    for entry in resources.files("hub.web").iterdir():
        if entry.is_file() and _STATIC_NAME.match(entry.name):
            files[entry.name] = entry.read_bytes()
    return files


@dataclass(eq=False)
class _Follower:
    """A public socket: one ticket's page, or a wall screen (``ticket_id`` None)."""

    ws: ServerConnection
    address: str
    ticket_id: int | None = None
    zones: frozenset[str] = frozenset()
    last: str = ""
    #: What the page last showed of its ticket's state, and when (monotonic seconds).
    shown: tuple[str, int, int | None] | None = None
    shown_at: float = 0.0


@dataclass
class PublicLimits:
    """Per-address limits of the public side."""

    #: HTTP requests per second (average) and burst, per client address.
    http_rate: float = 10.0
    http_burst: float = 40.0
    #: Open public sockets per client address (a phone needs one; a NAT'd guest Wi-Fi
    #: shows many phones as one address, hence not 1).
    sockets_per_address: int = 32
    #: Open public sockets in all.
    sockets_total: int = 4000
    #: Bytes a public socket may have waiting unsent before it is dropped.
    max_buffer: int = 256 * 1024
    #: Least time between two updates of a page that only change its people-ahead
    #: count (its own call is sent at once).
    ahead_interval_s: float = 2.0
    #: Rating attempts from the phone pages: per client address (per minute, burst)
    #: and per ticket (a burst, then one a minute).
    rates_per_address_min: float = 10.0
    rates_address_burst: float = 10.0
    rates_per_ticket_burst: float = 3.0


@dataclass
class _Dirty:
    services: set[str] = field(default_factory=set)
    everything: bool = False
    screen: bool = False

    def __bool__(self) -> bool:
        return self.everything or self.screen or bool(self.services)


class PublicSide:
    """Routes, sockets and pushes of the public pages for one hub.

    ``state`` returns the hub's live state (read between batches, on the hub's loop).
    """

    def __init__(
        self,
        config: HallConfig,
        links: TicketLinks,
        state: Callable[[], HallState],
        *,
        limits: PublicLimits | None = None,
        push_interval_s: float = 0.2,
        notice: str = "",
        clock: Callable[[], datetime],
        rating: Callable[[int], dict[str, Any]] | None = None,
        submit: Callable[[Request, float], Awaitable[Result]] | None = None,
    ) -> None:
        self.config = config
        #: The hub's clock (timezone-aware now): the waits shown depend on the time.
        self.clock = clock
        self._tz = ZoneInfo(config.hall.timezone)
        self.links = links
        self._state = state
        self.limits = limits or PublicLimits()
        self.push_interval_s = push_interval_s
        self.ahead_interval_s = self.limits.ahead_interval_s
        #: The screens' notice: this hub's own, else the hall's ``[display] notice``.
        self.notice = notice or config.display.notice
        self._files = _static_files()
        #: What the engine says of rating a ticket from its page (hub/engine.py
        #: ``phone_rating``), and how a rating reaches the writer; None: no rating.
        self._rating = rating
        self._submit = submit
        self._rate_buckets: BoundedTable[TokenBucket] = BoundedTable(MAX_ADDRESSES)
        self._ticket_buckets: BoundedTable[TokenBucket] = BoundedTable(MAX_ADDRESSES)
        self._rates = 0
        self._buckets: BoundedTable[TokenBucket] = BoundedTable(MAX_ADDRESSES)
        self._followers: set[_Follower] = set()
        self._per_address: dict[str, int] = {}
        self._calls: deque[Call] = deque(maxlen=200)
        #: The last special call and the monotonic time it came; cleared by a call.
        self._special: tuple[SpecialCall, float] | None = None
        self._dirty = _Dirty()
        #: Pages whose people-ahead count changed but were updated too recently.
        self._held: set[_Follower] = set()
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self.pushes = 0  # views sent (for tests and the benchmark)
        self.talkers = 0  # public sockets cut off for sending a frame
        self._quiet = QuietLog(log)

    # -- lifecycle ----------------------------------------------------------------------

    def start(self) -> None:
        """Seed the recent calls from the state and start pushing (on the hub's loop)."""
        self._calls.extend(recent_calls(self._state()))
        self._task = asyncio.get_running_loop().create_task(self._pusher(),
                                                            name="jiaohao-public")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
            self._task = None

    @property
    def sockets(self) -> int:
        return len(self._followers)

    # -- HTTP -----------------------------------------------------------------------------

    def handles(self, path: str) -> bool:
        """Whether ``path`` is one of the public side's routes."""
        return path in ("/screen", "/api/screen", PUBLIC_WS_PATH) or path.startswith(
            ("/t/", "/api/t/", "/static/"))

    def respond(self, connection: ServerConnection, request: HttpRequest) -> HttpResponse | None:
        """The answer to a public HTTP request; None lets a public socket's handshake go on."""
        parts = urlsplit(request.path)
        path, query = parts.path, parse_qs(parts.query)
        address = _address(connection)
        if not self._allowed(address):
            return _plain(HTTPStatus.TOO_MANY_REQUESTS,
                          "请求过于频繁，请稍后再试 / too many requests", {"Retry-After": "2"})
        if path == PUBLIC_WS_PATH:
            return self._admit_socket(address, query)
        if path.startswith("/static/"):
            return self._static(path.removeprefix("/static/"))
        if path == "/screen":
            return self._page("screen.html")
        if path == "/api/screen":
            zones = _zones(query)
            return _json(self._screen(self._state(), zones), now=self._now())
        if path.startswith("/t/"):
            if self.links.ticket_id(path.removeprefix("/t/")) is None:
                return self._page("missing.html", HTTPStatus.NOT_FOUND)
            return self._page("ticket.html")
        if path.startswith("/api/t/"):
            ticket_id = self.links.ticket_id(path.removeprefix("/api/t/"))
            if ticket_id is None:
                return _json({"type": "error", "error": "unknown_ticket"}, HTTPStatus.NOT_FOUND)
            return _json(self._ticket_view(self._state(), ticket_id), now=self._now())
        return _plain(HTTPStatus.NOT_FOUND, "not found")

    def _allowed(self, address: str) -> bool:
        now = time.monotonic()
        bucket = self._buckets.get(address)
        if bucket is None:  # past MAX_ADDRESSES the longest-unused is forgotten: O(1)
            bucket = self._buckets.put(address, TokenBucket(
                self.limits.http_rate, self.limits.http_burst, now))
        return bucket.take(now)

    def _admit_socket(self, address: str, query: dict[str, list[str]]) -> HttpResponse | None:
        if self._target(query) is None:
            return _plain(HTTPStatus.NOT_FOUND, "unknown ticket")
        if self._per_address.get(address, 0) >= self.limits.sockets_per_address or (
            len(self._followers) >= self.limits.sockets_total
        ):
            return _plain(HTTPStatus.SERVICE_UNAVAILABLE, "too many open pages; retry later",
                          {"Retry-After": "5"})
        return None

    def _target(self, query: dict[str, list[str]]) -> tuple[int | None, frozenset[str]] | None:
        token = (query.get("t") or [""])[0]
        if token:
            ticket_id = self.links.ticket_id(token)
            return None if ticket_id is None else (ticket_id, frozenset())
        if (query.get("screen") or [""])[0]:
            return None, _zones(query)
        return None

    def _static(self, name: str) -> HttpResponse:
        body = self._files.get(name) if _STATIC_NAME.match(name) else None
        if body is None or name.endswith(".html"):
            return _plain(HTTPStatus.NOT_FOUND, "not found")
        suffix = name[name.rindex("."):]
        return _response(HTTPStatus.OK, body, _STATIC_TYPES[suffix],
                         {"Cache-Control": "public, max-age=300"})

    def _page(self, name: str, status: HTTPStatus = HTTPStatus.OK) -> HttpResponse:
        return _response(status, self._files[name], _STATIC_TYPES[".html"],
                         {"Cache-Control": "no-cache"})

    # -- sockets --------------------------------------------------------------------------

    async def serve(self, ws: ServerConnection) -> None:
        """Run one public socket until it closes; it only ever receives views."""
        parts = urlsplit(ws.request.path if ws.request else "")
        target = self._target(parse_qs(parts.query))
        if target is None:
            await ws.close(4404, "unknown ticket")
            return
        address = _address(ws)
        follower = _Follower(ws, address, target[0], target[1])
        self._followers.add(follower)
        self._per_address[address] = self._per_address.get(address, 0) + 1
        try:
            self._push(follower)
            # A ticket's page sends one thing, its citizen's rating; a wall screen sends
            # nothing (pings are answered below this). Whatever sends another frame is
            # not one of our pages, and is cut off at once rather than costing the hub
            # a wake-up per frame.
            while await self._message(follower, await ws.recv()):
                pass
            self.talkers += 1
            self._quiet.warning("talker", "cut off a public socket at %s: it sent a frame "
                                "that is not a rating of its ticket", address)
            if ws.transport is not None:
                ws.transport.abort()
        except ConnectionClosed:
            pass
        finally:
            self._followers.discard(follower)
            self._held.discard(follower)
            left = self._per_address.get(address, 1) - 1
            if left > 0:
                self._per_address[address] = left
            else:
                self._per_address.pop(address, None)

    # -- rating from the phone page -------------------------------------------------------

    def _ticket_view(self, state: HallState, ticket_id: int) -> dict[str, Any]:
        rating = self._rating(ticket_id) if self._rating is not None else {}
        return ticket_view(self.config, state, ticket_id, self.clock(), rating)

    async def _message(self, follower: _Follower, message: str | bytes) -> bool:
        """A page's message: a rating of its own ticket, answered on its socket. False
        for anything else (a wall screen's frame, not JSON, too long, another type)."""
        if follower.ticket_id is None or len(message) > MAX_MESSAGE_BYTES:
            return False
        try:
            obj = json.loads(message)
        except ValueError:
            return False
        if not isinstance(obj, dict) or obj.get("type") != "rate":
            return False
        answer = await self._rate(follower.address, follower.ticket_id, obj)
        self._send_now(follower, answer)
        if answer.get("ok"):
            self._push(follower)  # the page now says it was rated
        return True

    async def _rate(self, address: str, ticket_id: int, obj: dict[str, Any]) -> dict[str, Any]:
        """Check and submit one rating of ``ticket_id``; the answer the page shows."""
        if self._submit is None or self._rating is None:
            return _refused("rating_closed")
        now = time.monotonic()
        if not (_bucket(self._rate_buckets, address, now, self.limits.rates_per_address_min,
                        self.limits.rates_address_burst).take(now)
                and _bucket(self._ticket_buckets, ticket_id, now, 1.0,
                            self.limits.rates_per_ticket_burst).take(now)):
            return _refused("rate_limited")
        rating = self._rating(ticket_id)
        visit_window = rating.get("window")
        if rating.get("state") != "open" or visit_window is None:
            return _refused("already_rated" if rating.get("state") == "done" else "rating_closed")
        fields = {"type": "rate", "id": f"phone-{self._next_rate()}", "window": visit_window,
                  "ticket": ticket_id, "score": obj.get("score"), "channel": "phone"}
        for key in ("reason", "comment"):
            text = obj.get(key)
            if isinstance(text, str) and text.strip():
                fields[key] = text.strip()
        try:
            request = parse_request(fields)
        except QueueError as exc:
            return _refused(exc.code)
        result = await self._submit(request, RATE_TIMEOUT_S)
        if result.ok:
            return {"type": "rated", "ok": True, "score": fields["score"]}
        return _refused(result.error_code or "internal_error")

    def _next_rate(self) -> int:
        self._rates += 1
        return self._rates

    def _send_now(self, follower: _Follower, answer: dict[str, Any]) -> None:
        """An answer to the page's own message (sent even when alike the last)."""
        broadcast([follower.ws], _encode(answer))

    def after_commit(self, events: Iterable[Event]) -> None:
        """Note what a committed batch changed. Called by the writer: no I/O, no waiting."""
        state = self._state()
        dirty = self._dirty
        for event in events:
            payload = event.payload
            dirty.screen = True
            if isinstance(payload, TicketIssued):  # the commonest: read without its wire form
                dirty.services.add(payload.ticket.service)
                continue
            data = event.data
            kind = event.kind
            if kind is EventKind.ANNOUNCEMENT:
                self._special = (SpecialCall(int(data["window"]), str(data["call"]),
                                             str(data["text"]), event.at), time.monotonic())
            elif kind is EventKind.TICKET_CALLED:
                self._special = None  # a newer call takes the panel
                raw = data["ticket"]
                self._calls.appendleft(Call(
                    int(raw["id"]), str(raw["number"]), int(data["window"]),
                    int(data.get("recall", 0)), bool(raw.get("priority")), event.at))
                dirty.services.add(str(raw["service"]))
            elif kind in (EventKind.TICKET_FINISHED, EventKind.TICKET_SKIPPED,
                          EventKind.TICKET_REINSTATED, EventKind.TICKET_TRANSFERRED):
                ticket = state.tickets.get(int(data["ticket_id"]))
                if ticket is not None:
                    dirty.services.add(ticket.service)
                if "from_service" in data:
                    dirty.services.add(str(data["from_service"]))
            elif kind in (EventKind.WINDOW_PAUSED, EventKind.WINDOW_RESUMED,
                          EventKind.CLERK_SIGNED_IN, EventKind.CLERK_SIGNED_OUT):
                # who serves changes every waiting ticket's wait (hall/forecast.py)
                window = self.config.window(int(data["window"]))
                dirty.services.update(window.services if window else ())
            elif kind is EventKind.DAY_CLOSED:
                self._calls.clear()
                self._special = None
                dirty.everything = True
        if dirty:
            self._wake.set()

    async def _pusher(self) -> None:
        while True:
            if self._held:
                try:
                    await asyncio.wait_for(self._wake.wait(), self.ahead_interval_s)
                except TimeoutError:
                    pass
            else:
                await self._wake.wait()
            self._wake.clear()
            try:
                await self.push_changes()
            except Exception:  # a view must never stop the pushing
                log.exception("updating the public pages failed")
            await asyncio.sleep(self.push_interval_s)

    async def push_changes(self) -> None:
        """Send every page whose view changed since the last push.

        A ticket's own news (called, recalled, finished, skipped…) goes out at once; a
        mere change of the people-ahead count at most every ``ahead_interval_s`` per
        page, so a busy service does not cost every phone a message per call."""
        dirty, self._dirty = self._dirty, _Dirty()
        held, self._held = self._held, set()
        if not dirty and not held:
            return
        state = self._state()
        now = time.monotonic()
        screens: dict[frozenset[str], str] = {}
        for index, follower in enumerate(list(self._followers)):
            if index and not index % PUSH_SLICE:
                # Let the writer run a batch between slices: a thousand pages must not
                # hold a call back. Views computed after it show the newer state.
                await asyncio.sleep(0)
                state = self._state()
                screens.clear()
            if follower not in self._followers:
                continue
            if follower.ticket_id is None:
                if dirty.screen or dirty.everything:
                    text = screens.get(follower.zones)
                    if text is None:
                        text = screens[follower.zones] = _encode(
                            self._screen(state, follower.zones))
                    self._send(follower, text)
                continue
            ticket = state.tickets.get(follower.ticket_id)
            if not (dirty.everything or follower in held or ticket is None
                    or ticket.service in dirty.services):
                continue
            shown = (str(ticket.status), ticket.recalls, ticket.window) if ticket else None
            if shown != follower.shown or dirty.everything or (
                now - follower.shown_at >= self.ahead_interval_s
            ):
                self._push(follower)
            else:
                self._held.add(follower)

    def _push(self, follower: _Follower) -> None:
        state = self._state()
        if follower.ticket_id is None:
            view = self._screen(state, follower.zones)
        else:
            view = self._ticket_view(state, follower.ticket_id)
            ticket = state.tickets.get(follower.ticket_id)
            follower.shown = (str(ticket.status), ticket.recalls, ticket.window) if ticket else None
            follower.shown_at = time.monotonic()
        self._send(follower, _encode(view))

    def _screen(self, state: HallState, zones: frozenset[str]) -> dict[str, Any]:
        """The wall screen's view now (a special call only during its highlight time)."""
        highlight_s = self.config.display.highlight_s
        special = None
        if self._special is not None and time.monotonic() - self._special[1] < highlight_s:
            special = self._special[0]
        return screen_view(self.config, state, self._calls, zones, self.notice,
                           special, highlight_s, now=self.clock())

    def _now(self) -> str:
        """The hall's time now, as the pages read it (``now`` in every view)."""
        return self.clock().astimezone(self._tz).isoformat(timespec="milliseconds")

    def _send(self, follower: _Follower, text: str) -> None:
        """Send a view (``text``, unstamped) unless the page has it already; it goes
        out with the hall's time (``now``)."""
        if text == follower.last:
            return
        transport = follower.ws.transport
        if transport is not None and transport.get_write_buffer_size() > self.limits.max_buffer:
            log.info("dropping a public page at %s: it does not read", follower.address)
            self._followers.discard(follower)
            transport.abort()
            return
        follower.last = text
        broadcast([follower.ws], _stamped(text, self._now()))
        self.pushes += 1


def _bucket(buckets: BoundedTable[TokenBucket], key: Hashable, now: float,
            per_minute: float, burst: float) -> TokenBucket:
    """The budget of ``key`` (past the table's size the longest-unused is forgotten)."""
    bucket = buckets.get(key)
    if bucket is None:
        bucket = buckets.put(key, TokenBucket(per_minute / 60.0, burst, now))
    return bucket


def _refused(code: str) -> dict[str, Any]:
    return {"type": "rated", "ok": False, "error": code}


def _zones(query: dict[str, list[str]]) -> frozenset[str]:
    raw = ",".join(query.get("zones", []))
    return frozenset(z for z in raw.split(",") if _ZONE_ID.match(z))


def _address(connection: ServerConnection) -> str:
    remote = connection.remote_address
    return str(remote[0]) if remote else "?"


def _encode(view: dict[str, Any]) -> str:
    return json.dumps(view, ensure_ascii=False, separators=(",", ":"))


def _response(status: HTTPStatus, body: bytes, content_type: str,
              extra: dict[str, str] | None = None) -> HttpResponse:
    headers = Headers()
    headers["Content-Type"] = content_type
    headers["Content-Length"] = str(len(body))
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Referrer-Policy"] = "no-referrer"
    headers["Content-Security-Policy"] = (
        "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:; "
        "style-src 'self'; script-src 'self'; frame-ancestors 'none'")
    for key, value in (extra or {}).items():
        headers[key] = value
    return HttpResponse(status.value, status.phrase, headers, body)


def _plain(status: HTTPStatus, text: str, extra: dict[str, str] | None = None) -> HttpResponse:
    return _response(status, (text + "\n").encode(), "text/plain; charset=utf-8", extra)


def _stamped(text: str, now: str) -> str:
    """An encoded view (a JSON object, never empty: it has a ``type``) with ``now``
    added, without encoding the view again."""
    return f'{text[:-1]},"now":{json.dumps(now)}}}'


def _json(view: dict[str, Any], status: HTTPStatus = HTTPStatus.OK, *,
          now: str | None = None) -> HttpResponse:
    text = _encode(view) if now is None else _stamped(_encode(view), now)
    return _response(status, text.encode(), "application/json; charset=utf-8",
                     {"Cache-Control": "no-store"})
