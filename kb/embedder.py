"""The embedding contract the index and search use, and its sentence-transformers implementation.

The index only needs vectors; keeping the model behind this protocol lets unit
tests use a small deterministic fake while integration tests use the real e5 model.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

Vectors = npt.NDArray[np.float32]


class Embedder(Protocol):
    """Turns texts into L2-normalised float32 rows; queries and passages may differ (e5 prompts)."""

    @property
    def model_id(self) -> str:
        """Names the exact model, so an index built with another model is never used."""
        ...

    @property
    def dim(self) -> int: ...

    def embed_queries(self, texts: Sequence[str]) -> Vectors: ...

    def embed_passages(self, texts: Sequence[str]) -> Vectors: ...


def model_fingerprint(path: Path) -> str:
    """A short hash of a model folder's configuration files: changes when the model does."""
    digest = hashlib.sha256()
    for name in ("config.json", "modules.json", "borgerbot-conversion.json", "tokenizer_config.json"):
        candidate = path / name
        if candidate.exists():
            digest.update(name.encode())
            digest.update(candidate.read_bytes())
    return digest.hexdigest()[:16]


class SentenceTransformerEmbedder:
    """multilingual-e5-small (or any sentence-transformers folder with query/passage prompts), offline."""

    def __init__(self, path: Path, batch_size: int = 32) -> None:
        self.path = path
        self.batch_size = batch_size
        self._model_id = f"{path.name}@{model_fingerprint(path)}"
        self._lock = threading.Lock()
        self._model: SentenceTransformer | None = None

    @property
    def model_id(self) -> str:
        return self._model_id

    @property
    def dim(self) -> int:
        return int(self.model.get_embedding_dimension() or 0)

    @property
    def model(self) -> SentenceTransformer:
        # Loaded on first use: importing the search must not cost a model load.
        with self._lock:
            if self._model is None:
                from kb.embedding.model import load_model

                self._model = load_model(self.path)
            return self._model

    def _encode(self, texts: Sequence[str], prompt_name: str) -> Vectors:
        vectors = self.model.encode(
            list(texts),
            prompt_name=prompt_name,
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32)

    def embed_queries(self, texts: Sequence[str]) -> Vectors:
        return self._encode(texts, "query")

    def embed_passages(self, texts: Sequence[str]) -> Vectors:
        return self._encode(texts, "passage")


@lru_cache(maxsize=2)
def default_embedder(path: Path) -> SentenceTransformerEmbedder:
    """One embedder per model folder and process (the model is ~470 MB in memory)."""
    return SentenceTransformerEmbedder(path)
