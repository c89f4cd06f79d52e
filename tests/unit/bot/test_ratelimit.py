from __future__ import annotations

import pytest

from bot.ratelimit import SlidingWindowLimiter, retry_after_header

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_sliding_window_per_key() -> None:
    clock = Clock()
    limiter = SlidingWindowLimiter(limit=3, window=60, clock=clock)
    assert await limiter.hit("a") is None
    clock.now += 20
    assert [await limiter.hit("a") for _ in range(2)] == [None, None]
    clock.now += 10
    assert await limiter.hit("a") == 30, "refused until the first request leaves the window"
    assert await limiter.hit("b") is None, "another key has its own budget"
    clock.now += 30
    assert await limiter.hit("a") is None, "the oldest request left the window"
    assert await limiter.hit("a") is not None, "the other two are still in it"


async def test_retry_after_is_whole_seconds_at_least_one() -> None:
    assert retry_after_header(0.2) == {"Retry-After": "1"}
    assert retry_after_header(41.1) == {"Retry-After": "42"}
