"""Search the published guide index: national guides plus one municipality's own, never another's.

Dense retrieval (e5 vectors in FAISS, a guide scored by its best chunk) and a
lexical ranker (BM25 over normalised, stemmed Danish) are fused by reciprocal
rank. Each hit carries a calibrated confidence (see ``kb.confidence``) so the
dialogue can say it does not know instead of guessing.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import bm25s
import faiss
import numpy as np

from kb.confidence import Calibration, Evidence
from kb.embedder import Embedder
from kb.index import INDEX_FORMAT, VECTORS_FILE
from kb.normalize import tokenize

logger = logging.getLogger(__name__)

Mode = Literal["hybrid", "dense", "lexical"]
RRF_K = 60
# How deep each ranker looks before fusion; the corpus is small, depth is cheap.
DENSE_DEPTH = 256


class IndexUnavailableError(RuntimeError):
    """No usable index is published: build it with ``make index``."""


@dataclass(frozen=True)
class SearchHit:
    """One guide that matches a query."""

    guide_id: str
    content_id: str
    title: str
    topic: str
    scope: str
    short_answer: str
    score: float
    confidence: float
    dense_score: float
    lexical_score: float
    last_reviewed: str
    links: list[dict[str, str]] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    evidence: Evidence | None = field(default=None, repr=False, compare=False)


class _LoadedIndex:
    """One published build in memory: vectors, chunk map, guide records and the lexical ranker."""

    def __init__(self, path: Path, model_id: str) -> None:
        manifest = json.loads((path / "manifest.json").read_text(encoding="utf-8"))
        if manifest.get("format") != INDEX_FORMAT:
            raise IndexUnavailableError(f"index at {path} has format {manifest.get('format')!r}; rebuild it")
        if manifest.get("model_id") != model_id:
            raise IndexUnavailableError(f"index at {path} was built with {manifest.get('model_id')!r}; rebuild it")
        self.vectors = faiss.read_index(str(path / VECTORS_FILE))
        chunks: dict[str, dict[str, str]] = json.loads((path / "chunks.json").read_text(encoding="utf-8"))
        guides: dict[str, dict[str, Any]] = json.loads((path / "guides.json").read_text(encoding="utf-8"))
        self.content_ids = sorted(guides)
        self.records = [guides[c] for c in self.content_ids]
        position = {content_id: i for i, content_id in enumerate(self.content_ids)}
        self.chunk_guide = {int(i): position[c["guide"]] for i, c in chunks.items()}
        self.bm25 = bm25s.BM25()
        # bm25s cannot index an empty document; a placeholder token keeps positions aligned.
        self.bm25.index([r["tokens"] or ["\x00"] for r in self.records], show_progress=False)


def _ranks(scores: dict[int, float]) -> dict[int, int]:
    ordered = sorted(scores, key=lambda i: -scores[i])
    return {guide: rank for rank, guide in enumerate(ordered, start=1)}


class GuideSearch:
    """Searches whatever index is published now; reloads when ``current`` is swapped."""

    def __init__(self, index_dir: Path, embedder: Embedder, calibration: Calibration | None = None) -> None:
        self.index_dir = index_dir
        self.embedder = embedder
        self.calibration = calibration or Calibration()
        self._lock = threading.Lock()
        self._target: str | None = None
        self._index: _LoadedIndex | None = None

    def _current(self) -> _LoadedIndex:
        link = self.index_dir / "current"
        try:
            target = os.readlink(link)
        except OSError as exc:
            raise IndexUnavailableError(f"no index published at {link}") from exc
        with self._lock:
            if self._index is None or target != self._target:
                self._index = _LoadedIndex(self.index_dir / target, self.embedder.model_id)
                self._target = target
                logger.info("kb.search.index_loaded", extra={"build": target, "guides": len(self._index.records)})
            return self._index

    def _dense(self, index: _LoadedIndex, query: str, allowed: set[int]) -> dict[int, float]:
        """Best chunk cosine per allowed guide."""
        if index.vectors.ntotal == 0:
            return {}
        vector = self.embedder.embed_queries([query])
        scores, ids = index.vectors.search(vector, min(DENSE_DEPTH, index.vectors.ntotal))
        best: dict[int, float] = {}
        for score, chunk in zip(scores[0], ids[0], strict=True):
            guide = index.chunk_guide.get(int(chunk))
            if guide is not None and guide in allowed and float(score) > best.get(guide, -1.0):
                best[guide] = float(score)
        return best

    def _lexical(self, index: _LoadedIndex, query: str, allowed: set[int]) -> dict[int, float]:
        tokens = tokenize(query)
        if not tokens:
            return {}
        scores = np.asarray(index.bm25.get_scores(tokens), dtype=float)
        return {i: float(scores[i]) for i in allowed if scores[i] > 0}

    def search(
        self, query: str, municipality: str, topic: str | None = None, k: int = 5, mode: Mode = "hybrid"
    ) -> list[SearchHit]:
        """Best guides for the query, never from another municipality's own guides."""
        index = self._current()
        allowed = {
            i
            for i, r in enumerate(index.records)
            if r["scope"] in ("national", municipality) and (topic is None or r["topic"] == topic)
        }
        if not query.strip() or not allowed:
            return []
        dense = self._dense(index, query, allowed) if mode != "lexical" else {}
        lexical = self._lexical(index, query, allowed) if mode != "dense" else {}
        dense_ranks, lexical_ranks = _ranks(dense), _ranks(lexical)
        fused = {
            guide: sum(1.0 / (RRF_K + ranks[guide]) for ranks in (dense_ranks, lexical_ranks) if guide in ranks)
            for guide in dense_ranks.keys() | lexical_ranks.keys()
        }
        ordered = sorted(fused, key=lambda g: (-fused[g], index.content_ids[g]))[:k]
        top_lexical = max(lexical.values(), default=0.0)
        top_two = sorted(dense.items(), key=lambda item: -item[1])[:2]
        hits = []
        for guide in ordered:
            best_other = next((score for other, score in top_two if other != guide), 0.0)
            evidence = Evidence(
                dense=dense.get(guide, 0.0),
                dense_margin=dense.get(guide, 0.0) - best_other,
                lexical=lexical.get(guide, 0.0),
                lexical_share=lexical.get(guide, 0.0) / top_lexical if top_lexical else 0.0,
                agree=dense_ranks.get(guide) == 1 and lexical_ranks.get(guide) == 1,
            )
            record = index.records[guide]
            hits.append(
                SearchHit(
                    guide_id=record["guide_id"],
                    content_id=index.content_ids[guide],
                    title=record["title"],
                    topic=record["topic"],
                    scope=record["scope"],
                    short_answer=record["short_answer"],
                    score=round(fused[guide], 6),
                    confidence=round(self.calibration.confidence(evidence, mode), 4),
                    dense_score=round(evidence.dense, 4),
                    lexical_score=round(evidence.lexical, 4),
                    last_reviewed=record["last_reviewed"],
                    links=record["links"],
                    sources=record["sources"],
                    evidence=evidence,
                )
            )
        return hits
