"""Load the converted multilingual-e5-small offline and embed queries / passages.

e5 expects a "query: " or "passage: " prefix; the saved model carries these as
sentence-transformers prompts, so callers only pick the helper.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np
import numpy.typing as npt
from sentence_transformers import SentenceTransformer

Embeddings = npt.NDArray[np.float32]


@lru_cache(maxsize=4)
def _load(path: str) -> SentenceTransformer:
    return SentenceTransformer(path, device="cpu", local_files_only=True)


def load_model(path: Path) -> SentenceTransformer:
    """Load the sentence-transformers folder at ``path`` on CPU, never touching a hub; cached per path."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    if not (path / "modules.json").is_file():
        raise FileNotFoundError(f"no converted embedding model at {path}; run `python -m kb.embedding.convert`")
    return _load(str(path.resolve()))


def _embed(model: SentenceTransformer, texts: Sequence[str], prompt_name: str) -> Embeddings:
    dim = model.get_embedding_dimension() or 0
    if not texts:
        return np.zeros((0, dim), dtype=np.float32)
    vectors = model.encode(
        list(texts),
        prompt_name=prompt_name,
        convert_to_numpy=True,
        normalize_embeddings=True,
        show_progress_bar=False,
    )
    return np.asarray(vectors, dtype=np.float32)


def embed_queries(model: SentenceTransformer, texts: Sequence[str]) -> Embeddings:
    """L2-normalised float32 embeddings ``(len(texts), dim)`` with the "query: " prompt."""
    return _embed(model, texts, "query")


def embed_passages(model: SentenceTransformer, texts: Sequence[str]) -> Embeddings:
    """L2-normalised float32 embeddings ``(len(texts), dim)`` with the "passage: " prompt."""
    return _embed(model, texts, "passage")
