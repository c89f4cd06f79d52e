"""The one answer decision (kb.decision): each rule, and NLU's intent as one input, not a gate."""

from __future__ import annotations

from dataclasses import dataclass

from kb.decision import Thresholds, decide

BARS = Thresholds(answer=0.5, scope=0.0)


@dataclass(frozen=True)
class Hit:
    confidence: float
    in_scope: float | None = 1.0


def test_a_confident_guide_is_answered_whatever_nlu_guessed() -> None:
    for intent in ("ask_pas", "nlu_fallback", "out_of_scope", None):
        decision = decide([Hit(0.8)], BARS, intent=intent)
        assert (decision.action, decision.reason) == ("answer", "confident")


def test_another_matter_is_handed_over_at_once_unless_it_follows_up_an_answer() -> None:
    assert decide([Hit(0.9, in_scope=-1.0)], BARS, intent="ask_pas").action == "hand_over"
    assert decide([Hit(0.9, in_scope=-1.0)], BARS, intent="ask_followup", followup=True).action == "answer"


def test_below_the_bar_ask_once_with_options_then_hand_over() -> None:
    hits = [Hit(0.3), Hit(0.2)]
    first = decide(hits, BARS, intent="ask_pas")
    assert (first.action, first.reason, len(first.options)) == ("clarify", "low_confidence", 2)
    second = decide(hits, BARS, intent="ask_pas", previous_misses=1)
    assert (second.action, second.reason) == ("hand_over", "second_miss")


def test_nlu_out_of_scope_below_the_bar_is_handed_over_without_a_detour() -> None:
    assert decide([Hit(0.3)], BARS, intent="out_of_scope").reason == "out_of_scope"


def test_nothing_found() -> None:
    assert decide([], BARS, intent="ask_pas").action == "clarify"
    assert decide([], BARS, intent="ask_pas", previous_misses=1).action == "hand_over"


def test_the_bar_itself_answers() -> None:
    assert decide([Hit(0.5)], BARS, intent="ask_mitid").action == "answer"
    assert decide([Hit(0.4999)], BARS, intent="ask_mitid").action == "clarify"
