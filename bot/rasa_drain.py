"""Rasa replicas being drained before a restart (ops.rolling): the gateways send them no new message.

A replica stopped while it handles a message loses it and leaves its ticket on the conversation
(the twin waits for it), so a rolling restart first drains the replica: every gateway passes it
over (bot.rasa_pool tries it last), the messages it has finish, and only then is it stopped.
The list lives in Redis, which every gateway of the production shape shares, as a sorted set of
replica URLs scored by when their drain ends: a restart that dies halfway drains nothing for long.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Protocol

import redis
from redis import asyncio as aioredis
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

DRAIN_KEY = "borgerbot:rasa:draining"
# How long a gateway trusts what it last read: a drain reaches every gateway within this.
CACHE_SECONDS = 0.5


class DrainList(Protocol):
    async def draining(self) -> frozenset[str]:
        """The replica URLs being drained now."""
        ...


class NoDrain:
    """A gateway without Redis (the single stack): nothing is ever drained."""

    async def draining(self) -> frozenset[str]:
        return frozenset()


class RedisDrainList:
    """The drained replicas as Redis holds them, read at most every ``CACHE_SECONDS``."""

    def __init__(
        self,
        client: aioredis.Redis,
        cache_seconds: float = CACHE_SECONDS,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self._client = client
        self._cache_seconds = cache_seconds
        self._clock = clock
        self._wall_clock = wall_clock
        self._read_at = float("-inf")
        self._cached: frozenset[str] = frozenset()

    async def draining(self) -> frozenset[str]:
        now = self._clock()
        if now - self._read_at < self._cache_seconds:
            return self._cached
        try:
            members = await self._client.zrangebyscore(DRAIN_KEY, self._wall_clock(), "+inf")
        except RedisError as exc:
            # Without Redis nothing is known to be drained: route as usual (failover still holds).
            logger.warning("rasa_drain.unavailable", extra={"error": str(exc)})
            members = []
        self._cached = frozenset(m.decode() if isinstance(m, bytes) else str(m) for m in members)
        self._read_at = now
        return self._cached


def start_draining(client: redis.Redis, url: str, seconds: float) -> None:
    """Drain ``url`` for at most ``seconds`` (ops.rolling; a synchronous client)."""
    client.zadd(DRAIN_KEY, {url: time.time() + seconds})
    client.zremrangebyscore(DRAIN_KEY, "-inf", time.time())


def stop_draining(client: redis.Redis, url: str) -> None:
    client.zrem(DRAIN_KEY, url)
