"""Requests per key per minute: a citizen's session and their client address.

A sliding window in the gateway's memory, which is exact for the one gateway process that
`make run` starts. Several gateway workers would each count on their own; a shared store
(Redis) would sit behind the same ``RateLimiter`` protocol.
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable
from threading import Lock
from typing import Protocol


class RateLimiter(Protocol):
    def hit(self, key: str) -> float | None:
        """Count one request for key; None when allowed, else seconds until the next is."""
        ...


class SlidingWindowLimiter:
    """At most ``limit`` requests per key within any ``window`` seconds."""

    def __init__(self, limit: int, window: float = 60.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self.window = window
        self.clock = clock
        self._hits: dict[str, deque[float]] = {}
        self._lock = Lock()

    def hit(self, key: str) -> float | None:
        now = self.clock()
        with self._lock:
            hits = self._hits.setdefault(key, deque())
            while hits and hits[0] <= now - self.window:
                hits.popleft()
            if len(hits) >= self.limit:
                return hits[0] + self.window - now
            hits.append(now)
            self._forget_idle(now)
            return None

    def _forget_idle(self, now: float) -> None:
        # Keep memory bounded by the keys seen in the last window.
        if len(self._hits) > 10_000:
            for key in [k for k, v in self._hits.items() if not v or v[-1] <= now - self.window]:
                del self._hits[key]


def retry_after_header(seconds: float) -> dict[str, str]:
    """The Retry-After header for a 429: whole seconds, at least one."""
    return {"Retry-After": str(max(1, math.ceil(seconds)))}
