"""Welcomes: the hall's public state for a device that says hello, cheaply.

A full hall's state is megabytes of JSON, and encoding it costs tens to hundreds of
milliseconds; a reconnect storm (a switch rebooting, every display at once) must not
stall the queue. So the state is encoded once and kept as bytes, with the events
broadcast since; a welcome is that recent state followed by those events, sent as
one pre-framed write. A small state is simply encoded anew for each sequence number.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Protocol

from hall.config import Device
from hall.protocol import Event, EventKind, Hello, Welcome, encode
from hall.state import HallState
from hub.fanout import text_frame_header

#: A welcome's state may be this many events, or seconds, older than the hub's; the
#: events since follow it (docs/protocol.md).
WELCOME_LAG_EVENTS = 500
WELCOME_MAX_AGE_S = 5.0
#: States smaller than this are encoded anew for each sequence number.
WELCOME_LAG_BYTES = 256 * 1024


@dataclass(frozen=True)
class WelcomeFrames:
    """One welcome ready to write: its frames, and its texts for a connection that
    negotiated an extension (the hub offers none, so in practice never read)."""

    frames: bytes
    texts: Iterator[str]


class EncodedEvents(Protocol):
    """A committed batch's events, encoded when first asked for (hub/writer.py)."""

    def text(self, i: int) -> str: ...

    def frame(self, i: int) -> bytes: ...


class WelcomeCache:
    """The encoded state of a recent moment and the events broadcast since."""

    def __init__(self) -> None:
        #: (state object id, seq, encoded state, when it was encoded)
        self._state: tuple[int, int, bytes, float] | None = None
        self._recent: deque[tuple[int, EventKind, EncodedEvents, int]] = deque(
            maxlen=WELCOME_LAG_EVENTS)

    def clear(self) -> None:
        """Forget everything (the hub rebuilt its state from the store)."""
        self._state = None
        self._recent.clear()

    def note(self, events: Iterable[Event], encoded: EncodedEvents) -> None:
        """Keep a committed batch's events (``encoded``: the same events, encoded and
        framed when a welcome first needs them)."""
        self._recent.extend((e.seq, e.kind, encoded, i) for i, e in enumerate(events))

    def state_bytes(self, state: HallState) -> tuple[int, bytes]:
        """A recent public state (its seq, its UTF-8 JSON) whose later events are all
        kept: a small state is encoded anew for each seq, a large one only when it is
        more than WELCOME_LAG_EVENTS events or WELCOME_MAX_AGE_S seconds behind."""
        seq, now = state.seq, time.monotonic()
        cached = self._state
        if cached is not None and cached[0] == id(state) and (
            cached[1] == seq or (
                len(cached[2]) > WELCOME_LAG_BYTES and now - cached[3] < WELCOME_MAX_AGE_S
                and self._recent and self._recent[0][0] <= cached[1] + 1
                and self._recent[-1][0] == seq
            )
        ):
            return cached[1], cached[2]
        body = encode(state.public()).encode()
        self._state = (id(state), seq, body, now)
        return seq, body

    def full(self, state: HallState, device: Device, hello: Hello,
             hall: dict[str, object], now: str) -> WelcomeFrames:
        """A full welcome for ``device`` sent at hub time ``now``: a recent state, then
        the events since that ``hello`` subscribed to."""
        at, body = self.state_bytes(state)
        text = encode(Welcome(role=device.role, seq=at, hall=hall, state=None,
                              device=device.id, window=device.window,
                              resumed=False, now=now).to_json())
        # The state is the last key, sent as null: the cached bytes are spliced in.
        assert text.endswith(',"state":null}')
        head = text[: -len("null}")].encode()
        later = [(e, i) for s, k, e, i in self._recent if s > at and hello.wants(k)]
        frames = b"".join((text_frame_header(len(head) + len(body) + 1), head, body, b"}",
                           *(e.frame(i) for e, i in later)))

        def texts() -> Iterator[str]:
            yield head.decode() + body.decode() + "}"
            yield from (e.text(i) for e, i in later)

        return WelcomeFrames(frames, texts())
