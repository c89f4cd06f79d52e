"""The dialogue's turns: follow-ups, clarify once then hand over, two "Nej" then hand over, feedback.

Actions run with a CollectingDispatcher and JSON trackers, over a fake guide search where what
it finds is not the point and over the shipped guides and the real model where it is; every
turn must also record its outcome for the weekly review.
"""

from __future__ import annotations

from datetime import datetime

import pytest

from actions import context
from actions.answer_from_guides import ActionAnswerFromGuides
from actions.clarify import ActionClarifyOrEscalate
from actions.feedback import ActionHandleFeedback
from actions.opening_hours import ActionOpeningHours
from core.settings import Settings
from kb.hours import COPENHAGEN
from tests.fakes import FakeGuideSearch, fake_hit
from tests.unit.actions.trackers import outcomes, responses, run, slots_set, tracker

AFTER_PASSPORT_ANSWER = {
    "last_topic": "pas",
    "last_guide_id": "pas-forny",
    "last_question": "jeg skal have fornyet mit pas",
    "awaiting_feedback": True,
}


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """A Thursday morning, when DDH is open."""
    monkeypatch.setattr(context, "now", lambda: datetime(2026, 11, 26, 10, 0, tzinfo=COPENHAGEN))


def test_an_answer_is_recorded_with_its_guide_and_score(indexed: Settings) -> None:
    _, events = run(ActionAnswerFromGuides(), tracker("jeg skal have fornyet mit pas", "ask_pas"))
    (recorded,) = outcomes(events)
    assert recorded["kind"] == "answer" and recorded["guide_id"].startswith("pas-")
    assert 0 < recorded["confidence"] <= 1 and "score" in recorded
    assert slots_set(events)["last_question"] == "jeg skal have fornyet mit pas"
    assert slots_set(events)["awaiting_feedback"] is True


@pytest.mark.parametrize(
    ("followup", "slots", "guide"),
    [
        ("hvad koster det?", AFTER_PASSPORT_ANSWER, "pas-pris"),
        (
            "hvor lang tid har jeg til det",
            {"last_topic": "flytning", "last_question": "jeg er flyttet til en ny lejlighed"},
            "flytning-frist",
        ),
    ],
)
def test_a_follow_up_stays_in_the_topic_of_the_previous_answer(
    indexed: Settings, followup: str, slots: dict[str, object], guide: str
) -> None:
    messages, events = run(ActionAnswerFromGuides(), tracker(followup, "ask_followup", slots=slots))
    assert messages[1]["custom"]["borgerbot"]["source"]["guide_id"] == guide
    # The follow-up keeps the original question as context for the next one.
    assert "last_question" not in slots_set(events)


def test_a_follow_up_is_searched_in_the_previous_topic_with_the_topic_word(fake_search: FakeGuideSearch) -> None:
    fake_search.hits = [fake_hit("pas-pris"), fake_hit("mitid-pris")]
    messages, _ = run(
        ActionAnswerFromGuides(), tracker("hvad koster det?", "ask_followup", slots=AFTER_PASSPORT_ANSWER)
    )
    assert fake_search.queries == [("hvad koster det? pas", "pas")]
    assert messages[1]["custom"]["borgerbot"]["source"]["guide_id"] == "pas-pris"


def test_a_follow_up_without_a_previous_answer_asks_for_the_topic(fake_search: FakeGuideSearch) -> None:
    messages, events = run(ActionAnswerFromGuides(), tracker("hvad koster det?", "ask_followup"))
    assert responses(messages)[0] == "utter_ask_followup_topic"
    assert outcomes(events) == [{"kind": "clarification", "reason": "followup_without_context"}]


def test_first_miss_clarifies_and_names_ddh_second_miss_hands_over(fake_search: FakeGuideSearch) -> None:
    messages, events = run(ActionClarifyOrEscalate(), tracker("øh det der med papirerne", "nlu_fallback"))
    assert responses(messages)[0] == "utter_ask_rephrase"
    assert outcomes(events) == [{"kind": "clarification", "reason": "nlu_fallback"}]
    assert slots_set(events)["unclear_turns"] == 1

    slots = {"unclear_turns": 1, "last_question": "øh det der med papirerne"}
    messages, events = run(ActionClarifyOrEscalate(), tracker("altså det ved du godt", "nlu_fallback", slots=slots))
    assert responses(messages)[0] == "utter_handover_no_answer"
    assert messages[-1]["response"] == "utter_ddh_call_link"
    assert outcomes(events) == [{"kind": "escalation", "reason": "no_answer"}]
    assert slots_set(events)["unclear_turns"] == 0
    summary = next(m for m in messages if m.get("response") == "utter_handover_summary")
    assert summary["summary"] == "altså det ved du godt"


def test_below_the_bar_twice_hands_over(fake_search: FakeGuideSearch) -> None:
    fake_search.hits = [fake_hit("pas-pris", confidence=0.3)]
    messages, events = run(ActionAnswerFromGuides(), tracker("hvad koster et pas", "ask_pas"))
    assert responses(messages)[0] == "utter_no_sure_answer_options"
    assert slots_set(events)["unclear_turns"] == 1
    messages, events = run(ActionAnswerFromGuides(), tracker("pas pris", "ask_pas", slots={"unclear_turns": 1}))
    assert outcomes(events) == [{"kind": "escalation", "reason": "no_answer"}]


def test_a_guide_button_answers_from_the_guide_chosen(fake_search: FakeGuideSearch) -> None:
    entities = [{"entity": "guide_id", "value": "pas-pris"}]
    slots = {"unclear_turns": 1, "last_question": "hvad med prisen"}
    messages, events = run(
        ActionAnswerFromGuides(), tracker('/ask_pas{"guide_id": "pas-pris"}', "ask_pas", slots=slots, entities=entities)
    )
    assert messages[1]["custom"]["borgerbot"]["source"]["guide_id"] == "pas-pris"
    assert outcomes(events)[0] == {
        "kind": "answer",
        "guide_id": "pas-pris",
        "topic": "pas",
        "score": 1.0,
        "confidence": 1.0,
        "passage": None,
    }
    assert slots_set(events)["unclear_turns"] == 0


def test_a_topic_button_asks_what_the_citizen_wants_to_know(fake_search: FakeGuideSearch) -> None:
    messages, events = run(ActionAnswerFromGuides(), tracker("/ask_mitid", "ask_mitid", slots={"unclear_turns": 1}))
    assert responses(messages) == ["utter_ask_topic_question_mitid"]
    assert slots_set(events) == {"last_topic": "mitid", "awaiting_feedback": False}


def test_ja_is_recorded_as_helpful(settings: Settings) -> None:
    messages, events = run(ActionHandleFeedback(), tracker("/affirm", "affirm", slots=AFTER_PASSPORT_ANSWER))
    assert responses(messages) == ["utter_glad_to_help"]
    assert outcomes(events) == [{"kind": "feedback", "helpful": True, "comment": False, "guide_id": "pas-forny"}]


def test_two_nej_in_a_row_hand_over_with_the_question(settings: Settings) -> None:
    messages, events = run(ActionHandleFeedback(), tracker("/deny", "deny", slots=AFTER_PASSPORT_ANSWER))
    assert responses(messages) == ["utter_not_helpful_rephrase"]
    assert slots_set(events)["not_helpful_turns"] == 1

    slots = {**AFTER_PASSPORT_ANSWER, "not_helpful_turns": 1}
    messages, events = run(ActionHandleFeedback(), tracker("nej", "deny", slots=slots))
    assert responses(messages)[0] == "utter_handover_not_helpful"
    assert [o["kind"] for o in outcomes(events)] == ["feedback", "escalation"]
    summary = next(m for m in messages if m.get("response") == "utter_handover_summary")
    assert summary["summary"] == "jeg skal have fornyet mit pas"


def test_ja_or_nej_with_nothing_to_judge_counts_as_a_miss(settings: Settings) -> None:
    messages, events = run(ActionHandleFeedback(), tracker("??", "affirm"))
    assert responses(messages)[0] == "utter_ask_rephrase"
    assert outcomes(events) == [{"kind": "clarification", "reason": "affirm_without_answer"}]


def test_an_out_of_scope_intent_is_answered_only_when_a_guide_clearly_fits(indexed: Settings) -> None:
    messages, events = run(ActionAnswerFromGuides(), tracker("hvordan søger jeg boligstøtte", "out_of_scope"))
    assert outcomes(events) == [{"kind": "escalation", "reason": "out_of_scope"}]
    assert responses(messages)[0] == "utter_out_of_scope"
    messages, events = run(ActionAnswerFromGuides(), tracker("hvad koster et pas til en voksen", "out_of_scope"))
    assert outcomes(events)[0]["guide_id"] == "pas-pris"


def test_free_text_feedback_is_thanked_and_recorded(settings: Settings) -> None:
    messages, events = run(
        ActionHandleFeedback(), tracker("det svar var forkert", "feedback", slots=AFTER_PASSPORT_ANSWER)
    )
    assert responses(messages) == ["utter_thanks_for_feedback"]
    assert outcomes(events) == [{"kind": "feedback", "helpful": None, "comment": True, "guide_id": "pas-forny"}]


def test_hours_of_another_municipality_are_never_given_as_ours(fake_search: FakeGuideSearch) -> None:
    entities = [{"entity": "municipality", "value": "Aarhus"}]
    messages, events = run(
        ActionOpeningHours(),
        tracker("hvornår har borgerservice i aarhus åbent", "ask_aabningstider", entities=entities),
    )
    assert responses(messages)[0] == "utter_hours_other_municipality"
    assert messages[0]["asked_municipality"] == "Aarhus"
    assert outcomes(events)[0]["kind"] == "hours"


def test_the_day_entity_picks_the_day(fake_search: FakeGuideSearch) -> None:
    entities = [{"entity": "day", "value": "juleaften"}]
    _, events = run(ActionOpeningHours(), tracker("har ddh åbent juleaften", "ask_aabningstider", entities=entities))
    assert outcomes(events) == [{"kind": "hours", "day": "2026-12-24", "now": False}]


def test_an_opening_hours_question_that_is_not_about_hours_gets_its_guide(indexed: Settings) -> None:
    messages, events = run(
        ActionOpeningHours(), tracker("hvordan bestiller jeg tid hos borgerservice", "ask_aabningstider")
    )
    assert messages[1]["custom"]["borgerbot"]["source"]["guide_id"] == "aabningstider-tidsbestilling"
    assert outcomes(events)[0]["kind"] == "answer"


def test_a_follow_up_after_opening_hours_is_about_hours(fake_search: FakeGuideSearch) -> None:
    _, events = run(
        ActionAnswerFromGuides(), tracker("hvad med i morgen", "ask_followup", slots={"last_topic": "aabningstider"})
    )
    assert outcomes(events) == [{"kind": "hours", "day": "2026-11-27", "now": False}]


def test_nlu_unsure_is_still_answered_when_a_guide_clearly_answers(fake_search: FakeGuideSearch) -> None:
    """NLU's intent is one input to the decision (kb.decision), not a gate in front of the guides."""
    fake_search.hits = [fake_hit("pas-pris", confidence=0.9)]
    messages, events = run(ActionAnswerFromGuides(), tracker("hvor meget skal man slippe for et pas", "nlu_fallback"))
    assert outcomes(events)[0]["kind"] == "answer"
    assert messages[0]["text"] == "Det korte svar fra pas-pris."
    # No topic from NLU: every topic is searched.
    assert fake_search.queries == [("hvor meget skal man slippe for et pas", None)]


def test_a_confident_guide_outside_nlus_topic_still_answers(fake_search: FakeGuideSearch) -> None:
    fake_search.hits = [fake_hit("mitid-misbrug", confidence=0.9)]
    _, events = run(ActionAnswerFromGuides(), tracker("nogen har brugt mit mitid", "ask_pas"))
    assert outcomes(events)[0]["guide_id"] == "mitid-misbrug"
    assert [topic for _, topic in fake_search.queries] == ["pas", None]


def test_nlu_another_matter_below_the_bar_is_handed_over_at_once(fake_search: FakeGuideSearch) -> None:
    fake_search.hits = [fake_hit("pas-pris", confidence=0.2)]
    _, events = run(ActionAnswerFromGuides(), tracker("hvad koster et kørekort", "out_of_scope"))
    assert outcomes(events)[0] == {"kind": "escalation", "reason": "out_of_scope"}


def test_the_answer_is_the_passage_titled_with_its_section(fake_search: FakeGuideSearch) -> None:
    from dataclasses import replace

    hit = replace(
        fake_hit("pas-pris"),
        passage_heading="Sådan betaler du",
        passage_text="Med kort eller MobilePay.",
        passage_index=4,
    )
    fake_search.hits = [hit]
    messages, events = run(ActionAnswerFromGuides(), tracker("hvordan betaler jeg for passet", "ask_pas"))
    assert messages[0]["text"] == "Det korte svar fra pas-pris.\n\nSådan betaler du\nMed kort eller MobilePay."
    assert outcomes(events)[0]["passage"] == "Sådan betaler du"


def test_an_hours_intent_that_another_topics_guide_answers_gets_that_guide(fake_search: FakeGuideSearch) -> None:
    fake_search.hits = [fake_hit("mitid-misbrug", confidence=0.9)]
    _, events = run(ActionOpeningHours(), tracker("identitetstyveri hotline", "ask_aabningstider"))
    assert outcomes(events)[0]["guide_id"] == "mitid-misbrug"
    # NLU's topic first, then every topic.
    assert fake_search.queries == [("identitetstyveri hotline", "aabningstider"), ("identitetstyveri hotline", None)]
