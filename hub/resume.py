"""Whether a device saying hello can resume from the events it missed, or needs a full
welcome; and the frames of a resumed welcome. No I/O: the shell reads the events from
the store between the two questions.

A hello with ``since`` at most ``resume_limit`` events behind the hub is resumed: a
``welcome`` with ``resumed: true`` and no state, then every event after ``since`` it
subscribed to. A ``since`` ahead of the hub (another database), too far behind, or
events the store no longer has all fall back to a full welcome (hub/welcome.py).
"""

from __future__ import annotations

from collections.abc import Sequence

from hall.config import Device
from hall.protocol import Event, Hello, Welcome, encode


def events_to_replay(since: int | None, seq: int, resume_limit: int) -> int | None:
    """How many events after ``since`` to read for a resume (0: none are missing);
    None: a full welcome instead."""
    if since is None or since > seq or seq - since > resume_limit:
        return None
    return seq - since


def complete(replay: Sequence[Event], since: int, seq: int) -> bool:
    """Whether ``replay`` (read from the store) is every event after ``since`` to ``seq``."""
    if since == seq:
        return not replay
    return (len(replay) == seq - since and replay[0].seq == since + 1
            and replay[-1].seq == seq)


def resumed_texts(device: Device, hello: Hello, seq: int, hall: dict[str, object],
                  replay: Sequence[Event], now: str = "") -> list[str]:
    """A resumed welcome at ``seq`` sent at hub time ``now``, then the replayed events
    ``hello`` subscribed to (those it may not see as ``withheld``)."""
    welcome = Welcome(role=device.role, seq=seq, hall=hall, state=None, device=device.id,
                      window=device.window, resumed=True, now=now)
    return [encode(welcome.to_json()),
            *(encode(e.to_json()) if hello.wants(e.kind) else encode(e.withheld().to_json())
              for e in replay if hello.wants(e.kind) or hello.withholds(e.kind))]
