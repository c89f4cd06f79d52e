"""Events the broker delivers late (RabbitMQ restarted; Rasa resends what it could not publish, after
newer events): each still counts in its own turn, as if they had come in order."""

from __future__ import annotations

from typing import Any

from bot.analytics.turns import ConversationState, TurnBuilder
from tests.unit.bot.analytics.rasa_events import Conversation

START = 1_796_000_000.0


def three_turns() -> tuple[Conversation, list[int]]:
    """An answer, a clarification and an opening-hours answer; the index where each turn starts."""
    talk = Conversation("c" * 32, START).start_session()
    starts = [len(talk.events)]
    talk.answer("Hvad koster et pas?", "ask_pas", "pas-pris", "pas")
    starts.append(len(talk.events))
    talk.clarification("noget med flytning", "ask_flytning", "low_confidence", "flytning-anmeld", 0.38)
    starts.append(len(talk.events))
    talk.hours("Hvornår har I åbent?")
    return talk, starts


def summary(rows: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    ordered = sorted(rows, key=lambda r: r["event_key"])
    return [(r["event_key"], r["outcome"], r["reason"], r["guide_id"], tuple(r["replies"])) for r in ordered]


def built(events: list[dict[str, Any]], batches: int = 1) -> list[dict[str, Any]]:
    """The rows, the events fed in ``batches`` parts with the state carried through JSON between them."""
    rows: list[dict[str, Any]] = []
    state: ConversationState | None = None
    size = -(-len(events) // batches)
    for part in range(batches):
        builder = TurnBuilder("c" * 32, state, "kalundborg").feed(events[part * size : (part + 1) * size])
        rows += builder.rows
        state = ConversationState.from_json(builder.state.to_json())
    return rows


def test_a_turns_replies_after_the_next_citizen_message_stay_in_their_turn() -> None:
    talk, starts = three_turns()
    events = talk.events
    # The second turn's user event went out; the rest of it only after the third turn.
    second_user = starts[1]
    late = events[second_user + 1 : starts[2]]
    reordered = [*events[: second_user + 1], *events[starts[2] :], *late]
    expected = summary(built(events))
    assert len(expected) == 3
    assert summary(built(reordered)) == expected
    assert summary(built(reordered, batches=3)) == expected


def test_a_whole_turn_delivered_late_is_counted_without_cutting_the_current_one() -> None:
    talk, starts = three_turns()
    events = talk.events
    second = events[starts[1] : starts[2]]
    reordered = [*events[: starts[1]], *events[starts[2] :], *second]
    assert summary(built(reordered)) == summary(built(events))


def test_a_turn_that_never_hears_back_is_left_to_the_gateway() -> None:
    talk = Conversation("c" * 32, START).start_session()
    talk.user("Hvad koster et pas?", "ask_pas")  # the gateway answered 503 and wrote this turn itself
    talk.answer("Hvor lang tid tager det?", "ask_pas", "pas-leveringstid", "pas")
    builder = TurnBuilder("c" * 32, None, "kalundborg").feed(talk.events).flush()
    assert [row["guide_id"] for row in builder.rows] == ["pas-leveringstid"]
