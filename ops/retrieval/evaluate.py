"""``make eval-kb`` and ``make calibrate``: retrieval quality on the labelled dev set, dense vs lexical vs hybrid.

The dev set (``kb/eval/dev.yml``, read by ``ops.devset``) holds citizens' questions labelled with
the facts a right reply holds (and the guide, where one is it), and out-of-scope questions that
no guide answers. A top hit counts as right when its chosen passage holds the fact (else, for
unlabelled cases, when it is the labelled guide). Everything is fitted on the tuning half only:
the confidence model, the answer and scope thresholds and the passage weights; figures are
printed for both halves. ``--save`` stores the fit in ``kb/calibration.json``.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace

from kb.confidence import Calibration, Evidence, LogisticModel, fit_logistic
from kb.passages import PassageWeights, best_passage, passage_reply
from kb.search import GuideSearch, Mode, SearchHit
from ops.devset import DevCase
from ops.facts import holds_fact

MODES: tuple[Mode, ...] = ("dense", "lexical", "hybrid")
FOLDS = 5


# Passage weights tried by make calibrate (kb.passages); the grid is cheap, the evidence is kept per hit.
LEXICAL_GRID = (0.0, 0.02, 0.05, 0.1, 0.2, 0.4)
PRIOR_GRID = (-1.0, -0.05, -0.02, 0.0, 0.02, 0.05)
# How much worse a confident miss (or an answered out-of-scope question) is than an honest hand-over.
MISS_COST = 3.0


@dataclass(frozen=True)
class Outcome:
    question: DevCase
    ranked: list[str]  # guide ids, best first
    evidence: Evidence | None  # of the top hit
    scope: float | None = None  # the question's scope score
    top: SearchHit | None = None
    weights: PassageWeights | None = None  # the passage weights fitted so far (else as the search chose)

    def reply(self, weights: PassageWeights | None = None) -> str:
        """The top hit's reply, with its passage chosen by ``weights`` (else as the search chose it)."""
        weights = weights or self.weights
        if self.top is None:
            return ""
        if weights is None or not self.top.passages:
            return self.top.reply_text
        heading, text = self.top.passages[best_passage(self.top.passage_evidence, weights)]
        return passage_reply(self.top.short_answer, heading, text)

    def holds_fact(self, weights: PassageWeights | None = None) -> bool | None:
        if not self.question.must_contain:
            return None
        return holds_fact(self.reply(weights), self.question.must_contain)

    @property
    def correct(self) -> bool:
        """The top hit's reply holds the fact; for a case with no fact label, it is the labelled guide."""
        held = self.holds_fact()
        if held is not None:
            return held
        return self.question.guide is not None and bool(self.ranked) and self.ranked[0] == self.question.guide


def run_mode(search: GuideSearch, questions: Sequence[DevCase], mode: Mode) -> list[Outcome]:
    outcomes = []
    for question in questions:
        hits = search.search(question.text, municipality=question.municipality, k=5, mode=mode)
        top = hits[0] if hits else None
        outcomes.append(
            Outcome(
                question,
                [h.guide_id for h in hits],
                top.evidence if top else None,
                top.in_scope if top else None,
                top,
            )
        )
    return outcomes


def fit_passage_weights(outcomes: Sequence[Outcome]) -> tuple[PassageWeights, float]:
    """The passage weights under which the most fact-labelled top hits hold their fact."""
    labelled = [o for o in outcomes if o.question.must_contain and o.top is not None]
    best, best_share = PassageWeights(), -1.0
    for lexical in LEXICAL_GRID:
        for prior in PRIOR_GRID:
            weights = PassageWeights(lexical=lexical, short_answer_prior=prior)
            share = sum(bool(o.holds_fact(weights)) for o in labelled) / max(1, len(labelled))
            if share > best_share + 1e-9:
                best, best_share = weights, share
    return best, best_share


def fact_scores(outcomes: Sequence[Outcome]) -> tuple[float, float, int]:
    """Top-1 fact accuracy and right-guide rate of the fact-labelled in-scope questions."""
    labelled = [o for o in outcomes if o.question.must_contain]
    with_guide = [o for o in labelled if o.question.guide]
    facts = sum(bool(o.holds_fact()) for o in labelled) / max(1, len(labelled))
    guides = sum(bool(o.ranked) and o.ranked[0] == o.question.guide for o in with_guide) / max(1, len(with_guide))
    return facts, guides, len(labelled)


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
        if outcome.question.guide is not None:  # ranking figures need the one right guide
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
    wrong_answer_rate: float  # share of kept in-scope answers that are wrong (no fact, or the wrong guide)
    right_kept: float = 0.0  # in-scope questions answered right, over all in-scope
    wrong_kept: float = 0.0  # in-scope questions answered wrong, over all in-scope

    @property
    def value(self) -> float:
        """Right answers, minus MISS_COST for each confident miss and each out-of-scope question answered."""
        return self.right_kept - MISS_COST * (self.wrong_kept + (1 - self.out_of_scope_rejected))


def gate_at(outcomes: Sequence[Outcome], confidence: Sequence[float], threshold: float) -> Gate:
    in_scope = [(o, c) for o, c in zip(outcomes, confidence, strict=True) if o.question.in_scope]
    out_scope = [c for o, c in zip(outcomes, confidence, strict=True) if not o.question.in_scope]
    kept = [o for o, c in in_scope if c >= threshold]
    return Gate(
        threshold=threshold,
        in_scope_kept=len(kept) / max(1, len(in_scope)),
        out_of_scope_rejected=sum(c < threshold for c in out_scope) / max(1, len(out_scope)),
        wrong_answer_rate=sum(not o.correct for o in kept) / max(1, len(kept)),
        right_kept=sum(o.correct for o in kept) / max(1, len(in_scope)),
        wrong_kept=sum(not o.correct for o in kept) / max(1, len(in_scope)),
    )


def choose_threshold(
    outcomes: Sequence[Outcome], confidence: Sequence[float], candidates_at: Sequence[float] | None = None
) -> Gate:
    """The answer threshold worth most: right answers against confident misses and answered other matters."""
    thresholds = candidates_at if candidates_at is not None else [t / 100 for t in range(1, 100)]
    candidates = [gate_at(outcomes, confidence, t) for t in thresholds]
    return max(candidates, key=lambda g: (round(g.value, 9), -g.threshold))


def past_scope_gate(outcomes: Sequence[Outcome], confidence: Sequence[float], scope_gate: Gate) -> list[float]:
    """Confidence as the answer bar sees it: zero for a question the scope gate already handed over."""
    return [
        0.0 if o.scope is not None and o.scope < scope_gate.threshold else c
        for o, c in zip(outcomes, confidence, strict=True)
    ]


def choose_scope_threshold(outcomes: Sequence[Outcome], scores: Sequence[float]) -> Gate:
    """The scope threshold that rejects the most out-of-scope questions while keeping ≥ 97 % of in-scope ones.

    The scope gate hands over without a clarifying turn, so it must almost never catch an in-scope question.
    """
    candidates = [gate_at(outcomes, scores, t) for t in sorted({round(x, 2) for x in scores})]
    acceptable = [g for g in candidates if g.in_scope_kept >= 0.97] or candidates[:1]
    return max(acceptable, key=lambda g: (g.out_of_scope_rejected, g.threshold))


def evaluate(search: GuideSearch, questions: Sequence[DevCase]) -> tuple[str, Calibration]:
    """The printed report for all three modes and both halves, and the calibration fitted on the tuning half."""
    tuning = [q for q in questions if q.half == "tuning"]
    lines = [
        f"Dev set: {sum(q.in_scope for q in questions)} in scope, {sum(not q.in_scope for q in questions)} "
        f"out of scope; fitted on the tuning half ({len(tuning)}), confidence cross-validated ({FOLDS} folds)"
    ]
    fits: dict[str, LogisticModel] = {}
    gates: dict[str, Gate] = {}
    per_mode: dict[str, dict[str, Scores]] = {}
    facts: dict[tuple[str, str], tuple[float, float, int]] = {}
    outcomes_by_mode: dict[str, list[Outcome]] = {}
    weights = PassageWeights()
    for mode in MODES:
        outcomes = outcomes_by_mode[mode] = run_mode(search, questions, mode)
        tuned = [o for o in outcomes if o.question.half == "tuning"]
        per_mode[mode] = ranking_scores(outcomes)
        if mode == "hybrid":
            weights, share = fit_passage_weights(tuned)
            outcomes = outcomes_by_mode[mode] = [replace(o, weights=weights) for o in outcomes]
            tuned = [o for o in outcomes if o.question.half == "tuning"]
            lines.append(
                f"passage weights (tuning half): lexical {weights.lexical}, short-answer prior "
                f"{weights.short_answer_prior}: top hit holds the fact {share:.3f}"
            )
        for half in ("tuning", "heldout"):
            facts[(mode, half)] = fact_scores([o for o in outcomes if o.question.half == half])
        fits[mode] = fit_all(tuned)
    # The scope gate comes first in the decision (kb.decision), so the answer bar is chosen
    # among the questions that pass it: those below it are handed over whatever their confidence.
    scope_outcomes = [o for o in outcomes_by_mode["hybrid"] if o.question.half == "tuning"]
    scores = [o.scope if o.scope is not None else float("-inf") for o in scope_outcomes]
    scope_gate = choose_scope_threshold(scope_outcomes, scores)
    for mode in MODES:
        tuned = [o for o in outcomes_by_mode[mode] if o.question.half == "tuning"]
        gates[mode] = choose_threshold(tuned, past_scope_gate(tuned, cross_validated_confidence(tuned), scope_gate))
    topics = [*sorted({t for scores in per_mode.values() for t in scores if t != "alle"}), "alle"]
    lines.append("")
    lines.append(f"{'topic':<15}{'n':>5}  " + "  ".join(f"{m + ' h@1/h@3/MRR':<27}" for m in MODES))
    for topic in topics:
        count = per_mode["hybrid"][topic].count
        cells = [f"{s.hit1:.3f} / {s.hit3:.3f} / {s.mrr:.3f}    " for s in (per_mode[m][topic] for m in MODES)]
        lines.append(f"{topic:<15}{count:>5}  " + "  ".join(f"{c:<27}" for c in cells))
    lines.append("")
    lines.append("top-1 reply holds the fact / right guide, by half (the end-to-end bot should beat the best):")
    for mode in MODES:
        cells = [f"{h} {f:.3f} / {g:.3f} (n={n})" for h in ("tuning", "heldout") for f, g, n in [facts[(mode, h)]]]
        lines.append(f"  {mode:<8} " + "   ".join(cells))
    lines.append("")
    lines.append(f"{'mode':<10}{'threshold':>10}{'in-scope kept':>15}{'oos rejected':>14}{'wrong answers':>15}")
    for mode in MODES:
        g = gates[mode]
        lines.append(
            f"{mode:<10}{g.threshold:>10.2f}{g.in_scope_kept:>15.3f}{g.out_of_scope_rejected:>14.3f}"
            f"{g.wrong_answer_rate:>15.3f}"
        )
    lines.append(
        f"{'scope':<10}{scope_gate.threshold:>10.2f}{scope_gate.in_scope_kept:>15.3f}"
        f"{scope_gate.out_of_scope_rejected:>14.3f}{'':>15}"
    )
    lines.append("(tuning half; mode rows gate on answer confidence, 'scope' on the in-scope score alone)")
    hybrid_tuned = [o for o in outcomes_by_mode["hybrid"] if o.question.half == "tuning"]
    confidence = past_scope_gate(hybrid_tuned, cross_validated_confidence(hybrid_tuned), scope_gate)
    lines.append("hybrid answer bar sweep (tuning half, cross-validated):")
    lines.append("  bar  answered right  confident misses  out-of-scope answered")
    for bar in (0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9):
        g = gate_at(hybrid_tuned, confidence, bar)
        lines.append(f"  {bar:.1f}  {g.right_kept:>14.3f}  {g.wrong_kept:>16.3f}  {1 - g.out_of_scope_rejected:>21.3f}")
    thresholds = {mode: gate.threshold for mode, gate in gates.items()} | {"scope": scope_gate.threshold}
    thresholds |= {"passage_lexical": weights.lexical, "passage_prior": weights.short_answer_prior}
    return "\n".join(lines), Calibration(fits, thresholds)
