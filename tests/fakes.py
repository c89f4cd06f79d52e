"""Fakes for unit tests; integration tests use the real servers."""

from __future__ import annotations

from typing import Any

from bot.rasa_client import RasaUnavailableError


class FakeRasa:
    """Records what it is sent and answers with canned REST-channel replies."""

    def __init__(self, replies: list[dict[str, Any]] | None = None, fail: bool = False) -> None:
        self.replies = replies if replies is not None else [{"recipient_id": "x", "text": "Hej!"}]
        self.fail = fail
        self.received: list[tuple[str, str, dict[str, Any]]] = []

    async def send(self, session_id: str, text: str, metadata: dict[str, Any]) -> list[dict[str, Any]]:
        if self.fail:
            raise RasaUnavailableError("fake outage")
        self.received.append((session_id, text, metadata))
        return self.replies

    async def is_healthy(self) -> tuple[bool, str]:
        return (not self.fail, "ok" if not self.fail else "down")
