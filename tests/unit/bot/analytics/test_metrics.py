"""Each figure of docs/review.md over no turns, one, and many; rates with nothing to count are None."""

from __future__ import annotations

from datetime import datetime

from bot.analytics import metrics
from bot.analytics.metrics import Rate
from tests.unit.bot.analytics.turn_rows import CPH, SCHEDULES, turn

MONDAY_NOON = datetime(2026, 11, 23, 12, 0, tzinfo=CPH)  # DDH and Borgerservice open
SATURDAY_NOON = datetime(2026, 11, 28, 12, 0, tzinfo=CPH)  # both closed
CHRISTMAS_DAY = datetime(2026, 12, 25, 12, 0, tzinfo=CPH)  # a Friday, but a public holiday
MONDAY_EVENING = datetime(2026, 11, 23, 20, 30, tzinfo=CPH)  # DDH closed at 20.00


def test_rate_of_nothing_is_none_not_zero() -> None:
    assert Rate(0, 0).value is None
    assert Rate(0, 4).value == 0.0
    assert Rate(1, 4).value == 0.25


def test_conversations_and_messages() -> None:
    assert metrics.conversations([]) == 0 and metrics.citizen_messages([]) == 0
    assert metrics.conversations([turn("a")]) == 1 and metrics.citizen_messages([turn("a")]) == 1
    many = [turn("a", 0), turn("a", 1), turn("b", 0), turn("c", 0), turn("c", 1), turn("c", 2)]
    assert metrics.conversations(many) == 3
    assert metrics.citizen_messages(many) == 6


def test_fallback_rate_counts_clarifications_and_handovers_for_lack_of_an_answer() -> None:
    assert metrics.fallback_rate([]) == Rate(0, 0)
    assert metrics.fallback_rate([turn(outcome="clarification", reason="low_confidence")]) == Rate(1, 1)
    many = [
        turn(outcome="answer"),
        turn(outcome="clarification", reason="nlu_fallback"),
        turn(outcome="escalation", reason="no_answer"),
        turn(outcome="escalation", reason="second_miss"),
        turn(outcome="escalation", reason="not_helpful"),
        turn(outcome="escalation", reason="request_human"),  # asked for a person: not a miss
        turn(outcome="escalation", reason="out_of_scope"),  # another matter: not a miss
        turn(outcome="degraded"),  # a technical failure: not a miss
    ]
    assert metrics.fallback_rate(many) == Rate(4, 8)


def test_containment_is_conversations_never_handed_over() -> None:
    assert metrics.containment([]).value is None
    assert metrics.containment([turn("a", outcome="escalation", reason="request_human")]) == Rate(0, 1)
    many = [
        turn("a", 0),
        turn("a", 1, outcome="clarification"),
        turn("b", 0),
        turn("b", 1, outcome="escalation", reason="no_answer"),
        turn("c", 0, outcome="degraded"),
        turn("d", 0, outcome="feedback"),
    ]
    assert metrics.containment(many) == Rate(2, 4)


def test_handovers_by_reason_has_every_reason() -> None:
    zero = {"request_human": 0, "out_of_scope": 0, "no_answer": 0, "not_helpful": 0, "technical": 0}
    assert metrics.handovers_by_reason([]) == zero
    assert metrics.handovers_by_reason([turn(outcome="escalation", reason="out_of_scope")]) == zero | {
        "out_of_scope": 1
    }
    many = [
        turn(outcome="escalation", reason="request_human"),
        turn(outcome="escalation", reason="request_human"),
        turn(outcome="escalation", reason="no_answer"),
        turn(outcome="escalation", reason="second_miss"),
        turn(outcome="escalation", reason="something_new"),  # as the action treats it: no answer
        turn(outcome="escalation", reason="not_helpful"),
        turn(outcome="escalation", reason="technical"),
        turn(outcome="degraded"),
        turn(outcome="clarification"),
        turn(outcome="answer"),
    ]
    counts = metrics.handovers_by_reason(many)
    assert counts == {"request_human": 2, "out_of_scope": 0, "no_answer": 3, "not_helpful": 1, "technical": 2}
    assert list(counts) == list(zero)  # the order the report shows


def test_helpfulness_is_ja_of_ja_and_nej() -> None:
    assert metrics.helpfulness([turn()]).value is None  # no one was asked
    assert metrics.helpfulness([turn(feedback="nej")]) == Rate(0, 1)
    many = [turn(feedback="ja"), turn(feedback="ja"), turn(feedback="ja"), turn(feedback="nej"), turn()]
    assert metrics.helpfulness(many) == Rate(3, 4)


def test_is_open_follows_the_week_and_holidays() -> None:
    ddh, borgerservice = SCHEDULES
    assert metrics.is_open(ddh, MONDAY_NOON) and metrics.is_open(borgerservice, MONDAY_NOON)
    assert metrics.is_open(ddh, MONDAY_EVENING.replace(minute=0, hour=19))
    assert not metrics.is_open(ddh, MONDAY_EVENING) and not metrics.is_open(borgerservice, MONDAY_EVENING)
    assert not metrics.is_open(ddh, CHRISTMAS_DAY) and not metrics.is_open(borgerservice, CHRISTMAS_DAY)


def test_outside_hours_judges_each_conversation_by_its_first_turn() -> None:
    assert metrics.outside_hours([], SCHEDULES).value is None
    assert metrics.outside_hours([turn(at=SATURDAY_NOON)], SCHEDULES) == Rate(1, 1)
    many = [
        turn("open", 0, at=MONDAY_NOON),
        turn("open", 1, at=MONDAY_EVENING),  # later turns do not count
        turn("saturday", 0, at=SATURDAY_NOON),
        turn("christmas", 0, at=CHRISTMAS_DAY),
        turn("evening", 1, at=MONDAY_EVENING.replace(minute=45)),
        turn("evening", 0, at=MONDAY_EVENING),
    ]
    assert metrics.outside_hours(many, SCHEDULES) == Rate(3, 4)


def test_outside_hours_needs_every_place_closed() -> None:
    ddh_only = datetime(2026, 11, 23, 9, 0, tzinfo=CPH)  # DDH opens 8.00, Borgerservice 10.00
    assert metrics.outside_hours([turn(at=ddh_only)], SCHEDULES) == Rate(0, 1)
    assert metrics.outside_hours([turn(at=ddh_only)], SCHEDULES[1:]) == Rate(1, 1)


def test_other_languages_by_language_most_first() -> None:
    assert metrics.other_languages([turn()]) == {}
    assert metrics.other_languages([turn(outcome="other_language", language="en")]) == {"en": 1}
    many = [
        turn(outcome="other_language", language="pl"),
        turn(outcome="other_language", language="en"),
        turn(outcome="other_language", language="pl"),
        turn(outcome="other_language", language="ar"),
        turn(outcome="other_language"),
        turn(outcome="answer", language="en"),
    ]
    assert list(metrics.other_languages(many).items()) == [("pl", 2), ("?", 1), ("ar", 1), ("en", 1)]


def test_abandonment_is_conversations_ending_in_a_clarification() -> None:
    assert metrics.abandonment([turn()]).value is None  # nobody was asked to rephrase
    assert metrics.abandonment([turn(outcome="clarification")]) == Rate(1, 1)
    many = [
        turn("left", 0),
        turn("left", 1, outcome="clarification"),
        turn("stayed", 0, outcome="clarification"),
        turn("stayed", 1),
        # Listed out of order: the last turn is the one with the highest index.
        turn("late", 1, at=datetime(2026, 11, 23, 10, 5, tzinfo=CPH), outcome="clarification"),
        turn("late", 0),
        turn("never", 0),
    ]
    assert metrics.abandonment(many) == Rate(2, 3)


def test_messages_by_hour_in_copenhagen_time() -> None:
    assert metrics.messages_by_hour([]) == (0,) * 24
    assert metrics.messages_by_hour([turn(at=MONDAY_NOON)])[12] == 1
    many = [turn(at=MONDAY_NOON), turn(at=MONDAY_EVENING, outcome="clarification"), turn(at=MONDAY_EVENING)]
    counts = metrics.messages_by_hour(many)
    assert counts[12] == 1 and counts[20] == 2 and sum(counts) == 3
    assert metrics.messages_by_hour(many, lambda t: t.outcome == "clarification")[20] == 1


def test_trend_has_the_week_and_eight_before_with_empty_weeks_as_none() -> None:
    turns = [turn("now", at=MONDAY_NOON), turn("earlier", at=datetime(2026, 10, 5, 12, tzinfo=CPH))]
    trend = metrics.trend(turns, "2026-W48", SCHEDULES)
    assert [f.week for f in trend] == [f"2026-W{n}" for n in range(40, 49)]
    assert [f.conversations for f in trend] == [0, 1, 0, 0, 0, 0, 0, 0, 1]
    assert trend[0].fallback_rate == Rate(0, 0) and trend[0].fallback_rate.value is None
    assert trend[1].fallback_rate == Rate(0, 1)


def test_a_topic_counts_only_its_turns() -> None:
    turns = [
        turn("a", 0, topic="pas"),
        turn("a", 1, outcome="escalation", reason="request_human"),
        turn("b", topic="mitid"),
    ]
    by_topic = metrics.trends_by_topic(turns, "2026-W48", SCHEDULES)
    assert set(by_topic) == {None, "pas", "flytning", "mitid", "aabningstider"}
    assert by_topic[None][-1].conversations == 2 and by_topic[None][-1].containment == Rate(1, 2)
    assert by_topic["pas"][-1].conversations == 1 and by_topic["pas"][-1].containment == Rate(1, 1)
    assert by_topic["flytning"][-1].citizen_messages == 0
