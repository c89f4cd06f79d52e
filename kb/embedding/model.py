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


def _quantized_layers(model: SentenceTransformer) -> set[str]:
    """Every Linear layer but each feed-forward block's output projection.

    That one reads the GELU's 1,536 outputs, whose outliers one int8 scale per call cannot hold:
    with it quantised too, queries moved to cosine 0.981 of full precision and the dev set's held-out
    top-1 answers that hold the fact fell from 0.813 to 0.795 (make eval-kb, 2026-12-03); without
    it they stay at cosine 0.996 for most of the speed.
    """
    import torch

    return {
        name
        for name, module in model.named_modules()
        if isinstance(module, torch.nn.Linear) and not (name.endswith("output.dense") and "attention" not in name)
    }


def quantize_int8(model: SentenceTransformer) -> SentenceTransformer:
    """Most Linear layers in int8 (weights per output channel, activations scaled per call)."""
    import torch
    from torch.ao.quantization import per_channel_dynamic_qconfig, quantize_dynamic

    with warnings.catch_warnings():
        # torch 2.13 announces, for this call and on every layer, that this API will move to torchao.
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.simplefilter("ignore", UserWarning)
        layers = dict.fromkeys(_quantized_layers(model), per_channel_dynamic_qconfig)
        quantized: SentenceTransformer = quantize_dynamic(model, layers, dtype=torch.qint8)  # type: ignore[no-untyped-call]
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
