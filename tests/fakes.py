"""Fakes for unit tests; integration tests use the real servers."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

import numpy as np

from bot.rasa_client import RasaUnavailableError
from kb.normalize import normalize


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
