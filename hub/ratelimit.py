"""A token bucket (the per-connection request rate limit) and a warning that does not
flood the log."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable


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
