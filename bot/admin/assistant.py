"""The bot's search as the staff pages use it: loaded on first use, so the gateway stays light.

"Test a question" and the duplicate warning need the embedding model; a gateway that serves only
citizens never loads it.
"""

from __future__ import annotations

import logging
import tempfile
import threading
from functools import cached_property
from pathlib import Path

import numpy as np

from core.settings import Settings
from kb.check import DUPLICATE_SIMILARITY, may_overlap, question_similarity
from kb.confidence import Calibration
from kb.decision import Thresholds
from kb.embedder import Embedder, default_embedder
from kb.schema import Guide
from kb.search import GuideSearch

logger = logging.getLogger(__name__)
# Question vectors kept per guide version (content hash): a few KB each.
_MAX_CACHED_GUIDES = 2_000


class StaffAssistant:
    """Lazily loaded search tools: the published index, a draft's index, the guides' question vectors."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._lock = threading.Lock()
        self._questions: dict[str, np.ndarray] = {}
        self._draft: tuple[str, GuideSearch] | None = None
        self._workdir = tempfile.TemporaryDirectory(prefix="borgerbot-drafts-")

    @cached_property
    def embedder(self) -> Embedder:
        logger.info("admin.assistant.loading_model")
        return default_embedder(self.settings.embedding_model_path)

    @cached_property
    def calibration(self) -> Calibration:
        return Calibration.load()

    @cached_property
    def published(self) -> GuideSearch:
        return GuideSearch(self.settings.index_dir, self.embedder, self.calibration)

    @property
    def thresholds(self) -> Thresholds:
        return self.calibration.decision_thresholds(self.settings.min_answer_confidence)

    def draft(self, guides: list[Guide]) -> GuideSearch:
        """A search over the given guide set (the published ones with a draft in place); the last one is kept."""
        from kb.publish import draft_search

        key = "\0".join(sorted(g.content_hash for g in guides))
        with self._lock:
            if self._draft is None or self._draft[0] != key:
                folder = Path(self._workdir.name) / "draft"
                search = draft_search(guides, self.settings, self.embedder, self.calibration, folder)
                self._draft = (key, search)
            return self._draft[1]

    def _question_vectors(self, guide: Guide) -> np.ndarray:
        vectors = self._questions.get(guide.content_hash)
        if vectors is None:
            if len(self._questions) > _MAX_CACHED_GUIDES:
                self._questions.clear()
            vectors = self.embedder.embed_queries(guide.questions)
            self._questions[guide.content_hash] = vectors
        return vectors

    def duplicates(self, guide: Guide, others: list[Guide]) -> list[tuple[Guide, float]]:
        """Other guides that answer the same questions (as `make kb-check` judges it), closest first."""
        mine = self._question_vectors(guide)
        found = []
        for other in others:
            if other.id == guide.id or not may_overlap(guide, other):
                continue
            score = question_similarity(mine, self._question_vectors(other))
            if score >= DUPLICATE_SIMILARITY:
                found.append((other, score))
        return sorted(found, key=lambda pair: -pair[1])
