"""A token bucket: the per-connection request rate limit."""

from __future__ import annotations


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
