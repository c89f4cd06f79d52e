"""RasaPool: one replica per conversation by rendezvous hashing, failover only when nothing was handled."""

from __future__ import annotations

import logging
import random
import socket
import uuid
from collections import Counter
from typing import Any

import httpx
import pytest

from bot.rasa_client import HttpRasaClient, RasaNotReachedError, RasaUnavailableError
from bot.rasa_pool import COOL_DOWN_SECONDS, RasaPool, Replica, health_detail, replica_order

pytestmark = pytest.mark.anyio

A, B, C = "http://rasa-a:5005", "http://rasa-b:5005", "http://rasa-c:5005"


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class FakeReplica:
    """A replica that answers, is not reached (refused) or times out, as the test sets ``state``."""

    def __init__(self, name: str, state: str = "up") -> None:
        self.name = name
        self.state = state
        self.received: list[str] = []
        self.closed = False

    async def send(self, session_id: str, text: str, metadata: dict[str, Any]) -> list[dict[str, Any]]:
        if self.state == "refused":
            raise RasaNotReachedError("ConnectError: refused", "connection refused")
        self.received.append(session_id)
        if self.state == "timeout":
            raise RasaUnavailableError("ReadTimeout: ")
        return [{"recipient_id": session_id, "text": f"from {self.name}"}]

    async def is_healthy(self) -> tuple[bool, str]:
        if self.state == "refused":
            return False, "unreachable (connection refused)"
        return True, "ok"

    async def aclose(self) -> None:
        self.closed = True


def session_ids(count: int) -> list[str]:
    """Session ids shaped like the gateway's (uuid4 hex), the same on every run."""
    rng = random.Random(16)
    return [uuid.UUID(int=rng.getrandbits(128), version=4).hex for _ in range(count)]


def pool_of(*names: str, clock: Clock | None = None) -> tuple[RasaPool, dict[str, FakeReplica]]:
    fakes = {url: FakeReplica(url) for url in names}
    replicas: dict[str, Replica] = dict(fakes)
    return RasaPool(replicas, clock=clock or Clock()), fakes


def session_first_on(url: str, urls: list[str]) -> str:
    return next(s for s in session_ids(1000) if replica_order(s, urls)[0] == url)


def test_order_is_fixed_by_session_and_urls_only() -> None:
    # Pinned: Python's salted hash() would change these from one process to the next, and a
    # change of the hash would move every conversation during a rolling deploy.
    assert replica_order("abc", [A, B, C]) == [B, A, C]
    assert replica_order("0f3c9a2e5b7d4e1f8a6b2c3d4e5f6a7b", [A, B, C]) == [C, A, B]
    for session in session_ids(50):
        order = replica_order(session, [A, B, C])
        assert sorted(order) == [A, B, C]
        assert replica_order(session, [C, B, A]) == order, "the configured order does not matter"


def test_every_pool_picks_the_same_replica() -> None:
    first, _ = pool_of(A, B, C)
    second, _ = pool_of(C, A, B)
    for session in session_ids(200):
        assert first.attempt_order(session) == second.attempt_order(session) == replica_order(session, [A, B, C])


@pytest.mark.parametrize("urls", [[A, B], [A, B, C]])
def test_sessions_spread_evenly(urls: list[str]) -> None:
    counts = Counter(replica_order(s, urls)[0] for s in session_ids(10_000))
    share = 10_000 / len(urls)
    # About six standard deviations of a fair split of 10,000: fails only for a skewed hash.
    assert all(abs(counts[url] - share) < 300 for url in urls), counts


def test_removing_a_replica_moves_only_its_sessions() -> None:
    moved = 0
    for session in session_ids(3000):
        before = replica_order(session, [A, B, C])[0]
        after = replica_order(session, [A, B])[0]
        if before != C:
            assert after == before
        else:
            moved += 1
    assert 800 < moved < 1200, "about a third of the sessions were on the removed replica"


async def test_one_replica_answers_every_message_of_a_session() -> None:
    pool, fakes = pool_of(A, B, C)
    sessions = session_ids(30)
    for session in sessions * 2:
        replies = await pool.send(session, "hej", {"municipality": "kalundborg"})
        assert replies[0]["text"] == f"from {replica_order(session, [A, B, C])[0]}"
    for url, fake in fakes.items():
        assert sorted(fake.received) == sorted(s for s in sessions * 2 if replica_order(s, [A, B, C])[0] == url)


async def test_not_reached_fails_over_then_stays_then_returns(caplog: pytest.LogCaptureFixture) -> None:
    clock = Clock()
    pool, fakes = pool_of(A, B, clock=clock)
    session = session_first_on(A, [A, B])
    fakes[A].state = "refused"
    caplog.set_level(logging.INFO, logger="bot.rasa_pool")

    assert (await pool.send(session, "hej", {}))[0]["text"] == f"from {B}"
    events = [(r.message, getattr(r, "from", None), getattr(r, "to", None)) for r in caplog.records]
    assert ("rasa_pool.replica_down", None, None) in events
    assert ("rasa_pool.failover", A, B) in events
    failover = next(r for r in caplog.records if r.message == "rasa_pool.failover")
    assert getattr(failover, "reason", None) == "connection refused"
    assert "hej" not in caplog.text, "never the message text in the logs"

    # A is back up, but cooling down: the session stays on B without waiting for A.
    fakes[A].state = "up"
    clock.now += COOL_DOWN_SECONDS - 0.5
    assert (await pool.send(session, "hej igen", {}))[0]["text"] == f"from {B}"
    assert fakes[A].received == []
    assert fakes[B].received == [session, session]

    # After the cool-down the session returns to its own replica, and A is logged up once.
    caplog.clear()
    clock.now += 1
    assert (await pool.send(session, "og igen", {}))[0]["text"] == f"from {A}"
    assert [r.message for r in caplog.records] == ["rasa_pool.replica_up"]


async def test_a_cooling_replica_is_not_waited_for_by_other_sessions() -> None:
    clock = Clock()
    pool, fakes = pool_of(A, B, C, clock=clock)
    fakes[A].state = "refused"
    await pool.send(session_first_on(A, [A, B, C]), "hej", {})
    assert pool.attempt_order(session_first_on(A, [A, B, C]))[-1] == A
    other = next(s for s in session_ids(1000) if replica_order(s, [A, B, C])[1] == A)
    assert pool.attempt_order(other) == [u for u in replica_order(other, [A, B, C]) if u != A] + [A]


async def test_timeout_is_never_retried_on_another_replica() -> None:
    pool, fakes = pool_of(A, B)
    session = session_first_on(A, [A, B])
    fakes[A].state = "timeout"
    with pytest.raises(RasaUnavailableError) as raised:
        await pool.send(session, "hej", {})
    assert not isinstance(raised.value, RasaNotReachedError)
    assert A in str(raised.value)
    assert fakes[A].received == [session]
    assert fakes[B].received == [], "A may still be handling it: B must not handle it too"
    assert pool.attempt_order(session)[0] == A, "a slow replica is not taken for a down one"


async def test_all_down_raises_after_trying_each_once() -> None:
    clock = Clock()
    pool, fakes = pool_of(A, B, C, clock=clock)
    for fake in fakes.values():
        fake.state = "refused"
    session = session_ids(1)[0]
    with pytest.raises(RasaUnavailableError, match="no Rasa replica reached"):
        await pool.send(session, "hej", {})

    # Every replica is cooling down: they are still tried, in the session's order, never refused untried.
    assert pool.attempt_order(session) == replica_order(session, [A, B, C])
    second = replica_order(session, [A, B, C])[1]
    fakes[second].state = "up"
    assert (await pool.send(session, "hej", {}))[0]["text"] == f"from {second}"


async def test_health_is_ok_while_one_replica_answers() -> None:
    pool, fakes = pool_of(A, B)
    assert await pool.is_healthy() == (True, "ok")
    fakes[B].state = "refused"
    assert await pool.is_healthy() == (True, f"1 of 2 Rasa replicas down: {B} (unreachable (connection refused))")
    fakes[A].state = "refused"
    ok, detail = await pool.is_healthy()
    assert not ok
    assert detail.startswith("unreachable: 2 of 2 Rasa replicas down: "), "read as 'starting' at start-up"
    assert A in detail and B in detail


async def test_one_replica_reports_like_a_single_rasa() -> None:
    pool, fakes = pool_of(A)
    fakes[A].state = "refused"
    assert await pool.is_healthy() == (False, "unreachable (connection refused)")
    assert health_detail([(A, False, "not responding (no answer within 3 s)"), (B, True, "ok")]) == (
        f"1 of 2 Rasa replicas down: {A} (not responding (no answer within 3 s))"
    )


async def test_aclose_closes_every_replica() -> None:
    pool, fakes = pool_of(A, B)
    await pool.aclose()
    assert all(fake.closed for fake in fakes.values())


def test_a_pool_needs_a_replica() -> None:
    with pytest.raises(ValueError, match="at least one"):
        RasaPool({})


def answering(status: int = 200, error: Exception | None = None) -> httpx.MockTransport:
    def handle(request: httpx.Request) -> httpx.Response:
        if error is not None:
            raise error
        return httpx.Response(status, json=[{"recipient_id": "s", "text": "Hej!"}])

    return httpx.MockTransport(handle)


@pytest.mark.parametrize(
    ("transport", "reason"),
    [
        (answering(error=httpx.ConnectError("[Errno 111] Connection refused")), "connection refused"),
        (answering(error=httpx.RemoteProtocolError("Server disconnected without sending a response.")), None),
        (answering(error=httpx.ReadError("Connection reset by peer")), "ReadError"),
        (answering(error=httpx.WriteError("Broken pipe")), "WriteError"),
        (answering(502), "HTTP 502"),
        (answering(503), "HTTP 503"),
    ],
)
async def test_http_client_says_when_the_message_was_not_handled(
    transport: httpx.MockTransport, reason: str | None
) -> None:
    client = HttpRasaClient(A, 1.0, 1.0, transport=transport)
    with pytest.raises(RasaNotReachedError) as raised:
        await client.send("s", "hej", {})
    assert raised.value.reason == (reason or "RemoteProtocolError")
    await client.aclose()


@pytest.mark.parametrize("transport", [answering(error=httpx.ReadTimeout("timed out")), answering(504), answering(500)])
async def test_http_client_timeouts_and_errors_are_plain_unavailable(transport: httpx.MockTransport) -> None:
    client = HttpRasaClient(A, 1.0, 1.0, transport=transport)
    with pytest.raises(RasaUnavailableError) as raised:
        await client.send("s", "hej", {})
    assert not isinstance(raised.value, RasaNotReachedError)
    await client.aclose()


async def test_pool_over_http_fails_over_from_a_closed_port() -> None:
    # A port nothing listens on: the real refusal, through httpx's own transport.
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{sock.getsockname()[1]}"
    down = HttpRasaClient(closed, 2.0, 2.0)
    up = HttpRasaClient(B, 2.0, 2.0, transport=answering())
    pool = RasaPool({closed: down, B: up})
    session = session_first_on(closed, [closed, B])
    assert await pool.send(session, "hej", {}) == [{"recipient_id": "s", "text": "Hej!"}]
    ok, detail = await pool.is_healthy()
    assert ok and detail == f"1 of 2 Rasa replicas down: {closed} (unreachable (connection refused))"
    await pool.aclose()
