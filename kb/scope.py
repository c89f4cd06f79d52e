"""Is a question within the guides' scope at all? A linear classifier on e5 query embeddings.

Positives are every guide's citizen questions and the NLU examples of the four topical
intents; negatives are the NLU examples of out_of_scope, chit-chat and asking for a human.
Its probability is one feature of the answer confidence, so an off-topic question that
merely resembles a guide (renewing a driving licence vs. a passport) is not answered from it.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
import yaml

from core.topics import TOPICAL_INTENTS
from kb.embedder import Embedder, Vectors
from kb.schema import Guide

NEGATIVE_INTENTS = ("out_of_scope", "greet", "goodbye", "thanks", "affirm", "deny", "bot_challenge", "request_human")
# Regularisation strengths tried; 5-fold cross-validation on the training examples (never the
# dev set) picks one. Near topics (driving licence vs passport) need a sharp, weakly regularised boundary.
REGULARISATION_GRID = (1.0, 3.0, 10.0, 30.0, 100.0, 300.0)
TRAINING_METHOD = "logistic-cv-roc-auc+neighbours-5"
SCOPE_FILE = "scope.json"
POSITIVES_FILE = "scope-in.npy"
NEGATIVES_FILE = "scope-out.npy"
_ENTITY = re.compile(r"\[([^\]]+)\]\([^)]+\)|\[([^\]]+)\]\{[^}]+\}")


@dataclass(frozen=True)
class ScopeExamples:
    in_scope: tuple[str, ...]
    out_of_scope: tuple[str, ...]

    def fingerprint(self) -> str:
        """Changes with the examples and with how the classifier is trained."""
        digest = hashlib.sha256(f"{TRAINING_METHOD}\0{REGULARISATION_GRID}".encode())
        for label, texts in (("in", self.in_scope), ("out", self.out_of_scope)):
            for text in texts:
                digest.update(f"{label}\0{text}\0".encode())
        return digest.hexdigest()[:16]


def nlu_examples(nlu_dir: Path) -> dict[str, list[str]]:
    """Training examples per intent from Rasa NLU files, with entity annotations reduced to their text."""
    examples: dict[str, list[str]] = {}
    for path in sorted(nlu_dir.glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for block in data.get("nlu", []):
            if "intent" not in block:
                continue
            lines = [line.strip()[2:].strip() for line in str(block.get("examples", "")).splitlines()]
            texts = [_ENTITY.sub(lambda m: m.group(1) or m.group(2), line) for line in lines if line]
            examples.setdefault(block["intent"], []).extend(texts)
    return examples


def scope_examples(guides: list[Guide], nlu_dir: Path) -> ScopeExamples:
    by_intent = nlu_examples(nlu_dir)
    positives = [q for g in guides for q in g.questions]
    positives += [t for intent in TOPICAL_INTENTS for t in by_intent.get(intent, [])]
    negatives = [t for intent in NEGATIVE_INTENTS for t in by_intent.get(intent, [])]
    return ScopeExamples(tuple(positives), tuple(negatives))


NEIGHBOURS = 5


def _neighbour_margin(vectors: Vectors, positives: Vectors, negatives: Vectors) -> npt.NDArray[np.float64]:
    """Mean cosine to the k nearest in-scope examples minus that to the k nearest out-of-scope ones."""

    def nearest(examples: Vectors) -> npt.NDArray[np.float64]:
        sims = vectors @ examples.T
        k = min(NEIGHBOURS, examples.shape[0])
        means: npt.NDArray[np.float64] = np.sort(sims, axis=1)[:, -k:].mean(axis=1).astype(np.float64)
        return means

    return nearest(positives) - nearest(negatives)


@dataclass(frozen=True)
class ScopeModel:
    """Two views of "in scope", each standardised on the training examples and summed.

    A logistic boundary over the embedding space, and the margin between the nearest in-scope
    and nearest out-of-scope examples (which follows local detail a linear boundary misses).
    Cross-validation on the training examples preferred the sum to either view alone.
    """

    weights: tuple[float, ...]
    bias: float
    positives: Vectors
    negatives: Vectors
    standardise: tuple[float, float, float, float]  # logistic mean, std; margin mean, std
    fingerprint: str

    def score(self, vectors: Vectors) -> float:
        """The most in-scope reading among a query's variants; around 0 on the boundary."""
        logistic = vectors @ np.asarray(self.weights, dtype=np.float32) + self.bias
        margin = _neighbour_margin(vectors, self.positives, self.negatives)
        lm, ls, mm, ms = self.standardise
        return float(np.max((logistic - lm) / ls + (margin - mm) / ms))

    def save(self, folder: Path) -> None:
        data = {
            "weights": list(self.weights),
            "bias": self.bias,
            "standardise": list(self.standardise),
            "fingerprint": self.fingerprint,
        }
        (folder / SCOPE_FILE).write_text(json.dumps(data), encoding="utf-8")
        np.save(folder / POSITIVES_FILE, self.positives)
        np.save(folder / NEGATIVES_FILE, self.negatives)

    @classmethod
    def load(cls, folder: Path) -> ScopeModel | None:
        try:
            data = json.loads((folder / SCOPE_FILE).read_text(encoding="utf-8"))
            positives, negatives = np.load(folder / POSITIVES_FILE), np.load(folder / NEGATIVES_FILE)
        except FileNotFoundError:
            return None
        lm, ls, mm, ms = (float(x) for x in data["standardise"])
        return cls(
            tuple(data["weights"]), float(data["bias"]), positives, negatives, (lm, ls, mm, ms), data["fingerprint"]
        )


def train_scope_model(examples: ScopeExamples, embedder: Embedder) -> ScopeModel:
    """Fit both views on the examples' e5 query embeddings (deterministic: unshuffled folds)."""
    from sklearn.linear_model import LogisticRegressionCV

    positives = embedder.embed_queries(list(examples.in_scope))
    negatives = embedder.embed_queries(list(examples.out_of_scope))
    vectors = np.vstack([positives, negatives])
    labels = [1] * len(positives) + [0] * len(negatives)
    model = LogisticRegressionCV(
        Cs=list(REGULARISATION_GRID),
        cv=5,
        scoring="roc_auc",
        max_iter=5000,
        class_weight="balanced",
        l1_ratios=(0.0,),  # plain L2
        use_legacy_attributes=False,
    )
    model.fit(vectors, labels)
    logistic = model.decision_function(vectors)
    margin = _neighbour_margin(vectors, positives, negatives)
    standardise = (float(logistic.mean()), float(logistic.std()), float(margin.mean()), float(margin.std()))
    weights = tuple(float(w) for w in model.coef_[0])
    return ScopeModel(weights, float(model.intercept_[0]), positives, negatives, standardise, examples.fingerprint())


def squash(score: float) -> float:
    """A bounded feature from a score, so one extreme query cannot dominate the calibration."""
    return math.tanh(score / 4)
