"""Fakes for unit tests; integration tests use the real servers."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import numpy as np

from bot.analytics.gateway_turns import GatewayTurn
from bot.rasa_client import RasaUnavailableError
from core.topics import topic_of_guide_id
from kb.confidence import Calibration
from kb.normalize import normalize
from kb.search import SearchHit


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


class FakeTurnRecorder:
    """Keeps the turns the gateway records itself (bot.analytics.gateway_turns), in order."""

    def __init__(self) -> None:
        self.turns: list[GatewayTurn] = []

    def record(self, turn: GatewayTurn) -> None:
        self.turns.append(turn)


class FakeEmbedder:
    """Deterministic bag of character trigrams, hashed into 256 dimensions and normalised.

    Texts that share words land near each other, which is all the index tests need.
    """

    model_id = "fake-trigrams-256"
    dim = 256

    def __init__(self) -> None:
        self.embedded: list[str] = []

    def _embed(self, texts: Sequence[str]) -> np.ndarray:
        self.embedded.extend(texts)
        vectors = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            padded = f"  {normalize(text)}  "
            for i in range(len(padded) - 2):
                bucket = int.from_bytes(hashlib.blake2b(padded[i : i + 3].encode(), digest_size=4).digest(), "big")
                vectors[row, bucket % self.dim] += 1.0
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return vectors / np.where(norms == 0, 1.0, norms)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._embed(texts)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._embed(texts)


def fake_hit(
    guide_id: str, confidence: float = 0.95, in_scope: float | None = 0.9, title: str | None = None
) -> SearchHit:
    """A search hit for a guide of the topic its id names, with the given confidence."""
    return SearchHit(
        guide_id=guide_id,
        content_id=hashlib.sha256(guide_id.encode()).hexdigest(),
        title=title or f"Vejledning {guide_id}",
        topic=topic_of_guide_id(guide_id),
        scope="national",
        short_answer=f"Det korte svar fra {guide_id}.",
        score=confidence,
        confidence=confidence,
        lexical_score=1.0,
        in_scope=in_scope,
        last_reviewed="2026-11-01",
        links=[{"title": "Læs mere på borger.dk", "url": "https://www.borger.dk/"}],
        sources=["https://www.borger.dk/"],
    )


class FakeGuideSearch:
    """The guide search as the actions see it: canned hits per query, and every query recorded.

    The actions' unit tests use it where what the search finds is not the point; a few tests
    keep the real index and model.
    """

    def __init__(self, hits: Sequence[SearchHit] = (), answer_bar: float = 0.5, scope_threshold: float = 0.3) -> None:
        self.hits = list(hits)
        self.calibration = Calibration(thresholds={"hybrid": answer_bar, "scope": scope_threshold})
        self.queries: list[tuple[str, str | None]] = []

    def search(
        self, query: str, municipality: str, topic: str | None = None, k: int = 5, mode: str = "hybrid"
    ) -> list[SearchHit]:
        self.queries.append((query, topic))
        return [h for h in self.hits if topic is None or h.topic == topic][:k]

    def guide(self, guide_id: str, municipality: str) -> SearchHit | None:
        found = next((h for h in self.hits if h.guide_id == guide_id), None) or fake_hit(guide_id)
        return replace(found, score=1.0, confidence=1.0, in_scope=None)
