"""Draining a Rasa replica before its restart: the gateways pass it over; the list read from Redis, cached."""

from __future__ import annotations

from typing import Any

import pytest
from redis.exceptions import ConnectionError as RedisConnectionError

from bot.rasa_drain import DRAIN_KEY, RedisDrainList
from bot.rasa_pool import RasaPool, Replica
from tests.unit.bot.test_rasa_pool import A, B, Clock, FakeReplica, session_first_on


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


class FakeRedis:
    """Redis's sorted set of drained URLs, scored by when each drain ends."""

    def __init__(self) -> None:
        self.members: dict[str, float] = {}
        self.reads = 0
        self.down = False

    async def zrangebyscore(self, key: str, low: float, high: str) -> list[bytes]:
        assert key == DRAIN_KEY and high == "+inf"
        self.reads += 1
        if self.down:
            raise RedisConnectionError("refused")
        return [url.encode() for url, until in self.members.items() if until >= low]


class StaticDrain:
    def __init__(self, urls: set[str]) -> None:
        self.urls = frozenset(urls)

    async def draining(self) -> frozenset[str]:
        return self.urls


@pytest.mark.anyio
async def test_a_drained_replica_gets_no_new_message_while_its_twin_is_up() -> None:
    fakes = {url: FakeReplica(url) for url in (A, B)}
    replicas: dict[str, Replica] = dict(fakes)
    session = session_first_on(A, [A, B])
    pool = RasaPool(replicas, clock=Clock(), drain=StaticDrain({A}))
    await pool.send(session, "Hvad koster et pas?", {})
    assert fakes[A].received == [] and fakes[B].received == [session]


@pytest.mark.anyio
async def test_a_drained_replica_is_still_tried_when_its_twin_is_down() -> None:
    fakes = {A: FakeReplica(A), B: FakeReplica(B, state="refused")}
    replicas: dict[str, Replica] = dict(fakes)
    session = session_first_on(A, [A, B])
    pool = RasaPool(replicas, clock=Clock(), drain=StaticDrain({A}))
    replies: list[dict[str, Any]] = await pool.send(session, "Hvad koster et pas?", {})
    assert replies[0]["text"] == f"from {A}"


@pytest.mark.anyio
async def test_the_list_is_read_from_redis_at_most_every_half_second_and_ends_by_itself() -> None:
    redis, clock, wall = FakeRedis(), Clock(), Clock()
    drains = RedisDrainList(redis, cache_seconds=0.5, clock=clock, wall_clock=wall)  # type: ignore[arg-type]
    redis.members[A] = wall.now + 10
    assert await drains.draining() == {A}
    redis.members[B] = wall.now + 10
    clock.now += 0.2
    assert await drains.draining() == {A} and redis.reads == 1
    clock.now += 0.4
    assert await drains.draining() == {A, B} and redis.reads == 2
    wall.now += 11  # a restart that died halfway drains nothing for long
    clock.now += 1
    assert await drains.draining() == frozenset()


@pytest.mark.anyio
async def test_without_redis_nothing_counts_as_drained() -> None:
    redis, clock = FakeRedis(), Clock()
    redis.members[A] = float("inf")
    redis.down = True
    drains = RedisDrainList(redis, clock=clock)  # type: ignore[arg-type]
    assert await drains.draining() == frozenset()
