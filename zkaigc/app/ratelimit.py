"""A per-client token bucket: `burst` requests at once, refilled at `rate` per second; past it, HTTP 429."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class RateLimiter:
    """Token buckets keyed by client (its IP address); thread-safe."""

    def __init__(self, rate: float = 4.0, burst: int = 20, clock: Callable[[], float] = time.monotonic, size=10_000):
        if rate < 0 or burst < 1:
            raise ValueError("rate must be >= 0 and burst >= 1")
        self.rate, self.burst, self.clock, self.size = rate, burst, clock, size
        self._buckets: dict[str, tuple[float, float]] = {}  # client -> (tokens, last refill time)
        self._lock = threading.Lock()

    def take(self, client: str, cost: float = 1.0) -> float:
        """Spend `cost` tokens of `client`: 0.0 if allowed, else the seconds until it would be."""
        now = self.clock()
        with self._lock:
            tokens, last = self._buckets.get(client, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - last) * self.rate)
            if tokens >= cost:
                self._buckets[client] = (tokens - cost, now)
                self._evict()
                return 0.0
            self._buckets[client] = (tokens, now)
            return float("inf") if self.rate == 0 else (cost - tokens) / self.rate

    def _evict(self) -> None:
        """Forget the oldest clients once too many are tracked (a full bucket is the default anyway)."""
        while len(self._buckets) > self.size:
            self._buckets.pop(next(iter(self._buckets)))
