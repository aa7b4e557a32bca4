"""What the hub knows about one connection, the jobs connections hand to the writer,
and the role/permission matrix."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from websockets.asyncio.server import ServerConnection

from hall import errors
from hall.config import Device, Role
from hall.protocol import CloseCode, Hello, Request, WindowRequest
from hub.ratelimit import TokenBucket

if TYPE_CHECKING:
    from hub.admission import Opening

# Close codes: one enum in the protocol, shared with clients.
CLOSE_BAD_CREDENTIALS = CloseCode.BAD_CREDENTIALS
CLOSE_UNSUPPORTED_PROTOCOL = CloseCode.UNSUPPORTED_PROTOCOL
CLOSE_RATE_LIMITED = CloseCode.RATE_LIMITED
CLOSE_TOO_SLOW = CloseCode.TOO_SLOW
CLOSE_STORE_FAILED = CloseCode.STORE_FAILED


@dataclass(eq=False)
class Conn:
    ws: ServerConnection
    bucket: TokenBucket | None
    #: The peer's address (the failed-hello throttle is keyed on it).
    host: str = ""
    #: Its place among its address's connections before hello (hub/admission.py).
    opening: Opening | None = None
    device: Device | None = None
    refusals: int = 0
    closing: bool = False
    #: Since when (monotonic s) its write buffer has stayed above the stall mark.
    behind_since: float | None = None


@dataclass
class RequestJob:
    conn: Conn | None  # None: the hub's own request (a device gone silent); no answer
    request: Request


@dataclass
class HelloJob:
    conn: Conn
    hello: Hello


class Tick:
    """Run engine.tick even when nobody sends anything."""


class Stop:
    """Finish the batch in hand and stop the writer."""


Job = RequestJob | HelloJob | Tick | Stop


def authorize(device: Device | None, request: Request) -> errors.QueueError | None:
    """Why ``device`` may not send ``request`` (None: it may). Roles come from
    ``Request.roles``; a caller acts only for its own window; admins may do anything."""
    if device is None:
        return errors.NotAuthenticated("say hello (device and token) first")
    if device.role not in request.roles:
        return errors.Forbidden(f"a {device.role} may not send {request.type}")
    if (
        device.role is Role.CALLER
        and isinstance(request, WindowRequest)
        and request.window != device.window
    ):
        return errors.WrongWindow(
            f"this caller belongs to window {device.window}, not {request.window}")
    return None


def request_id(obj: dict[str, Any] | None) -> str | int | None:
    if obj is None:
        return None
    value = obj.get("id")
    if isinstance(value, str) or (isinstance(value, int) and not isinstance(value, bool)):
        return value
    return None
