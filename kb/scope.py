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
import yaml

from kb.embedder import Embedder, Vectors
from kb.schema import Guide

TOPICAL_INTENTS = ("ask_pas", "ask_flytning", "ask_mitid", "ask_aabningstider")
NEGATIVE_INTENTS = ("out_of_scope", "greet", "goodbye", "thanks", "affirm", "deny", "bot_challenge", "request_human")
# Strong regularisation would flatten the boundary between near topics; C=10 keeps it sharp.
REGULARISATION_C = 10.0
_ENTITY = re.compile(r"\[([^\]]+)\]\([^)]+\)|\[([^\]]+)\]\{[^}]+\}")


@dataclass(frozen=True)
class ScopeExamples:
    in_scope: tuple[str, ...]
    out_of_scope: tuple[str, ...]

    def fingerprint(self) -> str:
        digest = hashlib.sha256()
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


@dataclass(frozen=True)
class ScopeModel:
    """p(in scope | query vector) = sigmoid(w·v + b)."""

    weights: tuple[float, ...]
    bias: float
    fingerprint: str

    def logit(self, vectors: Vectors) -> float:
        """The most in-scope reading among a query's variants (as typed, å/æ/ø restored)."""
        scores = vectors @ np.asarray(self.weights, dtype=np.float32) + self.bias
        return float(np.max(scores))

    def save(self, path: Path) -> None:
        data = {"weights": list(self.weights), "bias": self.bias, "fingerprint": self.fingerprint}
        path.write_text(json.dumps(data), encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> ScopeModel | None:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        return cls(tuple(data["weights"]), float(data["bias"]), str(data["fingerprint"]))


def train_scope_model(examples: ScopeExamples, embedder: Embedder) -> ScopeModel:
    """Fit the classifier on the examples' e5 query embeddings (deterministic)."""
    from sklearn.linear_model import LogisticRegression

    texts = [*examples.in_scope, *examples.out_of_scope]
    labels = [1] * len(examples.in_scope) + [0] * len(examples.out_of_scope)
    model = LogisticRegression(C=REGULARISATION_C, max_iter=2000, class_weight="balanced")
    model.fit(embedder.embed_queries(texts), labels)
    weights = tuple(float(w) for w in model.coef_[0])
    return ScopeModel(weights, float(model.intercept_[0]), examples.fingerprint())


def squash(logit: float) -> float:
    """A bounded feature from a logit, so one extreme query cannot dominate the calibration."""
    return math.tanh(logit / 4)
