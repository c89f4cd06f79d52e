"""Rasa's events of a conversation become the review's turns (bot.analytics.turns)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

import pytest

from bot.analytics.turns import ConversationState, FeedbackUpdate, TurnBuilder, event_key
from tests.unit.bot.analytics.rasa_events import Conversation

SENDER = "3f2b9c0d8e7a4b6c9d1e2f3a4b5c6d7e"
# Monday 30 November 2026, 09:15 UTC: 10:15 in Copenhagen (winter time).
MONDAY_MORNING = datetime(2026, 11, 30, 9, 15, tzinfo=UTC).timestamp()


def build(events: list[dict[str, Any]], state: ConversationState | None = None) -> TurnBuilder:
    return TurnBuilder(SENDER, state, "kalundborg").feed(events)


def test_an_answer_is_one_turn_with_its_guide_passage_confidence_and_replies() -> None:
    talk = Conversation(SENDER, MONDAY_MORNING).start_session()
    at = talk.answer("Hvad koster et pas?", "ask_pas", "pas-pris", "pas")
    (row,) = build(talk.events).rows
    assert row == {
        "event_key": f"{SENDER}:{at!r}",
        "conversation_id": SENDER,
        "municipality": "kalundborg",
        "turn_index": 0,
        "at": datetime.fromtimestamp(at, UTC),
        "local_date": date(2026, 11, 30),
        "iso_week": "2026-W49",
        "local_hour": 10,
        "weekday": 0,
        "topic": "pas",
        "outcome": "answer",
        "reason": None,
        "guide_id": "pas-pris",
        "passage": "Det kan blive dyrere",
        "confidence": 0.9684,
        "intent": "ask_pas",
        "feedback": None,
        "language": None,
        "question": "Hvad koster et pas?",
        "replies": ["Et pas koster 893 kr. for voksne.", "Fik du svar på dit spørgsmål?"],
        "source": "rasa",
        "message_id": None,
    }


def test_copenhagen_date_and_week_not_utcs() -> None:
    # Sunday 29 November 23:30 UTC is already Monday 00:30 in Copenhagen: week 49, not 48.
    talk = Conversation(SENDER, datetime(2026, 11, 29, 23, 30, tzinfo=UTC).timestamp(), "hoeje-taastrup")
    talk.hours("hvornår har I åbent?")
    (row,) = build(talk.events).rows
    assert (row["local_date"], row["iso_week"], row["local_hour"], row["weekday"]) == (
        date(2026, 11, 30),
        "2026-W49",
        0,
        0,
    )
    assert row["at"].tzinfo == UTC and row["at"].day == 29
    assert (row["outcome"], row["topic"], row["municipality"]) == ("hours", "aabningstider", "hoeje-taastrup")


def test_a_clarification_then_a_hand_over() -> None:
    talk = Conversation(SENDER, MONDAY_MORNING).start_session()
    talk.clarification("noget med papirer til rejsen", "ask_pas", "low_confidence", "pas-forny", 0.41, topic="pas")
    talk.hand_over("papirerne til rejsen altså", "ask_pas", "no_answer")
    first, second = build(talk.events).rows
    assert (first["outcome"], first["reason"], first["guide_id"], first["confidence"], first["topic"]) == (
        "clarification",
        "low_confidence",
        "pas-forny",
        0.41,
        "pas",
    )
    assert first["replies"] == ["Jeg er ikke helt sikker på, hvad du mener. Mener du …?"]
    assert (second["outcome"], second["reason"], second["topic"], second["turn_index"]) == (
        "escalation",
        "no_answer",
        "pas",
        1,
    )
    assert second["question"] == "papirerne til rejsen altså"
    assert len(second["replies"]) == 2


def test_a_request_for_a_human_after_an_answer_keeps_the_conversations_topic() -> None:
    talk = Conversation(SENDER, MONDAY_MORNING).start_session()
    talk.answer("hvordan flytter jeg", "ask_flytning", "flytning-anmeld", "flytning")
    talk.hand_over("kan jeg tale med et menneske", "request_human", "request_human", "action_escalate_to_ddh")
    assert [(row["outcome"], row["reason"], row["topic"]) for row in build(talk.events).rows] == [
        ("answer", None, "flytning"),
        ("escalation", "request_human", "flytning"),
    ]


def test_two_nej_set_feedback_on_each_answer_and_the_second_hands_over() -> None:
    talk = Conversation(SENDER, MONDAY_MORNING).start_session()
    first = talk.answer("jeg skal have fornyet mit pas", "ask_pas", "pas-forny", "pas")
    talk.feedback(False, "pas-forny")
    second = talk.answer("hvordan fornyer jeg et pas til mit barn", "ask_pas", "pas-boern", "pas")
    talk.feedback(False, "pas-boern", then_hand_over=True)
    built = build(talk.events)
    assert [(r["outcome"], r["reason"], r["feedback"], r["guide_id"]) for r in built.rows] == [
        ("answer", None, "nej", "pas-forny"),
        ("feedback", "nej", None, "pas-forny"),
        ("answer", None, "nej", "pas-boern"),
        ("escalation", "not_helpful", None, "pas-boern"),
    ]
    assert built.feedback == [
        FeedbackUpdate(event_key(SENDER, first), "nej"),
        FeedbackUpdate(event_key(SENDER, second), "nej"),
    ]
    assert [r["turn_index"] for r in built.rows] == [0, 1, 2, 3]
    assert built.rows[1]["question"] == "/deny" and built.rows[1]["topic"] == "pas"


def test_ja_in_a_later_batch_updates_the_answer_written_before() -> None:
    talk = Conversation(SENDER, MONDAY_MORNING).start_session()
    answered = talk.answer("hvad koster et pas", "ask_pas", "pas-pris", "pas")
    before = build(talk.events)
    assert before.state.last_answer_key == event_key(SENDER, answered)
    mark = len(talk.events)
    talk.feedback(True, "pas-pris")
    after = build(talk.events[mark:], ConversationState.from_json(json.loads(json.dumps(before.state.to_json()))))
    assert after.feedback == [FeedbackUpdate(event_key(SENDER, answered), "ja")]
    (row,) = after.rows
    assert (row["outcome"], row["reason"], row["turn_index"], row["feedback"]) == ("feedback", "ja", 1, None)


def test_a_greeting_is_other_and_a_turn_without_its_listen_closes_at_the_next_message_or_a_flush() -> None:
    talk = Conversation(SENDER, MONDAY_MORNING).start_session()
    talk.greeting()
    (greeting,) = build(talk.events).rows
    assert (greeting["outcome"], greeting["reason"], greeting["topic"], greeting["intent"]) == (
        "other",
        None,
        None,
        "greet",
    )

    unfinished = Conversation(SENDER, MONDAY_MORNING).start_session()
    unfinished.user("tak for hjælpen", "thanks")
    unfinished.bot("Det var så lidt.")
    waiting = build(unfinished.events)
    assert waiting.rows == [] and waiting.state.open_turn is not None
    assert [row["outcome"] for row in TurnBuilder(SENDER, waiting.state, "kalundborg").flush().rows] == ["other"]
    unfinished.answer("hvad koster et pas", "ask_pas", "pas-pris", "pas")
    assert [row["outcome"] for row in build(unfinished.events).rows] == ["other", "answer"]


def test_a_turn_the_bot_said_nothing_in_is_left_to_the_gateway() -> None:
    talk = Conversation(SENDER, MONDAY_MORNING).start_session()
    talk.user("hvad koster et pas", "ask_pas")
    talk.listen()  # the action server was down: no reply, no outcome (the gateway answered 503)
    talk.answer("hvad koster et pas", "ask_pas", "pas-pris", "pas")
    (row,) = build(talk.events).rows
    assert (row["outcome"], row["turn_index"]) == ("answer", 0)


def conversation_of_every_kind() -> Conversation:
    talk = Conversation(SENDER, MONDAY_MORNING).start_session()
    talk.greeting()
    talk.answer("hvad koster et pas", "ask_pas", "pas-pris", "pas")
    talk.feedback(False, "pas-pris")
    talk.clarification("pas ting", "ask_pas", "low_confidence", "pas-forny", 0.3, topic="pas")
    talk.hand_over("pas ting igen", "ask_pas", "no_answer")
    talk.hours("åbningstider")
    return talk


@pytest.mark.parametrize("size", [1, 2, 3, 7, 1000])
def test_batches_of_any_size_give_the_same_turns(size: int) -> None:
    events = conversation_of_every_kind().events
    whole = build(events)
    state, rows, feedback = None, [], []
    for start in range(0, len(events), size):
        part = build(events[start : start + size], state)
        state = ConversationState.from_json(json.loads(json.dumps(part.state.to_json())))
        rows += part.rows
        feedback += part.feedback
    # A row written in an earlier batch gets its feedback as an update instead.
    for update in feedback:
        next(row for row in rows if row["event_key"] == update.event_key)["feedback"] = update.feedback
    assert rows == whole.rows
    assert [row["outcome"] for row in rows] == ["other", "answer", "feedback", "clarification", "escalation", "hours"]


def test_events_delivered_again_change_nothing() -> None:
    events = conversation_of_every_kind().events
    once = build(events)
    # A broker redelivers what it had not been told was committed: the tail, maybe all of it.
    for start in (0, len(events) // 2, len(events) - 3):
        again = build(events[start:], once.state)
        assert (again.rows, again.feedback) == ([], [])
        assert again.skipped == len(events) - start
        assert again.state == once.state
