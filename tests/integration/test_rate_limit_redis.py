"""Rate limits in the real Redis on localhost: one window shared by every gateway instance."""

from __future__ import annotations

import asyncio
import socket
import uuid
from collections.abc import AsyncIterator

import pytest
from fastapi.testclient import TestClient
from redis import asyncio as aioredis

from bot.main import create_app
from bot.ratelimit import RedisSlidingWindowLimiter
from core.settings import Settings
from tests.fakes import FakeRasa

pytestmark = [pytest.mark.integration, pytest.mark.anyio]
REDIS_URL = "redis://127.0.0.1:6379/0"


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
async def redis() -> AsyncIterator[aioredis.Redis]:
    client = aioredis.from_url(REDIS_URL)
    yield client
    await client.aclose()


async def test_two_gateways_share_one_window(redis: aioredis.Redis) -> None:
    scope = f"test-{uuid.uuid4().hex}"
    first, second = (RedisSlidingWindowLimiter(redis, scope, limit=3, window=60) for _ in range(2))
    assert [await first.hit("10.0.0.1"), await second.hit("10.0.0.1"), await first.hit("10.0.0.1")] == [None] * 3
    wait = await second.hit("10.0.0.1")
    assert wait is not None and 0 < wait <= 60, "the other instance sees the same three requests"
    assert await second.hit("10.0.0.2") is None, "another key has its own budget"
    assert 0 < await redis.pttl(f"borgerbot:rate:{scope}:10.0.0.1") <= 60_000, "Redis forgets idle keys itself"


async def test_the_window_slides(redis: aioredis.Redis) -> None:
    limiter = RedisSlidingWindowLimiter(redis, f"test-{uuid.uuid4().hex}", limit=1, window=0.5)
    assert await limiter.hit("k") is None
    assert await limiter.hit("k") is not None
    await asyncio.sleep(0.6)
    assert await limiter.hit("k") is None


async def test_unreachable_redis_lets_citizens_through() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    client = aioredis.from_url(f"redis://127.0.0.1:{port}/0", socket_connect_timeout=0.5)
    assert await RedisSlidingWindowLimiter(client, "down", limit=1).hit("k") is None
    await client.aclose()


def test_gateway_refuses_with_429_through_redis(settings: Settings) -> None:
    configured = settings.model_copy(update={"redis_url": REDIS_URL, "rate_limit_per_client": 2})
    # A fresh client address per run: the window lives in Redis, across test runs.
    address = f"10.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}"
    with TestClient(create_app(configured, rasa=FakeRasa()), client=(address, 50000)) as client:
        codes = [
            client.post("/api/v1/chat", json={"municipality": "kalundborg", "message": "hej"}).status_code
            for _ in range(3)
        ]
    assert codes == [200, 200, 429]
