"""Calibrated confidence that a search hit is the right guide for the question.

Raw scores do not mean the same across queries (an RRF score is only a rank, a
cosine drifts with query length), so a small logistic model turns the evidence
of a hit into a probability. It is fitted on the calibration split of the
labelled questions (``make calibrate``) and stored in ``kb/calibration.json``;
the dialogue compares that probability with one threshold.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from kb.decision import Thresholds
from kb.passages import PassageWeights

CALIBRATION_FILE = Path(__file__).resolve().parent / "calibration.json"
FEATURES = ("dense", "dense_margin", "lexical_share", "log_lexical", "char_share", "first_votes", "in_scope")


@dataclass(frozen=True)
class Evidence:
    """What the rankers say about one hit."""

    dense: float
    dense_margin: float
    lexical: float
    lexical_share: float
    char_share: float
    first_votes: int  # how many rankers put this guide first
    in_scope: float = 0.0  # the scope classifier's squashed logit, -1..1 (kb.scope)

    def features(self) -> tuple[float, ...]:
        return (
            self.dense,
            self.dense_margin,
            self.lexical_share,
            math.log1p(self.lexical),
            self.char_share,
            float(self.first_votes),
            self.in_scope,
        )


@dataclass(frozen=True)
class LogisticModel:
    """p = sigmoid(bias + Σ weight·feature), over ``FEATURES``."""

    weights: tuple[float, ...]
    bias: float

    def probability(self, features: Sequence[float]) -> float:
        z = self.bias + sum(w * x for w, x in zip(self.weights, features, strict=True))
        return 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, z))))


# Before any fit: dense cosine carries the signal (e5 cosines of a right match sit
# around 0.9+), agreement between the rankers adds to it. Replaced by `make calibrate`.
_UNFITTED = LogisticModel(weights=(30.0, 10.0, 0.5, 0.3, 0.5, 1.0, 2.0), bias=-28.0)


# Used until `make calibrate` has stored thresholds chosen on the dev set: an even chance of
# being right, and the scope score's own boundary.
DEFAULT_THRESHOLD = 0.5
DEFAULT_SCOPE_THRESHOLD = 0.0


@dataclass
class Calibration:
    """One logistic model per search mode (hybrid, dense, lexical), and the chosen answer threshold."""

    models: dict[str, LogisticModel] = field(default_factory=dict)
    thresholds: dict[str, float] = field(default_factory=dict)

    def confidence(self, evidence: Evidence, mode: str = "hybrid") -> float:
        return self.models.get(mode, _UNFITTED).probability(evidence.features())

    def threshold(self, mode: str = "hybrid") -> float:
        """The lowest confidence (or, for "scope", scope score) the bot answers from."""
        return self.thresholds.get(mode, DEFAULT_SCOPE_THRESHOLD if mode == "scope" else DEFAULT_THRESHOLD)

    def save(self, path: Path = CALIBRATION_FILE) -> None:
        data = {mode: {"weights": list(m.weights), "bias": m.bias} for mode, m in sorted(self.models.items())}
        payload = {"features": list(FEATURES), "models": data, "thresholds": dict(sorted(self.thresholds.items()))}
        path.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")

    def passage_weights(self) -> PassageWeights:
        """How a guide's passage is chosen (kb.passages), as `make calibrate` fitted it."""
        default = PassageWeights()
        return PassageWeights(
            lexical=self.thresholds.get("passage_lexical", default.lexical),
            short_answer_prior=self.thresholds.get("passage_prior", default.short_answer_prior),
        )

    def decision_thresholds(self, configured_answer_bar: float | None = None) -> Thresholds:
        """The answer decision's thresholds (kb.decision), in one place."""
        return Thresholds(answer=self.answer_bar(configured_answer_bar), scope=self.threshold("scope"))

    def answer_bar(self, configured: float | None = None) -> float:
        """The bar the bot answers from: the configured one, else the one `make calibrate` chose."""
        return configured if configured is not None else self.threshold()

    @classmethod
    def load(cls, path: Path = CALIBRATION_FILE) -> Calibration:
        """The stored calibration, or the unfitted default when there is none yet."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return cls()
        if tuple(data.get("features", ())) != FEATURES:
            raise ValueError(f"{path} was fitted on other features; run 'make calibrate'")
        return cls(
            {mode: LogisticModel(tuple(m["weights"]), float(m["bias"])) for mode, m in data["models"].items()},
            {mode: float(t) for mode, t in data.get("thresholds", {}).items()},
        )


def fit_logistic(rows: Sequence[Evidence], correct: Sequence[bool]) -> LogisticModel:
    """Fit p(correct | evidence) with L2-regularised logistic regression on standardised features.

    Standardising matters: a cosine that varies over 0.85–0.97 would otherwise be flattened by
    the regularisation. The scaling is folded back into the weights, so applying the model
    needs no scaler.
    """
    from sklearn.linear_model import LogisticRegression

    features = np.asarray([r.features() for r in rows], dtype=float)
    mean, std = features.mean(axis=0), features.std(axis=0)
    std[std == 0] = 1.0
    model = LogisticRegression(C=1.0, max_iter=1000)
    model.fit((features - mean) / std, [int(c) for c in correct])
    weights = model.coef_[0] / std
    bias = float(model.intercept_[0] - np.sum(model.coef_[0] * mean / std))
    return LogisticModel(tuple(float(w) for w in weights), bias)
