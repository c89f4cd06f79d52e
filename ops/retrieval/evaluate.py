"""``make eval-kb``: retrieval quality on the labelled dev set, dense vs lexical vs hybrid.

The dev set (``kb/eval/dev.yml``, read by ``ops.devset``) holds citizens' questions labelled with the guide
that answers them, and out-of-scope questions that no guide answers. Confidence is
calibrated with k-fold cross-validation: every figure printed is scored by a model
that did not see that question. ``--save`` then stores the fit on all questions.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from kb.confidence import Calibration, Evidence, LogisticModel, fit_logistic
from kb.search import GuideSearch, Mode
from ops.devset import DevCase

MODES: tuple[Mode, ...] = ("dense", "lexical", "hybrid")
FOLDS = 5


@dataclass(frozen=True)
class Outcome:
    question: DevCase
    ranked: list[str]  # guide ids, best first
    evidence: Evidence | None  # of the top hit
    scope: float | None = None  # the question's scope score

    @property
    def correct(self) -> bool:
        return self.question.guide is not None and bool(self.ranked) and self.ranked[0] == self.question.guide


def run_mode(search: GuideSearch, questions: Sequence[DevCase], mode: Mode) -> list[Outcome]:
    outcomes = []
    for question in questions:
        hits = search.search(question.text, municipality=question.municipality, k=5, mode=mode)
        top = hits[0] if hits else None
        outcomes.append(
            Outcome(question, [h.guide_id for h in hits], top.evidence if top else None, top.in_scope if top else None)
        )
    return outcomes


def cross_validated_confidence(outcomes: Sequence[Outcome], folds: int = FOLDS, seed: int = 7) -> list[float]:
    """Out-of-fold probability that each top hit is right."""
    order = list(range(len(outcomes)))
    random.Random(seed).shuffle(order)  # noqa: S311 (a repeatable fold split, not security)
    confidence = [0.0] * len(outcomes)
    for fold in range(folds):
        held_out = set(order[fold::folds])
        train = [o for i, o in enumerate(outcomes) if i not in held_out and o.evidence is not None]
        model = fit_logistic([o.evidence for o in train if o.evidence], [o.correct for o in train])
        for i in held_out:
            evidence = outcomes[i].evidence
            confidence[i] = model.probability(evidence.features()) if evidence else 0.0
    return confidence


def fit_all(outcomes: Sequence[Outcome]) -> LogisticModel:
    rows = [o for o in outcomes if o.evidence is not None]
    return fit_logistic([o.evidence for o in rows if o.evidence], [o.correct for o in rows])


@dataclass(frozen=True)
class Scores:
    hit1: float
    hit3: float
    mrr: float
    count: int


def ranking_scores(outcomes: Sequence[Outcome]) -> dict[str, Scores]:
    """hit@1, hit@3 and MRR of in-scope questions, per topic and overall ("alle")."""
    groups: dict[str, list[Outcome]] = defaultdict(list)
    for outcome in outcomes:
        if outcome.question.guide is not None:
            groups[outcome.question.topic or "?"].append(outcome)
            groups["alle"].append(outcome)
    result = {}
    for topic, group in sorted(groups.items()):
        ranks = [o.ranked.index(o.question.guide) + 1 if o.question.guide in o.ranked else 0 for o in group]
        result[topic] = Scores(
            hit1=sum(r == 1 for r in ranks) / len(ranks),
            hit3=sum(1 <= r <= 3 for r in ranks) / len(ranks),
            mrr=sum(1 / r for r in ranks if r) / len(ranks),
            count=len(ranks),
        )
    return result


@dataclass(frozen=True)
class Gate:
    threshold: float
    in_scope_kept: float
    out_of_scope_rejected: float
    wrong_answer_rate: float  # share of kept in-scope answers whose guide is wrong


def gate_at(outcomes: Sequence[Outcome], confidence: Sequence[float], threshold: float) -> Gate:
    in_scope = [(o, c) for o, c in zip(outcomes, confidence, strict=True) if o.question.guide is not None]
    out_scope = [c for o, c in zip(outcomes, confidence, strict=True) if o.question.guide is None]
    kept = [o for o, c in in_scope if c >= threshold]
    return Gate(
        threshold=threshold,
        in_scope_kept=len(kept) / max(1, len(in_scope)),
        out_of_scope_rejected=sum(c < threshold for c in out_scope) / max(1, len(out_scope)),
        wrong_answer_rate=sum(not o.correct for o in kept) / max(1, len(kept)),
    )


def choose_threshold(
    outcomes: Sequence[Outcome], confidence: Sequence[float], candidates_at: Sequence[float] | None = None
) -> Gate:
    """The threshold that rejects the most out-of-scope questions while keeping ≥ 95 % of in-scope ones."""
    thresholds = candidates_at if candidates_at is not None else [t / 100 for t in range(1, 100)]
    candidates = [gate_at(outcomes, confidence, t) for t in thresholds]
    acceptable = [g for g in candidates if g.in_scope_kept >= 0.95] or candidates[:1]
    return max(acceptable, key=lambda g: (g.out_of_scope_rejected, g.threshold))


def evaluate(search: GuideSearch, questions: Sequence[DevCase]) -> tuple[str, Calibration]:
    """The printed report for all three modes, and the calibration fitted on all questions."""
    lines = [
        f"Dev set: {sum(q.guide is not None for q in questions)} in scope, "
        f"{sum(q.guide is None for q in questions)} out of scope (confidence cross-validated, {FOLDS} folds)"
    ]
    fits: dict[str, LogisticModel] = {}
    gates: dict[str, Gate] = {}
    per_mode: dict[str, dict[str, Scores]] = {}
    outcomes_by_mode: dict[str, list[Outcome]] = {}
    for mode in MODES:
        outcomes = outcomes_by_mode[mode] = run_mode(search, questions, mode)
        per_mode[mode] = ranking_scores(outcomes)
        gates[mode] = choose_threshold(outcomes, cross_validated_confidence(outcomes))
        fits[mode] = fit_all(outcomes)
    topics = [*sorted({t for scores in per_mode.values() for t in scores if t != "alle"}), "alle"]
    lines.append("")
    lines.append(f"{'topic':<15}{'n':>5}  " + "  ".join(f"{m + ' h@1/h@3/MRR':<27}" for m in MODES))
    for topic in topics:
        count = per_mode["hybrid"][topic].count
        cells = [f"{s.hit1:.3f} / {s.hit3:.3f} / {s.mrr:.3f}    " for s in (per_mode[m][topic] for m in MODES)]
        lines.append(f"{topic:<15}{count:>5}  " + "  ".join(f"{c:<27}" for c in cells))
    lines.append("")
    lines.append(f"{'mode':<10}{'threshold':>10}{'in-scope kept':>15}{'oos rejected':>14}{'wrong answers':>15}")
    for mode in MODES:
        g = gates[mode]
        lines.append(
            f"{mode:<10}{g.threshold:>10.2f}{g.in_scope_kept:>15.3f}{g.out_of_scope_rejected:>14.3f}"
            f"{g.wrong_answer_rate:>15.3f}"
        )
    scope_outcomes = outcomes_by_mode["hybrid"]
    scores = [o.scope if o.scope is not None else float("-inf") for o in scope_outcomes]
    scope_gate = choose_threshold(scope_outcomes, scores, candidates_at=sorted({round(x, 2) for x in scores}))
    lines.append(
        f"{'scope':<10}{scope_gate.threshold:>10.2f}{scope_gate.in_scope_kept:>15.3f}"
        f"{scope_gate.out_of_scope_rejected:>14.3f}{'':>15}"
    )
    lines.append("(mode rows gate on answer confidence; 'scope' gates on the in-scope score alone)")
    thresholds = {mode: gate.threshold for mode, gate in gates.items()} | {"scope": scope_gate.threshold}
    return "\n".join(lines), Calibration(fits, thresholds)
