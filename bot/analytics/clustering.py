"""Questions that mean the same, found together: e5 query vectors clustered by scikit-learn
(agglomerative, cosine distance, average linkage, ``DISTANCE_THRESHOLD``).

Both weeks a report compares are clustered at once, so a group means the same in each; every
cluster is named by its most central question (bot.analytics.groups keeps them across weeks).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.cluster import AgglomerativeClustering

from bot.analytics.rows import TurnRow, is_unanswered
from bot.analytics.vectors import Vectors, embed_questions
from kb.embedder import Embedder

# Two questions (or groups, on average) closer than this cosine distance are one group. Tuned
# on tests/unit/bot/analytics/paraphrases.py with multilingual-e5-small's query vectors: 0.10
# gives the best agreement with the labels (adjusted Rand 0.76, pairwise precision and recall
# 0.78); 0.09 splits paraphrases, 0.11 merges different questions on the same thing ("mistet
# kørekort" and "mistet sundhedskort" are 0.97 alike to this model).
DISTANCE_THRESHOLD = 0.10
# At most this many distinct questions are clustered (the pairwise distances grow with its square);
# the rarer ones join the nearest group, or stand alone.
MAX_CLUSTERED = 2_000


@dataclass(frozen=True)
class Cluster:
    """Questions that mean the same, with how often each was asked this week and the week before."""

    label: str
    centroid: Vectors
    this_week: Counter[str]
    last_week: Counter[str]


def _text(question: str) -> str:
    return " ".join(question.split())


def unanswered_counts(turns: Sequence[TurnRow]) -> Counter[str]:
    """The distinct unanswered questions among these turns, with how often each was asked."""
    return Counter(_text(turn.question) for turn in turns if is_unanswered(turn))


def _unit(vector: Vectors) -> Vectors:
    norm = float(np.linalg.norm(vector))
    return vector / norm if norm else vector


def cluster_labels(vectors: Vectors, threshold: float = DISTANCE_THRESHOLD) -> list[int]:
    """Agglomerative clustering of unit vectors (cosine, average linkage): one label per row."""
    if len(vectors) < 2:
        return [0] * len(vectors)
    model = AgglomerativeClustering(n_clusters=None, metric="cosine", linkage="average", distance_threshold=threshold)
    return [int(label) for label in model.fit_predict(vectors)]


def cluster_questions(
    this_week: Counter[str], last_week: Counter[str], embedder: Embedder, threshold: float = DISTANCE_THRESHOLD
) -> list[Cluster]:
    """Both weeks' questions clustered together; each cluster named by its most central question."""
    weight = this_week + last_week
    texts = [text for text, _ in sorted(weight.items(), key=lambda item: (-item[1], item[0]))]
    if not texts:
        return []
    vectors = embed_questions(embedder, texts)
    head = min(len(texts), MAX_CLUSTERED)
    labels = cluster_labels(vectors[:head], threshold)
    members: dict[int, list[int]] = {}
    for row, label in enumerate(labels):
        members.setdefault(label, []).append(row)
    if head < len(texts):
        _attach_rest(vectors, head, members, threshold)
    clusters = []
    for rows in members.values():
        counts = np.array([weight[texts[row]] for row in rows], dtype=np.float32)
        block = vectors[rows]
        # The most central question: the highest count-weighted mean similarity to the others.
        central = rows[int(np.argmax((block @ block.T) @ counts))]
        clusters.append(
            Cluster(
                label=texts[central],
                centroid=_unit((block * counts[:, None]).sum(axis=0)),
                this_week=Counter({texts[r]: this_week[texts[r]] for r in rows if this_week[texts[r]]}),
                last_week=Counter({texts[r]: last_week[texts[r]] for r in rows if last_week[texts[r]]}),
            )
        )
    return clusters


def _attach_rest(vectors: Vectors, head: int, members: dict[int, list[int]], threshold: float) -> None:
    """Questions past MAX_CLUSTERED join the closest group within the threshold, or stand alone."""
    keys = list(members)
    centroids = np.stack([_unit(vectors[members[key]].sum(axis=0)) for key in keys])
    similarity = vectors[head:] @ centroids.T
    next_key = max(keys) + 1
    for offset, row in enumerate(range(head, len(vectors))):
        best = int(np.argmax(similarity[offset]))
        if 1.0 - float(similarity[offset, best]) < threshold:
            members[keys[best]].append(row)
        else:
            members[next_key] = [row]
            next_key += 1
