"""The gateway's view of Rasa: send a message over the REST channel, check health."""

from __future__ import annotations

from typing import Any, Protocol

import httpx


class RasaUnavailableError(RuntimeError):
    """Rasa did not answer in time or answered with an error."""


class RasaNotReachedError(RasaUnavailableError):
    """The message surely did not reach Rasa, or the connection broke before any answer.

    Raised for a refused, reset or closed connection and for a proxy's 502/503; another replica
    may take the message (bot.rasa_pool). A read timeout is a plain RasaUnavailableError: the
    replica may still be handling the message, so it must not be sent again elsewhere.
    """

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        # A few words for logs and health details: "connection refused", "HTTP 503", "ReadError".
        self.reason = reason


# The transport errors after which the message was not delivered or no answer can come any more.
_NOT_REACHED = (httpx.ConnectError, httpx.ConnectTimeout, httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError)
# A proxy in front of Rasa answering for a replica it could not reach (504 is left out: the
# replica may be handling the message).
_PROXY_NOT_REACHED = frozenset({502, 503})


class RasaClient(Protocol):
    async def send(self, session_id: str, text: str, metadata: dict[str, Any]) -> list[dict[str, Any]]:
        """Send one user message; return Rasa's replies in REST-channel form."""
        ...

    async def is_healthy(self) -> tuple[bool, str]: ...


class HttpRasaClient:
    """Talks to ``rasa run`` on 127.0.0.1 through the REST input channel."""

    def __init__(
        self, base_url: str, timeout: float, health_timeout: float, transport: httpx.AsyncBaseTransport | None = None
    ) -> None:
        """``transport``: tests pass an ``httpx.MockTransport``; None is the network."""
        self.base_url = base_url
        self.timeout = timeout
        self.health_timeout = health_timeout
        self._http = httpx.AsyncClient(base_url=base_url, transport=transport)

    async def send(self, session_id: str, text: str, metadata: dict[str, Any]) -> list[dict[str, Any]]:
        try:
            response = await self._http.post(
                "/webhooks/rest/webhook",
                json={"sender": session_id, "message": text, "metadata": metadata},
                # Connecting is quick or not at all: a replica that never accepts is failed over
                # after the health timeout, not after the whole answer's timeout.
                timeout=httpx.Timeout(self.timeout, connect=min(self.health_timeout, self.timeout)),
            )
            response.raise_for_status()
            replies = response.json()
        except _NOT_REACHED as exc:
            raise RasaNotReachedError(f"{type(exc).__name__}: {exc}", _reason(exc)) from exc
        except httpx.HTTPStatusError as exc:
            code = exc.response.status_code
            if code in _PROXY_NOT_REACHED:
                raise RasaNotReachedError(f"{type(exc).__name__}: {exc}", f"HTTP {code}") from exc
            raise RasaUnavailableError(f"{type(exc).__name__}: {exc}") from exc
        except (httpx.HTTPError, ValueError) as exc:
            raise RasaUnavailableError(f"{type(exc).__name__}: {exc}") from exc
        if not isinstance(replies, list):
            raise RasaUnavailableError("Rasa answered with something other than a list")
        return replies

    async def is_healthy(self) -> tuple[bool, str]:
        return await probe(self._http, "/", self.health_timeout)

    async def aclose(self) -> None:
        await self._http.aclose()


async def probe(http: httpx.AsyncClient, path: str, timeout: float) -> tuple[bool, str]:
    """GET a health path; (ok, what went wrong in a few words: "unreachable (connection refused)" …)."""
    try:
        response = await http.get(path, timeout=timeout)
    except httpx.TimeoutException:
        return False, f"not responding (no answer within {timeout:g} s)"
    except httpx.ConnectError as exc:
        # Nothing listens on the port: the process is down, restarting or still loading.
        reason = "connection refused" if _refused(exc) else type(exc).__name__
        return False, f"unreachable ({reason})"
    except httpx.HTTPError as exc:
        return False, f"unreachable ({type(exc).__name__})"
    if response.status_code != 200:
        return False, f"error (HTTP {response.status_code})"
    return True, "ok"


def _reason(exc: httpx.HTTPError) -> str:
    """A not-reached error in a few words: "connection refused", or the error's name."""
    if isinstance(exc, httpx.ConnectError) and _refused(exc):
        return "connection refused"
    return type(exc).__name__


def _refused(exc: BaseException) -> bool:
    """Whether a connection error was a refusal; the async transport wraps it in "All connection attempts failed"."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ConnectionRefusedError) or "refused" in str(seen).lower():
            return True
        seen = seen.__cause__ or seen.__context__
    return False
