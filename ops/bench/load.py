"""Simulated citizens: concurrent multi-turn conversations over HTTP, each request timed."""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from ops.bench.conversations import MUNICIPALITY, WARM_UP, script_for
from ops.bench.memory import MemorySampler
from ops.bench.stats import Level, Sample, summarise

logger = logging.getLogger(__name__)

REQUEST_TIMEOUT_SECONDS = 60.0

# One message of a conversation: (client, conversation key or None, text) -> (HTTP status, key for the next turn).
Send = Callable[[httpx.AsyncClient, str | None, str], Awaitable[tuple[int, str | None]]]


@dataclass(frozen=True)
class System:
    """What is under load: where to send messages, how, and which processes to watch (name -> pid)."""

    name: str
    base_url: str
    send: Send
    pids: Mapping[str, int]


async def send_chat(http: httpx.AsyncClient, session_id: str | None, text: str) -> tuple[int, str | None]:
    """Our gateway's POST /api/v1/chat; the session id comes from the first reply."""
    body: dict[str, Any] = {"municipality": MUNICIPALITY, "message": text}
    if session_id:
        body["session_id"] = session_id
    reply = await http.post("/api/v1/chat", json=body)
    if reply.status_code in (200, 503):
        session_id = reply.json().get("session_id", session_id)
    return reply.status_code, session_id


async def send_rest(http: httpx.AsyncClient, sender: str | None, text: str) -> tuple[int, str | None]:
    """Rasa's REST channel, POST /webhooks/rest/webhook; the sender id is ours to pick per conversation."""
    sender = sender or uuid.uuid4().hex
    reply = await http.post("/webhooks/rest/webhook", json={"sender": sender, "message": text})
    reply.read()
    return reply.status_code, sender


async def _timed(system: System, http: httpx.AsyncClient, key: str | None, text: str) -> tuple[Sample, str | None]:
    started = time.perf_counter()
    try:
        status, key = await system.send(http, key, text)
    except (httpx.HTTPError, ValueError) as exc:  # ValueError: a body that is not JSON
        return Sample(time.perf_counter() - started, None, type(exc).__name__), key
    return Sample(time.perf_counter() - started, status), key


def _client(system: System, citizens: int) -> httpx.AsyncClient:
    limits = httpx.Limits(max_connections=citizens + 5, max_keepalive_connections=citizens + 5)
    return httpx.AsyncClient(base_url=system.base_url, timeout=REQUEST_TIMEOUT_SECONDS, limits=limits)


async def warm_up(system: System) -> None:
    """A few messages in one conversation, not counted."""
    async with _client(system, 1) as http:
        key: str | None = None
        for text in WARM_UP:
            sample, key = await _timed(system, http, key, text)
            logger.info("bench.warm_up", extra={"system": system.name, "status": sample.status, "error": sample.error})


async def converse(system: System, citizens: int, ticket: Callable[[], bool], record: Callable[[Sample], None]) -> None:
    """``citizens`` conversations at once, each asking ``ticket()`` before every message (False: it stops);
    every request's sample goes to ``record`` as it completes."""

    async def citizen(number: int, http: httpx.AsyncClient) -> None:
        round_ = 0
        while True:
            key: str | None = None
            for text in script_for(number, round_, citizens):
                if not ticket():
                    return
                sample, key = await _timed(system, http, key, text)
                record(sample)
            round_ += 1

    async with _client(system, citizens) as http:
        await asyncio.gather(*(citizen(n, http) for n in range(citizens)))


async def run_level(system: System, citizens: int, messages: int, cap_seconds: float) -> Level:
    """``citizens`` conversations at once until ``messages`` requests are sent or the time cap passes."""
    tickets = messages
    samples: list[Sample] = []
    started = time.perf_counter()
    deadline = started + cap_seconds
    capped = False

    def ticket() -> bool:
        nonlocal tickets, capped
        if tickets <= 0:
            return False
        if time.perf_counter() > deadline:
            capped = True
            return False
        tickets -= 1
        return True

    sampler = MemorySampler(system.pids)
    sampler.start()
    await converse(system, citizens, ticket, samples.append)
    seconds = time.perf_counter() - started
    memory = await sampler.finish()
    level = summarise(citizens, samples, seconds, capped, memory)
    logger.info(
        "bench.level.done",
        extra={
            "system": system.name,
            "citizens": citizens,
            "messages": level.messages,
            "errors": level.errors,
            "seconds": round(seconds, 1),
            "p50_ms": round(level.p50_ms),
            "messages_per_second": round(level.messages_per_second, 2),
        },
    )
    return level
