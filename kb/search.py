"""Search the published guide index: national guides plus one municipality's own, never another's.

Dense retrieval (e5 vectors in FAISS, a guide scored by its best chunk) and a
lexical ranker (BM25 over normalised, stemmed Danish) are fused by reciprocal
rank. Each hit carries a calibrated confidence (see ``kb.confidence``) so the
dialogue can say it does not know instead of guessing.
"""

from __future__ import annotations

import functools
import json
import logging
import math
import os
import threading
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal

import bm25s
import faiss
import numpy as np
from threadpoolctl import threadpool_limits

from kb.confidence import Calibration, Evidence
from kb.embedder import Embedder, Vectors
from kb.fees import Fee, render
from kb.hours import COPENHAGEN
from kb.layout import CHUNKS_FILE, FEES_BUILD_FILE, GUIDES_FILE, INDEX_FORMAT, MANIFEST_FILE, VECTORS_FILE
from kb.normalize import char_ngrams, restore_danish_letters, tokenize
from kb.passages import PassageEvidence, best_passage, passage_reply
from kb.scope import ScopeModel, squash

logger = logging.getLogger(__name__)

Mode = Literal["hybrid", "dense", "lexical"]
RRF_K = 60
POOL_TEMPERATURE = 0.02
# How deep each ranker looks before fusion; the corpus is small, depth is cheap.
DENSE_DEPTH = 256
# Query embeddings kept per process (a few KB each), so one question is embedded once per turn.
QUERY_CACHE = 64


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
    lexical_score: float
    in_scope: float | None  # the question's scope score (kb.scope): below the scope threshold it is off-topic
    last_reviewed: str
    links: list[dict[str, str]] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    evidence: Evidence | None = field(default=None, repr=False, compare=False)
    # The passage that answers (kb.passages): None heading = the short answer itself.
    passage_heading: str | None = None
    passage_text: str = ""
    passage_index: int = 0
    # Every passage of the guide as rendered, and the evidence the choice was made on (for make calibrate).
    passages: tuple[tuple[str | None, str], ...] = field(default=(), repr=False, compare=False)
    passage_evidence: tuple[PassageEvidence, ...] = field(default=(), repr=False, compare=False)

    @property
    def reply_text(self) -> str:
        """What the citizen reads (kb.passages.passage_reply)."""
        return passage_reply(self.short_answer, self.passage_heading, self.passage_text)


class _LoadedIndex:
    """One published build in memory: vectors, chunk map, guide records and the lexical rankers."""

    def __init__(self, path: Path, model_id: str) -> None:
        manifest = json.loads((path / MANIFEST_FILE).read_text(encoding="utf-8"))
        if manifest.get("format") != INDEX_FORMAT:
            raise IndexUnavailableError(f"index at {path} has format {manifest.get('format')!r}; rebuild it")
        if manifest.get("model_id") != model_id:
            raise IndexUnavailableError(f"index at {path} was built with {manifest.get('model_id')!r}; rebuild it")
        self.vectors = faiss.read_index(str(path / VECTORS_FILE))
        chunks: dict[str, dict[str, str]] = json.loads((path / CHUNKS_FILE).read_text(encoding="utf-8"))
        guides: dict[str, dict[str, Any]] = json.loads((path / GUIDES_FILE).read_text(encoding="utf-8"))
        self.content_ids = sorted(guides)
        self.records = [guides[c] for c in self.content_ids]
        position = {content_id: i for i, content_id in enumerate(self.content_ids)}
        self.chunk_guide = {int(i): position[c["guide"]] for i, c in chunks.items()}
        self.scope = ScopeModel.load(path)
        self.words = _bm25([r["tokens"] for r in self.records])
        self.chars = _bm25([r["char_ngrams"] for r in self.records])
        fees = json.loads((path / FEES_BUILD_FILE).read_text(encoding="utf-8"))
        self.fees = {fee_id: Fee.model_validate(fee) for fee_id, fee in fees.items()}
        # Every passage of every guide, in one list: its vector and its lexical tokens.
        self.passage_start: list[int] = []
        passage_chunks: list[int] = []
        passage_tokens: list[list[str]] = []
        for record in self.records:
            self.passage_start.append(len(passage_chunks))
            for passage in record["passages"]:
                passage_chunks.append(int(passage["chunk"]))
                passage_tokens.append(tokenize(f"{passage['heading'] or ''} {passage['text']}"))
        self.passage_vectors: Vectors = np.zeros((len(passage_chunks), self.vectors.d), dtype=np.float32)
        for row, chunk in enumerate(passage_chunks):
            self.passage_vectors[row] = self.vectors.reconstruct(chunk)
        self.passage_words = _bm25(passage_tokens)


def _bm25(documents: list[list[str]]) -> bm25s.BM25:
    ranker = bm25s.BM25()
    # bm25s cannot index an empty document; a placeholder token keeps positions aligned.
    ranker.index([tokens or ["\x00"] for tokens in documents], show_progress=False)
    return ranker


def _ranks(scores: dict[int, float]) -> dict[int, int]:
    ordered = sorted(scores, key=lambda i: -scores[i])
    return {guide: rank for rank, guide in enumerate(ordered, start=1)}


def pool_chunks(scores: list[float]) -> float:
    """A guide's dense score from its chunks' cosines: a soft maximum.

    Several chunks of one guide that match (a question and a section, say) count a
    little more than one lone match, which the plain maximum cannot tell apart.
    """
    top = max(scores)
    return top + POOL_TEMPERATURE * math.log(sum(math.exp((s - top) / POOL_TEMPERATURE) for s in scores))


class GuideSearch:
    """Searches whatever index is published now; reloads when ``current`` is swapped."""

    def __init__(self, index_dir: Path, embedder: Embedder, calibration: Calibration | None = None) -> None:
        # numpy's and faiss's BLAS threads would fight torch's OpenMP threads on a small machine
        # (p95 tripled on 2 cores); their matrices here are tiny, so one thread is fastest.
        threadpool_limits(limits=1, user_api="blas")
        self.index_dir = index_dir
        self.embedder = embedder
        self.calibration = calibration or Calibration()
        self._lock = threading.Lock()
        self._target: str | None = None
        self._index: _LoadedIndex | None = None
        self._cached_query_vectors = functools.lru_cache(maxsize=QUERY_CACHE)(self._embed_query)

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

    def query_vectors(self, query: str) -> Vectors:
        """The query as typed and with å, æ, ø restored (one row when they are the same).

        Kept for the last few queries: a question searched in NLU's topic and then in every
        topic (actions.guides.decide_for) is embedded once.
        """
        return self._cached_query_vectors(query)

    def _embed_query(self, query: str) -> Vectors:
        vectors = self.embedder.embed_queries(list(dict.fromkeys([query, restore_danish_letters(query)])))
        vectors.setflags(write=False)  # shared between searches: nobody may change it
        return vectors

    @staticmethod
    def _dense(index: _LoadedIndex, vectors: Vectors, allowed: set[int]) -> dict[int, float]:
        """Pooled chunk cosines per allowed guide, each chunk scored by its best query variant."""
        if index.vectors.ntotal == 0:
            return {}
        scores, ids = index.vectors.search(vectors, min(DENSE_DEPTH, index.vectors.ntotal))
        best_per_chunk: dict[int, float] = {}
        for row_scores, row_ids in zip(scores, ids, strict=True):
            for score, chunk in zip(row_scores, row_ids, strict=True):
                if chunk >= 0 and float(score) > best_per_chunk.get(int(chunk), -1.0):
                    best_per_chunk[int(chunk)] = float(score)
        per_guide: dict[int, list[float]] = {}
        for chunk, score in best_per_chunk.items():
            guide = index.chunk_guide.get(chunk)
            if guide is not None and guide in allowed:
                per_guide.setdefault(guide, []).append(score)
        return {guide: pool_chunks(chunk_scores) for guide, chunk_scores in per_guide.items()}

    @staticmethod
    def _lexical(ranker: bm25s.BM25, tokens: list[str], allowed: set[int]) -> dict[int, float]:
        if not tokens:
            return {}
        scores = np.asarray(ranker.get_scores(tokens), dtype=float)
        return {i: float(scores[i]) for i in allowed if scores[i] > 0}

    @staticmethod
    def _passage_evidence(
        index: _LoadedIndex, guide: int, vectors: Vectors | None, passage_lexical: np.ndarray | None
    ) -> list[PassageEvidence]:
        """What the rankers say about each passage of one guide."""
        record = index.records[guide]
        start = index.passage_start[guide]
        rows = range(start, start + len(record["passages"]))
        dense = (
            (vectors @ index.passage_vectors[start : rows.stop].T).max(axis=0)
            if vectors is not None
            else np.zeros(len(rows))
        )
        evidence = [
            PassageEvidence(
                dense=float(dense[i - start]),
                lexical=float(passage_lexical[i]) if passage_lexical is not None else 0.0,
                is_short_answer=i == start,
            )
            for i in rows
        ]
        return evidence

    @staticmethod
    def today() -> date:
        return datetime.now(COPENHAGEN).date()

    def guide(self, guide_id: str, municipality: str) -> SearchHit | None:
        """One guide by id, as a hit the citizen chose themselves (confidence 1)."""
        index = self._current()
        today = self.today()
        for position, record in enumerate(index.records):
            if record["guide_id"] == guide_id and record["scope"] in ("national", municipality):
                short_answer = render(record["short_answer"], index.fees, today)
                return SearchHit(
                    guide_id=guide_id,
                    content_id=index.content_ids[position],
                    title=record["title"],
                    topic=record["topic"],
                    scope=record["scope"],
                    short_answer=short_answer,
                    passage_text=short_answer,
                    score=1.0,
                    confidence=1.0,
                    lexical_score=0.0,
                    in_scope=None,
                    last_reviewed=record["last_reviewed"],
                    links=record["links"],
                    sources=record["sources"],
                )
        return None

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
        vectors = self.query_vectors(query) if mode != "lexical" else None
        dense = self._dense(index, vectors, allowed) if vectors is not None else {}
        # Without a scope classifier (or vectors) there is no scope evidence: neutral.
        in_scope = index.scope.score(vectors) if index.scope and vectors is not None else None
        words = self._lexical(index.words, tokenize(query), allowed) if mode != "dense" else {}
        chars = self._lexical(index.chars, char_ngrams(query), allowed) if mode != "dense" else {}
        rankings = [_ranks(scores) for scores in (dense, words, chars)]
        fused = {
            guide: sum(1.0 / (RRF_K + ranks[guide]) for ranks in rankings if guide in ranks)
            for guide in set().union(*rankings)
        }
        ordered = sorted(fused, key=lambda g: (-fused[g], index.content_ids[g]))[:k]
        query_tokens = tokenize(query)
        passage_lexical = (
            np.asarray(index.passage_words.get_scores(query_tokens), dtype=float)
            if query_tokens and mode != "dense"
            else None
        )
        today = self.today()
        top_words, top_chars = max(words.values(), default=0.0), max(chars.values(), default=0.0)
        top_two = sorted(dense.items(), key=lambda item: -item[1])[:2]
        hits = []
        for guide in ordered:
            best_other = next((score for other, score in top_two if other != guide), 0.0)
            evidence = Evidence(
                dense=dense.get(guide, 0.0),
                dense_margin=dense.get(guide, 0.0) - best_other,
                lexical=words.get(guide, 0.0),
                lexical_share=words.get(guide, 0.0) / top_words if top_words else 0.0,
                char_share=chars.get(guide, 0.0) / top_chars if top_chars else 0.0,
                first_votes=sum(ranks.get(guide) == 1 for ranks in rankings),
                in_scope=squash(in_scope) if in_scope is not None else 0.0,
            )
            record = index.records[guide]
            passage_evidence = self._passage_evidence(index, guide, vectors, passage_lexical)
            chosen = best_passage(passage_evidence, self.calibration.passage_weights())
            passages = tuple((p["heading"], render(p["text"], index.fees, today)) for p in record["passages"])
            hits.append(
                SearchHit(
                    guide_id=record["guide_id"],
                    content_id=index.content_ids[guide],
                    title=record["title"],
                    topic=record["topic"],
                    scope=record["scope"],
                    short_answer=render(record["short_answer"], index.fees, today),
                    passage_heading=passages[chosen][0],
                    passage_text=passages[chosen][1],
                    passage_index=chosen,
                    passages=passages,
                    passage_evidence=tuple(passage_evidence),
                    score=round(fused[guide], 6),
                    confidence=round(self.calibration.confidence(evidence, mode), 4),
                    lexical_score=round(evidence.lexical, 4),
                    in_scope=round(in_scope, 4) if in_scope is not None else None,
                    last_reviewed=record["last_reviewed"],
                    links=record["links"],
                    sources=record["sources"],
                    evidence=evidence,
                )
            )
        return hits
