"""The figures make eval prints: intent accuracy and F1, answer accuracy, escalation, wrong answers."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from ops.eval.cases import Expected
from ops.eval.judge import Observed, Result, confident_miss, correct, fact_held, wrong_answer


def ratio(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


@dataclass(frozen=True)
class IntentScores:
    accuracy: float
    macro_f1: float
    per_intent: dict[str, tuple[float, float, float, int]]  # precision, recall, f1, support
    confusions: list[tuple[str, str, int]]


def intent_scores(pairs: Sequence[tuple[str, str]]) -> IntentScores:
    """Scores of (labelled, predicted) intents; nlu_fallback is never right."""
    labels = sorted({gold for gold, _ in pairs})
    per_intent = {}
    for label in labels:
        tp = sum(g == label and p == label for g, p in pairs)
        predicted = sum(p == label for _, p in pairs)
        support = sum(g == label for g, _ in pairs)
        precision, recall = ratio(tp, predicted), ratio(tp, support)
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per_intent[label] = (precision, recall, f1, support)
    confusions = Counter((g, p) for g, p in pairs if g != p)
    return IntentScores(
        accuracy=ratio(sum(g == p for g, p in pairs), len(pairs)),
        macro_f1=sum(v[2] for v in per_intent.values()) / max(1, len(per_intent)),
        per_intent=per_intent,
        confusions=[(g, p, n) for (g, p), n in confusions.most_common(8)],
    )


@dataclass(frozen=True)
class FactScores:
    """Whether replies held the fact asked for, over fact-labelled in-scope questions."""

    labelled: int
    fact_accuracy: float  # the reply held a fact
    confident_misses: float  # an answer was given and held none
    handed_over: float  # honestly not answered: a clarification or a hand-over
    right_guide: float  # secondary: answered from the labelled guide (cases naming one)


def fact_scores(pairs: Sequence[tuple[Expected, Observed]]) -> FactScores:
    labelled = [(e, o) for e, o in pairs if e.must_contain]
    with_guide = [(e, o) for e, o in labelled if e.guide]
    return FactScores(
        labelled=len(labelled),
        fact_accuracy=ratio(sum(bool(fact_held(e, o)) for e, o in labelled), len(labelled)),
        confident_misses=ratio(sum(confident_miss(e, o) for e, o in labelled), len(labelled)),
        handed_over=ratio(sum(o.kind in ("clarify", "escalate") for e, o in labelled), len(labelled)),
        right_guide=ratio(sum(correct(e, o) for e, o in with_guide), len(with_guide)),
    )


def turn_right(expect: Expected, observed: Observed) -> bool:
    """A dialogue turn done right: a labelled answer turn must hold its fact, others do what they expect."""
    held = fact_held(expect, observed)
    return held if held is not None else correct(expect, observed)


@dataclass(frozen=True)
class Summary:
    intents: IntentScores
    facts: FactScores  # in-scope one-message questions
    facts_by_topic: dict[str, FactScores]
    dialogue_facts: FactScores  # dialogue answer turns
    dialogues_every_turn_right: float  # every turn right, labelled answer turns holding their fact
    answer_accuracy: float  # in-scope dev questions answered from the right guide
    answer_accuracy_by_topic: dict[str, float]
    answered_share: float  # in-scope dev questions answered at all
    dialogue_answer_accuracy: float  # dialogue turns expecting an answer
    escalation_precision: float
    escalation_recall: float
    out_of_scope_escalated: float  # other municipal matters handed over
    human_escalated: float  # requests for a human handed over
    wrong_answer_rate: float  # over every message
    wrong_answers: int
    messages: int
    dialogue_turn_accuracy: float
    dialogues_fully_right: float
    wrong_guides: list[tuple[str, str, int]]


def summarise(results: Sequence[Result]) -> Summary:
    """Every figure from the judged turns."""
    singles = [r for r in results if r.conversation.source != "dialogue" and r.observed]
    pairs = [(r.conversation.intent or "", r.observed[0].intent or "none") for r in singles]
    in_scope = [r for r in singles if r.conversation.source == "in_scope"]
    topics = sorted({r.conversation.topic or "" for r in in_scope})
    turns = [(turn, obs, r.conversation.source) for r in results for turn, obs in r.turns()]
    scored = [(t, o) for t, o, _ in turns if t.expect.kind != "decline"]
    should = [o for t, o in scored if t.expect.kind == "escalate"]
    did = [t for t, o in scored if o.escalated]
    dialogue_results = [r for r in results if r.conversation.source == "dialogue"]
    dialogue_turns = [(t, o) for r in dialogue_results for t, o in r.turns()]
    dialogue_answers = [(t, o) for t, o in dialogue_turns if t.expect.kind == "answer"]
    wrong = [(t, o) for t, o, _ in turns if wrong_answer(t.expect, o)]
    wrong_guides = Counter((t.expect.guide or t.expect.topic or t.expect.kind, o.guide or o.kind) for t, o in wrong)

    def first(group: Sequence[Result]) -> list[tuple[Expected, Observed]]:
        return [(r.conversation.turns[0].expect, r.observed[0]) for r in group]

    def share(group: Sequence[Result]) -> float:
        return ratio(sum(correct(r.conversation.turns[0].expect, r.observed[0]) for r in group), len(group))

    return Summary(
        intents=intent_scores(pairs),
        facts=fact_scores(first(in_scope)),
        facts_by_topic={t: fact_scores(first([r for r in in_scope if r.conversation.topic == t])) for t in topics},
        dialogue_facts=fact_scores([(t.expect, o) for t, o in dialogue_answers]),
        dialogues_every_turn_right=ratio(
            sum(
                all(turn_right(t.expect, o) for t, o in r.turns()) and len(r.observed) == len(r.conversation.turns)
                for r in dialogue_results
            ),
            len(dialogue_results),
        ),
        answer_accuracy=share(in_scope),
        answer_accuracy_by_topic={t: share([r for r in in_scope if r.conversation.topic == t]) for t in topics},
        answered_share=ratio(sum(r.observed[0].kind in ("answer", "hours") for r in in_scope), len(in_scope)),
        dialogue_answer_accuracy=ratio(sum(correct(t.expect, o) for t, o in dialogue_answers), len(dialogue_answers)),
        escalation_precision=ratio(sum(t.expect.kind == "escalate" for t in did), len(did)),
        escalation_recall=ratio(sum(o.escalated for o in should), len(should)),
        out_of_scope_escalated=share(
            [
                r
                for r in singles
                if r.conversation.source == "out_of_scope" and r.conversation.turns[0].expect.kind == "escalate"
            ]
        ),
        human_escalated=share([r for r in singles if r.conversation.source == "human"]),
        wrong_answer_rate=ratio(len(wrong), len(turns)),
        wrong_answers=len(wrong),
        messages=len(turns),
        dialogue_turn_accuracy=ratio(sum(correct(t.expect, o) for t, o in dialogue_turns), len(dialogue_turns)),
        dialogues_fully_right=ratio(
            sum(
                all(correct(t.expect, o) for t, o in r.turns()) and len(r.observed) == len(r.conversation.turns)
                for r in dialogue_results
            ),
            len(dialogue_results),
        ),
        wrong_guides=[(e, o, n) for (e, o), n in wrong_guides.most_common(10)],
    )


@dataclass(frozen=True)
class BarPoint:
    bar: float
    answer_accuracy: float  # in-scope dev questions answered from the right guide
    wrong_answer_rate: float  # over in-scope and out-of-scope dev questions


def bar_sweep(results: Sequence[Result], bars: Sequence[float]) -> list[BarPoint]:
    """What other answer bars would have done on the one-message dev cases, from one run.

    Answers and clarifications record the best guide and its confidence, so a higher bar
    turns answers below it into clarifications, and a lower one turns recorded guesses
    above it into answers. Hand-overs (scope gate, out_of_scope) stay as they were.
    """
    cases = [r for r in results if r.conversation.source in ("in_scope", "out_of_scope") and r.observed]
    in_scope = [r for r in cases if r.conversation.source == "in_scope"]
    points = []
    for bar in bars:
        right = wrong = 0
        for r in cases:
            expect, observed = r.conversation.turns[0].expect, r.observed[0]
            if observed.kind == "hours" or observed.confidence is None:
                given = observed.guide if observed.kind == "answer" else None
                answers = observed.kind in ("answer", "hours")
            else:
                given = observed.guide or observed.guess
                answers = observed.kind in ("answer", "clarify") and observed.confidence >= bar
            if not answers:
                continue
            if observed.kind == "hours":
                is_right = correct(expect, observed)
            else:
                is_right = expect.kind == "answer" and given == expect.guide
            right += is_right and r.conversation.source == "in_scope"
            wrong += not is_right
        points.append(BarPoint(bar, ratio(right, len(in_scope)), ratio(wrong, len(cases))))
    return points
