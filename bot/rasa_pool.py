"""Several Rasa replicas behind one ``RasaClient``: each conversation to one replica, with failover.

Rasa's open-source Redis lock store does not keep two replicas from handling messages of the
same conversation at once (RasaHQ/rasa#9213), so every message of a conversation goes to the
same replica while it is up. When that replica is down the conversation moves to the next one
in its order; the replicas share the SQL tracker store, so it continues there.

Routing is rendezvous (highest-random-weight) hashing, ``replica_order``: each replica's weight
for a session is a hash of the two, the session goes to the heaviest. It is a pure function
of the session id and the URLs (blake2b, never Python's salted ``hash()``), so every gateway
process picks the same replica, and removing a replica moves only the sessions it had: each
other session's heaviest replica is unchanged.

Failover, ``RasaPool.send``: the replicas are tried in the session's order, and the next one is
tried only when the message surely was not handled, or the connection broke before any answer
(``RasaNotReachedError``: connection refused, reset or closed, a proxy's 502/503). A replica
killed mid-message has lost its work with it; one that is merely slow still has it. So a read
timeout is never retried: the replica may still be handling the message and a second replica
would handle it twice (two answers, two tracker updates); it raises ``RasaUnavailableError``.
A replica that was not reached is skipped for ``COOL_DOWN_SECONDS`` so that later messages do
not each wait for it, then tried again first for its sessions. Replicas cooling down are still
tried, last and in order, when every other one failed: a message is never refused untried.
A replica being drained for a restart (bot.rasa_drain) is passed over the same way.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Protocol

from bot.rasa_client import HttpRasaClient, RasaClient, RasaNotReachedError, RasaUnavailableError
from bot.rasa_drain import DrainList, NoDrain

logger = logging.getLogger(__name__)

# How long a replica that was not reached is passed over; short, as Rasa restarts in a minute or
# two and a replica back up should get its conversations back soon.
COOL_DOWN_SECONDS = 5.0


class Replica(RasaClient, Protocol):
    """A Rasa client the pool owns and closes."""

    async def aclose(self) -> None: ...


def replica_weight(session_id: str, url: str) -> int:
    """The replica's rendezvous weight for a session: 64 bits of blake2b over both, stable everywhere."""
    # NUL cannot occur in a URL, so no other (url, session) pair gives the same bytes.
    key = f"{url}\0{session_id}".encode("utf-8", "surrogatepass")
    return int.from_bytes(hashlib.blake2b(key, digest_size=8).digest(), "big")


def replica_order(session_id: str, urls: Iterable[str]) -> list[str]:
    """The replicas in the order a session tries them: heaviest rendezvous weight first.

    The same for every process and every order of ``urls``; ties (never seen with 64 bits) go to
    the greater URL, so the order is total.
    """
    return sorted(urls, key=lambda url: (replica_weight(session_id, url), url), reverse=True)


def health_detail(results: Sequence[tuple[str, bool, str]]) -> str:
    """The pool's health detail from each replica's (url, ok, detail).

    One replica: its own detail, as with a single Rasa. Several: "ok", or which are down, e.g.
    "1 of 2 Rasa replicas down: http://10.0.0.2:5005 (unreachable (connection refused))". When
    all are unreachable the detail starts with "unreachable", which the health endpoint reads
    as "still starting" during the start-up window (bot.api.health.judge).
    """
    if len(results) == 1:
        return results[0][2]
    down = [(url, detail) for url, ok, detail in results if not ok]
    if not down:
        return "ok"
    text = f"{len(down)} of {len(results)} Rasa replicas down: " + ", ".join(f"{u} ({d})" for u, d in down)
    if len(down) == len(results) and all(detail.startswith("unreachable") for _, detail in down):
        return f"unreachable: {text}"
    return text


class RasaPool:
    """A ``RasaClient`` over several replicas, by URL: see the module docstring for the rules."""

    def __init__(
        self,
        replicas: Mapping[str, Replica],
        clock: Callable[[], float] = time.monotonic,
        cool_down: float = COOL_DOWN_SECONDS,
        drain: DrainList | None = None,
    ) -> None:
        if not replicas:
            raise ValueError("a Rasa pool needs at least one replica")
        self._replicas = dict(replicas)
        self._clock = clock
        self._cool_down = cool_down
        self._drain = drain or NoDrain()
        # Replicas not reached, until when they are passed over; a replica stays here (down)
        # after its cool-down until it answers again, so down and up are each logged once.
        self._down_until: dict[str, float] = {}

    @classmethod
    def over_http(
        cls, urls: Sequence[str], timeout: float, health_timeout: float, drain: DrainList | None = None
    ) -> RasaPool:
        """One ``HttpRasaClient`` per URL (duplicates once)."""
        replicas = {url: HttpRasaClient(url, timeout, health_timeout) for url in dict.fromkeys(urls)}
        return cls(replicas, drain=drain)

    @property
    def urls(self) -> list[str]:
        return list(self._replicas)

    def attempt_order(self, session_id: str, draining: frozenset[str] = frozenset()) -> list[str]:
        """The replicas a message of this session tries, in order: those not cooling down or drained first."""
        now = self._clock()
        order = replica_order(session_id, self._replicas)
        passed_over = [url for url in order if self._down_until.get(url, now) > now or url in draining]
        return [url for url in order if url not in passed_over] + passed_over

    async def send(self, session_id: str, text: str, metadata: dict[str, Any]) -> list[dict[str, Any]]:
        preferred = replica_order(session_id, self._replicas)[0]
        draining = await self._drain.draining()
        attempts = self.attempt_order(session_id, draining)
        why = "draining" if preferred in draining else "cooling down"
        previous, reason = (preferred, why) if attempts[0] != preferred else (None, "")
        failures: list[str] = []
        for url in attempts:
            if previous is not None:
                logger.info(
                    "rasa_pool.failover", extra={"session": session_id, "from": previous, "to": url, "reason": reason}
                )
            try:
                replies = await self._replicas[url].send(session_id, text, metadata)
            except RasaNotReachedError as exc:
                self._mark_down(url, exc.reason)
                failures.append(f"{url} ({exc.reason})")
                previous, reason = url, exc.reason
                continue
            except RasaUnavailableError as exc:
                # A timeout or an error answer: the message may have been handled, never resent.
                raise RasaUnavailableError(f"{url}: {exc}") from exc
            self._mark_up(url)
            return replies
        raise RasaNotReachedError(f"no Rasa replica reached: {', '.join(failures)}", "all replicas down")

    async def is_healthy(self) -> tuple[bool, str]:
        """Healthy when at least one replica answers its health check; the detail names those down."""
        urls = list(self._replicas)
        results = await asyncio.gather(*(self._replicas[url].is_healthy() for url in urls))
        checked = [(url, ok, detail) for url, (ok, detail) in zip(urls, results, strict=True)]
        return any(ok for _, ok, _ in checked), health_detail(checked)

    async def aclose(self) -> None:
        for replica in self._replicas.values():
            await replica.aclose()

    def _mark_down(self, url: str, reason: str) -> None:
        if url not in self._down_until:
            logger.warning(
                "rasa_pool.replica_down", extra={"replica": url, "reason": reason, "cool_down_s": self._cool_down}
            )
        self._down_until[url] = self._clock() + self._cool_down

    def _mark_up(self, url: str) -> None:
        if self._down_until.pop(url, None) is not None:
            logger.info("rasa_pool.replica_up", extra={"replica": url})
