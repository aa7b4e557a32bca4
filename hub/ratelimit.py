"""A token bucket (the per-connection request rate limit), a bounded per-address table
and a warning that does not flood the log."""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

V = TypeVar("V")


class TokenBucket:
    """Allows ``rate`` requests per second on average, bursts of up to ``burst``.

    Time is an argument (seconds on a monotonic clock), so tests need no sleeping.
    """

    def __init__(self, rate: float, burst: float, now: float) -> None:
        if rate <= 0 or burst < 1:
            raise ValueError("rate must be positive and burst at least 1")
        self.rate = rate
        self.burst = burst
        self.tokens = burst
        self.updated = now

    def take(self, now: float) -> bool:
        """Spend one token if there is one; False when the caller is over the limit."""
        elapsed = max(0.0, now - self.updated)
        self.updated = now
        self.tokens = min(self.burst, self.tokens + elapsed * self.rate)
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return True
        return False


class BoundedTable(Generic[V]):
    """Values per client address, at most ``size`` of them: past it, the one used
    longest ago is forgotten. Every step is O(1), so a sweep of random source addresses
    costs the hub neither memory nor time (a table rebuilt or cleared wholesale would
    cost one or the other)."""

    def __init__(self, size: int) -> None:
        if size < 1:
            raise ValueError("size must be at least 1")
        self.size = size
        self._items: OrderedDict[Hashable, V] = OrderedDict()

    def __len__(self) -> int:
        return len(self._items)

    def get(self, key: Hashable) -> V | None:
        value = self._items.get(key)
        if value is not None:
            self._items.move_to_end(key)
        return value

    def put(self, key: Hashable, value: V) -> V:
        self._items[key] = value
        self._items.move_to_end(key)
        while len(self._items) > self.size:
            self._items.popitem(last=False)
        return value


class QuietLog:
    """A warning that can recur as fast as a peer can provoke it (a refused connection,
    a wrong token), logged at most once per ``interval_s`` per kind, with how many
    were folded into it. Kinds are a few fixed names, so the table stays small."""

    def __init__(self, logger: logging.Logger, interval_s: float = 10.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.logger = logger
        self.interval_s = interval_s
        self.clock = clock
        self._last: dict[str, tuple[float, int]] = {}

    def warning(self, kind: str, message: str, *args: object) -> None:
        now = self.clock()
        last = self._last.get(kind)
        if last is not None and now - last[0] < self.interval_s:
            self._last[kind] = (last[0], last[1] + 1)
            return
        if last is not None and last[1]:
            message += f" (and {last[1]} more like it in the last {now - last[0]:.0f} s)"
        self.logger.warning(message, *args)
        self._last[kind] = (now, 0)
