"""Question vectors for the question groups: e5 query vectors, kept by text between reports.

The report page is opened again and again over the same weeks; embedding only the questions it
has not seen keeps a reload fast.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from kb.embedder import Embedder

Vectors = npt.NDArray[np.float32]
# Vectors kept (about 1.5 KB each for e5-small's 384 dimensions).
MAX_KEPT = 50_000


def embed_questions(embedder: Embedder, texts: Sequence[str]) -> Vectors:
    """Unit query vectors of ``texts``, one row each."""
    if not texts:
        return np.zeros((0, embedder.dim), dtype=np.float32)
    return np.asarray(embedder.embed_queries(list(texts)), dtype=np.float32)


class CachedEmbedder:
    """An Embedder that keeps the query vectors it made (least recently used go first)."""

    def __init__(self, embedder: Embedder, max_kept: int = MAX_KEPT) -> None:
        self.embedder = embedder
        self.max_kept = max_kept
        self._kept: OrderedDict[str, Vectors] = OrderedDict()
        self._lock = threading.Lock()

    @property
    def model_id(self) -> str:
        return self.embedder.model_id

    @property
    def dim(self) -> int:
        return self.embedder.dim

    def embed_queries(self, texts: Sequence[str]) -> Vectors:
        with self._lock:
            missing = list(dict.fromkeys(t for t in texts if t not in self._kept))
        if missing:
            made = embed_questions(self.embedder, missing)
            with self._lock:
                for text, vector in zip(missing, made, strict=True):
                    self._kept[text] = vector
                while len(self._kept) > self.max_kept:
                    self._kept.popitem(last=False)
        with self._lock:
            rows = []
            for text in texts:
                vector = self._kept.get(text)
                if vector is None:  # pushed out by a bigger request meanwhile
                    vector = embed_questions(self.embedder, [text])[0]
                else:
                    self._kept.move_to_end(text)
                rows.append(vector)
        return np.stack(rows) if rows else np.zeros((0, self.dim), dtype=np.float32)

    def embed_passages(self, texts: Sequence[str]) -> Vectors:
        return np.asarray(self.embedder.embed_passages(texts), dtype=np.float32)
