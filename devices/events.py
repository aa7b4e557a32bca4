"""What a serial link reports to its user: small frozen dataclasses, one per happening.

A caller app wraps them in Qt signals; tests read them from a ``queue.Queue``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DeviceOnline:
    """The port opened (first time or after an outage); ``outage_s`` is how long it was
    gone (0.0 on the first open)."""

    port: str
    outage_s: float = 0.0


@dataclass(frozen=True)
class DeviceOffline:
    """The port vanished or failed; the link retries with backoff by itself."""

    port: str
    reason: str


@dataclass(frozen=True)
class RatingGiven:
    """A key on a pad answered rating request ``request_id``; ``score`` 5 = 非常满意 … 1."""

    address: int
    request_id: int
    score: int
    key: str


@dataclass(frozen=True)
class RatingTimedOut:
    """Nobody pressed a key in time: the request ends "not rated"."""

    address: int
    request_id: int


@dataclass(frozen=True)
class RatingCancelled:
    """The request ended without a score: ``reason`` is ``cancelled`` (by the caller),
    ``superseded`` (a new request replaced it) or ``link-lost`` (the port went away
    while it was pending)."""

    address: int
    request_id: int
    reason: str


@dataclass(frozen=True)
class PressIgnored:
    """A pad key that gave no score: ``no-request``, ``bounce`` (same key again within
    the profile's bounce time) or ``unknown-key``."""

    address: int
    key: str
    reason: str


@dataclass(frozen=True)
class KeyAction:
    """A calling-keypad key decoded: ``action`` is one of :data:`devices.profiles.ACTIONS`;
    ``digits`` what was typed before confirm (or before a key that takes a number)."""

    address: int
    action: str
    digits: str = ""


@dataclass(frozen=True)
class SendFailed:
    """A frame to ``address`` was not confirmed after the profile's retries, or the port
    was offline (``reason``)."""

    address: int
    func: int
    reason: str


Event = (
    DeviceOnline
    | DeviceOffline
    | RatingGiven
    | RatingTimedOut
    | RatingCancelled
    | PressIgnored
    | KeyAction
    | SendFailed
)
