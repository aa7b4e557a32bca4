"""Waiting on link events and twin state without sleeping blindly."""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from devices.events import Event
from devices.link import SerialLink
from devices.profiles import DeviceProfile
from devices.virtual import VirtualBus
from tests.conftest import TIMEOUT_S

E = TypeVar("E")


class Events:
    """A link's event queue; ``expect`` waits for the next event of a type."""

    def __init__(self) -> None:
        self.queue: queue.Queue[Event] = queue.Queue()
        self.seen: list[Event] = []

    def expect(self, kind: type[E], timeout_s: float = TIMEOUT_S,
               where: Callable[[E], bool] = lambda _e: True) -> E:
        """The first not yet taken event of ``kind`` matching ``where``; events of other
        kinds are kept in :attr:`seen`. Fails the test after ``timeout_s``."""
        for index, event in enumerate(self.seen):
            if isinstance(event, kind) and where(event):
                del self.seen[index]
                return event
        while True:
            try:
                event = self.queue.get(timeout=timeout_s)
            except queue.Empty:
                raise AssertionError(f"no {kind.__name__} within {timeout_s} s; "
                                     f"saw {self.seen}") from None
            if isinstance(event, kind) and where(event):
                return event
            self.seen.append(event)

    def drain(self) -> list[Event]:
        """Everything received so far (including what ``expect`` skipped)."""
        while True:
            try:
                self.seen.append(self.queue.get_nowait())
            except queue.Empty:
                return list(self.seen)

    def of(self, kind: type[E]) -> list[E]:
        return [e for e in self.drain() if isinstance(e, kind)]


def wait_until(predicate: Callable[[], bool], timeout_s: float = TIMEOUT_S) -> bool:
    """Poll ``predicate`` (for state that has no event of its own, like link stats)."""
    done = threading.Event()
    waited = 0.0
    while not predicate():
        if waited >= timeout_s:
            return False
        done.wait(0.01)
        waited += 0.01
    return True


@contextmanager
def bus_and_link(profile: DeviceProfile, **link_kwargs: Any) -> Iterator[
    tuple[VirtualBus, SerialLink, Events]
]:
    """A started virtual bus and a started link on its path (stopped afterwards)."""
    events = Events()
    bus = VirtualBus(profile.framing).start()
    link = SerialLink.for_profile(bus.path, profile, events=events.queue, **link_kwargs)
    try:
        yield bus, link, events
    finally:
        link.stop()
        bus.stop()
