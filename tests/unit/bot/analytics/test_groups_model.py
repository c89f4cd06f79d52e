"""The distance and matching thresholds with the real e5 model, on the labelled Danish paraphrases:
paraphrases together, different questions apart (as far as multilingual-e5-small tells them apart)."""

from __future__ import annotations

from collections import Counter
from itertools import combinations

import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score

from bot.analytics.clustering import cluster_labels, cluster_questions
from bot.analytics.groups import MATCH_SIMILARITY, StoredGroup, match_groups
from bot.analytics.vectors import embed_questions
from core.settings import Settings
from kb.embedder import Embedder, default_embedder
from kb.embedding.convert import ensure_model
from tests.unit.bot.analytics.paraphrases import PARAPHRASES
from tests.unit.bot.analytics.turn_rows import utc

TEXTS = [question for questions in PARAPHRASES.values() for question in questions]
LABELS = [label for label, questions in PARAPHRASES.items() for _ in questions]
# Questions this model keeps apart from every other subject of the set: they must come out exact.
DISTINCT = ("parkering", "storskrald", "navneændring", "boligstøtte", "forskudsopgørelse", "mitid-ny-telefon")


@pytest.fixture(scope="module")
def embedder() -> Embedder:
    return default_embedder(ensure_model(Settings().embedding_model_path))


def test_paraphrases_together_and_different_questions_apart(embedder: Embedder) -> None:
    found = cluster_labels(embed_questions(embedder, TEXTS))
    pairs = list(combinations(range(len(TEXTS)), 2))
    together = [(i, j) for i, j in pairs if found[i] == found[j]]
    same = [(i, j) for i, j in pairs if LABELS[i] == LABELS[j]]
    precision = len(set(together) & set(same)) / len(together)
    recall = len(set(together) & set(same)) / len(same)
    # Measured at the tuned threshold: 0.78 and 0.78 (adjusted Rand 0.76); a worse threshold drops one below.
    assert precision >= 0.75 and recall >= 0.75, (precision, recall)
    assert adjusted_rand_score(LABELS, found) >= 0.7
    for label in DISTINCT:
        mine = {found[i] for i, name in enumerate(LABELS) if name == label}
        others = {found[i] for i, name in enumerate(LABELS) if name != label}
        assert len(mine) == 1 and not mine & others, label


def test_a_group_is_recognised_next_week_from_other_words(embedder: Embedder) -> None:
    halves = {label: (qs[: len(qs) // 2], qs[len(qs) // 2 :]) for label, qs in PARAPHRASES.items()}
    stored = []
    for number, (label, (first, _)) in enumerate(halves.items()):
        (cluster,) = cluster_questions(Counter(first), Counter(), embedder, threshold=1.0)
        stored.append(StoredGroup(number, "k", label, cluster.centroid, "new", None, "2026-W47", utc(2026, 11, 1), "s"))
    week = [cluster_questions(Counter(second), Counter(), embedder, threshold=1.0)[0] for _, second in halves.values()]
    matched = match_groups(week, stored)
    assert {index: group.label for index, group in matched.items()} == dict(enumerate(halves))
    # A group not stored before is new, not another group's: most subjects have no look-alike above the bar.
    alone = 0
    for index in range(len(stored)):
        rest = stored[:index] + stored[index + 1 :]
        alone += not match_groups([week[index]], rest)
    assert alone >= 8, alone
    assert 0.9 < MATCH_SIMILARITY < 1.0


def test_cluster_centroids_are_unit_vectors(embedder: Embedder) -> None:
    clusters = cluster_questions(Counter(TEXTS), Counter(), embedder)
    assert all(abs(float(np.linalg.norm(c.centroid)) - 1.0) < 1e-5 for c in clusters)
