"""Requests per key per minute: a citizen's session and their client address.

Two implementations of one protocol: a sliding window in the gateway's memory (the embedded
default, exact for the one gateway process `make run` starts), and the same window in Redis
(``BORGERBOT_REDIS_URL``), shared by every gateway instance and kept across restarts.
"""

from __future__ import annotations

import logging
import math
import time
import uuid
from collections import deque
from collections.abc import Callable
from threading import Lock
from typing import Protocol

from redis import asyncio as aioredis
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


class RateLimiter(Protocol):
    async def hit(self, key: str) -> float | None:
        """Count one request for key; None when allowed, else seconds until the next is."""
        ...


class SlidingWindowLimiter:
    """At most ``limit`` requests per key within any ``window`` seconds, in this process."""

    def __init__(self, limit: int, window: float = 60.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self.window = window
        self.clock = clock
        self._hits: dict[str, deque[float]] = {}
        self._lock = Lock()

    async def hit(self, key: str) -> float | None:
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


# One round trip, atomic: drop hits older than the window, refuse at the limit, else record this one.
# The clock is Redis's own, so every gateway instance counts the same window.
_SLIDING_WINDOW = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local window, limit = tonumber(ARGV[1]), tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) >= limit then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return tostring(tonumber(oldest[2]) + window - now)
end
redis.call('ZADD', KEYS[1], now, ARGV[3])
redis.call('PEXPIRE', KEYS[1], math.ceil(window * 1000))
return false
"""


class RedisSlidingWindowLimiter:
    """The same sliding window in Redis, shared by every gateway instance.

    If Redis cannot be reached the request is allowed: a limiter outage must not silence the chat.
    """

    def __init__(self, client: aioredis.Redis, scope: str, limit: int, window: float = 60.0) -> None:
        self.client = client
        self.scope = scope
        self.limit = limit
        self.window = window
        self._script = client.register_script(_SLIDING_WINDOW)

    async def hit(self, key: str) -> float | None:
        try:
            wait = await self._script(
                keys=[f"borgerbot:rate:{self.scope}:{key}"], args=[self.window, self.limit, uuid.uuid4().hex]
            )
        except RedisError as exc:
            logger.warning("ratelimit.unavailable", extra={"scope": self.scope, "error": str(exc)})
            return None
        return None if wait is None else float(wait)


def retry_after_header(seconds: float) -> dict[str, str]:
    """The Retry-After header for a 429: whole seconds, at least one."""
    return {"Retry-After": str(max(1, math.ceil(seconds)))}
