"""Load the converted multilingual-e5-small offline and embed queries / passages.

e5 expects a "query: " or "passage: " prefix; the saved model carries these as
sentence-transformers prompts, so callers only pick the helper. The folder's marker
says whether it runs quantised (int8 Linear layers), so every process loading it,
index build and search alike, embeds with the same arithmetic.
"""

from __future__ import annotations

import json
import os
import warnings
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np
import numpy.typing as npt
from sentence_transformers import SentenceTransformer

from kb.embedding import INT8_DYNAMIC, MARKER_FILE

Embeddings = npt.NDArray[np.float32]


def runtime_quantization(path: Path) -> str | None:
    """How the folder's model is to run (None: as saved, full precision)."""
    try:
        marker = json.loads((path / MARKER_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    value = marker.get("runtime_quantization") if isinstance(marker, dict) else None
    if value not in (None, INT8_DYNAMIC):
        raise ValueError(f"{path / MARKER_FILE}: unknown runtime_quantization {value!r}")
    return value


def quantize_int8(model: SentenceTransformer) -> SentenceTransformer:
    """Every Linear layer in int8 with activations scaled per call (torch dynamic quantisation)."""
    import torch

    with warnings.catch_warnings():
        # torch 2.13 announces the quantised tensor API's future removal on every layer.
        warnings.filterwarnings("ignore", message=r".*quantize_per_tensor.*", category=UserWarning)
        quantized: SentenceTransformer = torch.ao.quantization.quantize_dynamic(
            model, {torch.nn.Linear}, dtype=torch.qint8
        )
    return quantized


@lru_cache(maxsize=4)
def _load(path: str) -> SentenceTransformer:
    model = SentenceTransformer(path, device="cpu", local_files_only=True)
    return quantize_int8(model) if runtime_quantization(Path(path)) == INT8_DYNAMIC else model


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
