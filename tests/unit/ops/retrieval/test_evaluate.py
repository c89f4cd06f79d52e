"""Retrieval metrics, the answer gate and the stored calibration (pure helpers)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kb.confidence import DEFAULT_THRESHOLD, Calibration, Evidence, LogisticModel, fit_logistic
from ops.devset import DevCase, load_dev_set
from ops.retrieval.evaluate import Outcome, choose_threshold, gate_at, past_scope_gate, ranking_scores


def outcome(guide: str | None, ranked: list[str], dense: float = 0.9) -> Outcome:
    question = DevCase("q", "spørgsmål", guide)
    evidence = Evidence(dense=dense, dense_margin=0.0, lexical=1.0, lexical_share=1.0, char_share=1.0, first_votes=1)
    return Outcome(question, ranked, evidence)


def test_ranking_scores_per_topic_and_overall() -> None:
    outcomes = [
        outcome("pas-a", ["pas-a", "pas-b"]),
        outcome("pas-b", ["pas-a", "pas-b"]),
        outcome("pas-c", ["pas-x", "pas-y", "pas-z"]),
        outcome(None, ["pas-a"]),
    ]
    scores = ranking_scores(outcomes)
    assert scores["alle"].count == 3
    assert scores["pas"].hit1 == pytest.approx(1 / 3)
    assert scores["pas"].hit3 == pytest.approx(2 / 3)
    assert scores["pas"].mrr == pytest.approx((1 + 0.5 + 0) / 3)


def test_gate_counts_kept_rejected_and_wrong() -> None:
    outcomes = [
        outcome("pas-a", ["pas-a"]),
        outcome("pas-b", ["pas-a"]),
        outcome(None, ["pas-a"]),
        outcome(None, ["pas-b"]),
    ]
    gate = gate_at(outcomes, [0.9, 0.8, 0.85, 0.1], threshold=0.5)
    assert gate.in_scope_kept == 1.0
    assert gate.out_of_scope_rejected == 0.5
    assert gate.wrong_answer_rate == 0.5


def test_the_answer_bar_weighs_right_answers_against_confident_misses() -> None:
    right = [outcome("pas-a", ["pas-a"]) for _ in range(10)]
    wrong = [outcome("pas-b", ["pas-a"]) for _ in range(4)]
    confidence = [0.9] * 10 + [0.6] * 4
    gate = choose_threshold(right + wrong, confidence)
    # Above 0.6 only right answers are kept: four misses would cost 3 x 4/14 against nothing gained.
    assert gate.threshold > 0.6 and gate.right_kept == pytest.approx(10 / 14) and gate.wrong_kept == 0.0
    # When a miss is rare and a bar would lose many right answers, the low bar wins.
    mostly_right = [outcome("pas-a", ["pas-a"]) for _ in range(10)] + [outcome("pas-b", ["pas-a"])]
    gate = choose_threshold(mostly_right, [0.4] * 10 + [0.9])
    assert gate.threshold <= 0.4 and gate.right_kept == pytest.approx(10 / 11)


def test_a_question_the_scope_gate_hands_over_is_never_answered() -> None:
    outcomes = [
        Outcome(DevCase("q", "spørgsmål", "pas-a"), ["pas-a"], None, scope=-2.0),
        Outcome(DevCase("q", "spørgsmål", "pas-a"), ["pas-a"], None, scope=1.0),
    ]
    scope_gate = gate_at(outcomes, [-2.0, 1.0], threshold=0.0)
    assert past_scope_gate(outcomes, [0.9, 0.9], scope_gate) == [0.0, 0.9]


def test_a_fact_label_decides_whether_the_top_hit_is_right() -> None:
    from tests.fakes import fake_hit

    labelled = DevCase("q", "hvor lang tid", "flytning-frist", must_contain=("5 dage",))
    hit = fake_hit("flytning-frist")
    assert not Outcome(labelled, ["flytning-frist"], None, top=hit).correct  # right guide, fact not in the reply
    other = DevCase("q", "hvor lang tid", "flytning-frist", must_contain=("korte svar fra",))
    assert Outcome(other, ["flytning-boede"], None, top=fake_hit("flytning-boede")).correct


def test_fitted_confidence_rises_with_evidence() -> None:
    rows = [Evidence(d, 0.0, 1.0, 1.0, 1.0, 1) for d in (0.80, 0.82, 0.84, 0.93, 0.95, 0.97)]
    model = fit_logistic(rows, [False, False, False, True, True, True])
    assert model.probability(rows[0].features()) < model.probability(rows[-1].features())


def test_calibration_round_trip_and_default(tmp_path: Path) -> None:
    path = tmp_path / "calibration.json"
    assert Calibration.load(path).threshold() == DEFAULT_THRESHOLD
    calibration = Calibration({"hybrid": LogisticModel((1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0), -1.0)}, {"hybrid": 0.3})
    calibration.save(path)
    loaded = Calibration.load(path)
    assert loaded.models == calibration.models and loaded.threshold("hybrid") == 0.3


def test_the_shipped_dev_set_is_labelled_with_existing_guides() -> None:
    guide_ids = {p.stem for p in Path("kb/guides").glob("*.md")}
    questions = load_dev_set()
    in_scope = [q for q in questions if q.guide]
    assert len(in_scope) >= 250 and len(questions) - len(in_scope) >= 60
    assert {q.guide for q in in_scope} <= guide_ids
