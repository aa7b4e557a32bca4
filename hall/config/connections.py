"""The hall's ``[connections]`` settings: who the hub admits, and how fast
(docs/config.md, docs/deployment.md), and their check in the TOML loader.

A connection is counted against its *address* only until it says a good hello (the
opening handshake, then the hello): that is where a stranger on the hall or guest
network can do harm, so the limit there is per address and the deadlines are short.
Once a hall device has authenticated, its connection counts against that *device*:
one device host PC may drive every window of a big hall, a kiosk beside it included.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

CONNECTION_KEYS = ("total", "per_device", "opening_per_address", "handshake_timeout_s",
                   "hello_timeout_s", "requests_per_s", "request_burst")


@dataclass(frozen=True)
class ConnectionLimits:
    """What the hub admits (``[connections]`` in the TOML)."""

    #: Hall connections (past the opening handshake, public pages not included) in all.
    total: int = 2000
    #: Open connections of one authenticated device (a device host's first window has
    #: two: its own and the one that watches the hall; a reconnect may briefly overlap).
    per_device: int = 16
    #: TCP connections from one address that have not yet said a good hello (opening
    #: handshake in progress, or a websocket waiting for its hello). Room for a device
    #: host bringing up 190 windows at once; a flood from one address stops here.
    opening_per_address: int = 256
    #: The HTTP request of the opening handshake must be complete within this (a
    #: client trickling its headers is cut off).
    handshake_timeout_s: float = 5.0
    #: A websocket must say a good hello within this after its handshake.
    hello_timeout_s: float = 10.0
    #: Requests per second on one connection (average) and the burst it may send.
    requests_per_s: float = 100.0
    request_burst: int = 200


class _Checks(Protocol):
    def error(self, key: str, message: str) -> None: ...
    def known_keys(self, table: Mapping[str, Any], where: str,
                   allowed: tuple[str, ...]) -> None: ...
    def wrong_type(self, key: str, expected: str, value: object) -> None: ...


def check_connections(checks: _Checks, data: Mapping[str, Any]) -> ConnectionLimits | None:
    """``[connections]`` checked; the defaults when absent, None after errors."""
    value = data.get("connections")
    if value is None:
        return ConnectionLimits()
    if not isinstance(value, dict):
        checks.wrong_type("connections", "a [connections] table", value)
        return None
    checks.known_keys(value, "connections", CONNECTION_KEYS)
    default = ConnectionLimits()
    ok = True

    def read(key: str, low: float, high: float, whole: bool) -> Any:
        nonlocal ok
        raw = value.get(key, getattr(default, key))
        kinds = (int,) if whole else (int, float)
        if isinstance(raw, bool) or not isinstance(raw, kinds):
            checks.wrong_type(f"connections.{key}",
                              f"{'an integer' if whole else 'a number'} from {low:g} to "
                              f"{high:g}", raw)
        elif not low <= raw <= high:
            checks.error(f"connections.{key}", f"must be from {low:g} to {high:g}, not {raw}")
        else:
            return raw if whole else float(raw)
        ok = False
        return getattr(default, key)

    limits = ConnectionLimits(
        total=read("total", 1, 100_000, True),
        per_device=read("per_device", 1, 1000, True),
        opening_per_address=read("opening_per_address", 1, 100_000, True),
        handshake_timeout_s=read("handshake_timeout_s", 0.5, 600, False),
        hello_timeout_s=read("hello_timeout_s", 0.5, 600, False),
        requests_per_s=read("requests_per_s", 1, 100_000, False),
        request_burst=read("request_burst", 1, 1_000_000, True),
    )
    return limits if ok else None
