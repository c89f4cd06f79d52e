"""Search the published guide index: national guides plus one municipality's own."""

from __future__ import annotations

import json
import logging
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import bm25s
import numpy as np

from kb.index import INDEX_FORMAT
from kb.normalize import tokenize

logger = logging.getLogger(__name__)


class IndexUnavailableError(RuntimeError):
    """No usable index is published: build it with ``make index``."""


@dataclass(frozen=True)
class SearchHit:
    """One guide that matches a query, with its lexical score."""

    guide_id: str
    content_id: str
    title: str
    topic: str
    scope: str
    short_answer: str
    score: float
    last_reviewed: str
    links: list[dict[str, str]] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)


class _LoadedIndex:
    def __init__(self, path: Path) -> None:
        manifest = json.loads((path / "manifest.json").read_text(encoding="utf-8"))
        if manifest.get("format") != INDEX_FORMAT:
            raise IndexUnavailableError(f"index at {path} has format {manifest.get('format')!r}")
        self.records: list[dict[str, Any]] = json.loads((path / "guides.json").read_text(encoding="utf-8"))
        self.bm25 = bm25s.BM25()
        # bm25s cannot index an empty document; a placeholder token keeps positions aligned.
        self.bm25.index([r["tokens"] or ["\x00"] for r in self.records], show_progress=False)


class GuideSearch:
    """Searches whatever index is published now; reloads when ``current`` is swapped."""

    def __init__(self, index_dir: Path) -> None:
        self.index_dir = index_dir
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
                self._index = _LoadedIndex(self.index_dir / target)
                self._target = target
                logger.info("kb.search.index_loaded", extra={"build": target, "guides": len(self._index.records)})
            return self._index

    def search(self, query: str, municipality: str, topic: str | None = None, k: int = 5) -> list[SearchHit]:
        """Best guides for the query, never from another municipality's own guides."""
        index = self._current()
        tokens = tokenize(query)
        if not tokens:
            return []
        scores = np.asarray(index.bm25.get_scores(tokens), dtype=float)
        hits = []
        for position in np.argsort(-scores):
            record = index.records[int(position)]
            score = float(scores[position])
            if score <= 0:
                break
            if record["scope"] not in ("national", municipality):
                continue
            if topic is not None and record["topic"] != topic:
                continue
            hits.append(
                SearchHit(
                    guide_id=record["guide_id"],
                    content_id=record["id"],
                    title=record["title"],
                    topic=record["topic"],
                    scope=record["scope"],
                    short_answer=record["short_answer"],
                    score=round(score, 4),
                    last_reviewed=record["last_reviewed"],
                    links=record["links"],
                    sources=record["sources"],
                )
            )
            if len(hits) == k:
                break
        return hits
