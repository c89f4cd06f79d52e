"""The weekly review's rates and make eval's judging, from recorded events: pure functions."""

from __future__ import annotations

from pathlib import Path

import yaml

from ops.eval.cases import Conversation, Expected, Turn, load_cases
from ops.eval.judge import Observed, Result, correct, wrong_answer
from ops.eval.metrics import bar_sweep, intent_scores, summarise
from ops.review import rates, turns_from_events


def user(text: str, intent: str) -> dict[str, object]:
    return {"event": "user", "text": text, "parse_data": {"intent": {"name": intent}, "entities": []}}


def recorded(**value: object) -> dict[str, object]:
    return {"event": "slot", "name": "outcome", "value": value}


CONVERSATIONS = {
    "a": turns_from_events(
        [
            {"event": "action", "name": "action_session_start"},
            user("hvad koster et pas", "ask_pas"),
            recorded(kind="answer", guide_id="pas-pris", score=0.03, confidence=0.9),
            {"event": "slot", "name": "last_topic", "value": "pas"},
            user("/deny", "deny"),
            recorded(kind="feedback", helpful=False, comment=False, guide_id="pas-pris"),
            user("hvad med børn", "ask_followup"),
            recorded(kind="answer", guide_id="pas-boernepas", score=0.03, confidence=0.8),
            user("/deny", "deny"),
            recorded(kind="feedback", helpful=False, comment=False, guide_id="pas-boernepas"),
            recorded(kind="escalation", reason="not_helpful"),
        ]
    ),
    "b": turns_from_events(
        [
            user("asdf", "nlu_fallback"),
            recorded(kind="clarification", reason="nlu_fallback"),
            user("mitid", "ask_mitid"),
            recorded(kind="answer", guide_id="mitid-faa-mitid", score=0.03, confidence=0.9),
            user("/affirm", "affirm"),
            recorded(kind="feedback", helpful=True, comment=False, guide_id="mitid-faa-mitid"),
        ]
    ),
}


def test_turns_group_outcomes_under_the_message_they_answer() -> None:
    turns = CONVERSATIONS["a"]
    assert [t.intent for t in turns] == ["ask_pas", "deny", "ask_followup", "deny"]
    assert [o["kind"] for o in turns[3].outcomes] == ["feedback", "escalation"]


def test_weekly_rates_from_recorded_outcomes() -> None:
    figures = rates(CONVERSATIONS)
    assert (figures.conversations, figures.turns, figures.answers, figures.clarifications) == (2, 7, 3, 1)
    assert figures.escalations == {"not_helpful": 1}
    assert figures.fallback_rate == 2 / 5  # one clarification and one hand-over among five questions
    assert figures.escalation_rate == 0.5
    assert figures.helpfulness_rate == 1 / 3


def test_judging_answers_hours_and_escalations() -> None:
    right = Expected("answer", topic="pas", guide="pas-pris")
    assert correct(right, Observed("answer", "ask_pas", guide="pas-pris", topic="pas"))
    assert wrong_answer(right, Observed("answer", "ask_pas", guide="pas-forny", topic="pas"))
    assert not wrong_answer(right, Observed("clarify", "nlu_fallback"))
    holiday = Expected("answer", topic="aabningstider", guide="aabningstider-helligdage")
    assert correct(holiday, Observed("hours", "ask_aabningstider"))
    out = Expected("escalate", reason="out_of_scope")
    assert correct(out, Observed("escalate", "out_of_scope", escalated=True))
    assert wrong_answer(out, Observed("answer", "ask_pas", guide="pas-pris", topic="pas"))
    assert correct(Expected("clarify"), Observed("feedback", "deny", helpful=False))
    assert correct(Expected("decline"), Observed("smalltalk", "bot_challenge"))


def test_summary_counts_wrong_answers_over_every_message() -> None:
    def single(source: str, expect: Expected, intent: str, observed: Observed) -> Result:
        return Result(Conversation(source, source, "kalundborg", (Turn("x", expect),), intent), [observed])  # type: ignore[arg-type]

    results = [
        single(
            "in_scope",
            Expected("answer", "pas", "pas-pris"),
            "ask_pas",
            Observed("answer", "ask_pas", "pas-pris", "pas"),
        ),
        single(
            "in_scope",
            Expected("answer", "pas", "pas-forny"),
            "ask_pas",
            Observed("answer", "ask_pas", "pas-pris", "pas"),
        ),
        single(
            "out_of_scope", Expected("escalate"), "out_of_scope", Observed("escalate", "out_of_scope", escalated=True)
        ),
        single("human", Expected("escalate"), "request_human", Observed("clarify", "nlu_fallback")),
    ]
    summary = summarise(results)
    assert summary.answer_accuracy == 0.5
    assert summary.wrong_answers == 1 and summary.wrong_answer_rate == 0.25
    assert summary.escalation_precision == 1.0 and summary.escalation_recall == 0.5
    assert summary.human_escalated == 0.0 and summary.out_of_scope_escalated == 1.0
    assert summary.intents.accuracy == 0.75


def test_intent_scores_count_fallback_as_a_miss() -> None:
    scores = intent_scores([("ask_pas", "ask_pas"), ("ask_pas", "nlu_fallback"), ("out_of_scope", "out_of_scope")])
    assert scores.accuracy == 2 / 3
    assert scores.per_intent["ask_pas"] == (1.0, 0.5, 2 / 3, 2)


def test_the_shipped_cases_load_and_name_real_guides() -> None:
    cases = load_cases()
    guides = {p.stem for p in Path("kb/guides").glob("*.md")}
    named = {t.expect.guide for c in cases for t in c.turns if t.expect.guide}
    assert named <= guides
    assert {c.source for c in cases} == {"in_scope", "out_of_scope", "human", "dialogue"}
    dialogues = yaml.safe_load(Path("kb/eval/dialogues.yml").read_text(encoding="utf-8"))
    assert sum(c.source == "dialogue" for c in cases) == len(dialogues["dialogues"])


def test_bar_sweep_replays_recorded_confidences() -> None:
    def case(source: str, expect: Expected, observed: Observed) -> Result:
        return Result(Conversation(source, source, "kalundborg", (Turn("x", expect),)), [observed])  # type: ignore[arg-type]

    results = [
        case(
            "in_scope", Expected("answer", "pas", "pas-pris"), Observed("answer", "ask_pas", "pas-pris", confidence=0.8)
        ),
        case(
            "in_scope",
            Expected("answer", "pas", "pas-forny"),
            Observed("clarify", "ask_pas", confidence=0.5, guess="pas-forny"),
        ),
        case("out_of_scope", Expected("escalate"), Observed("answer", "ask_pas", "pas-pris", confidence=0.6)),
    ]
    low, mid, high = bar_sweep(results, [0.4, 0.55, 0.9])
    assert (low.answer_accuracy, low.wrong_answer_rate) == (1.0, 1 / 3)
    assert (mid.answer_accuracy, mid.wrong_answer_rate) == (0.5, 1 / 3)
    assert (high.answer_accuracy, high.wrong_answer_rate) == (0.0, 0.0)
