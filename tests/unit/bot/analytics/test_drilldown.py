"""Behind each figure of the seeded week: exactly the conversations it counts, newest first."""

from __future__ import annotations

import pytest

from bot.analytics.drilldown import BEHIND, FIGURES, conversations_behind
from bot.analytics.metrics import select
from tests.unit.bot.analytics import synthetic_week
from tests.unit.bot.analytics.turn_rows import SCHEDULES

EXPECTED = {
    "conversations": ["k5", "k4", "k3", "k7", "k2", "k1"],
    "citizen_messages": ["k5", "k4", "k3", "k7", "k2", "k1"],
    "fallback_rate": ["k3", "k7", "k2"],
    "containment": ["k4", "k7", "k2"],
    "handovers": ["k4", "k7", "k2"],
    "handovers.request_human": ["k4"],
    "handovers.out_of_scope": [],
    "handovers.no_answer": ["k2"],
    "handovers.not_helpful": ["k7"],
    "handovers.technical": ["k7"],
    "helpfulness": ["k1"],
    "outside_hours": ["k5", "k4", "k3", "k2"],
    "other_languages": ["k5"],
    "abandonment": ["k3"],
}


def test_every_figure_has_a_name_and_a_drill_down() -> None:
    assert set(EXPECTED) == set(FIGURES) == set(BEHIND)


@pytest.mark.parametrize("figure", sorted(EXPECTED))
def test_the_conversations_behind_a_figure(figure: str) -> None:
    week = select(synthetic_week.kalundborg(), synthetic_week.WEEK)
    found = conversations_behind(week, figure, SCHEDULES)
    assert [c.conversation_id for c in found] == EXPECTED[figure]


def test_a_summary_names_the_first_question_and_the_last_outcome() -> None:
    week = select(synthetic_week.kalundborg(), synthetic_week.WEEK)
    (k2,) = [c for c in conversations_behind(week, "handovers.no_answer", SCHEDULES)]
    assert (k2.messages, k2.first_question, k2.last_outcome) == (2, "Hvordan fornyer jeg mit kørekort?", "escalation")


def test_no_turns_no_conversations_and_an_unknown_figure_is_refused() -> None:
    assert conversations_behind([], "conversations", SCHEDULES) == []
    with pytest.raises(KeyError):
        conversations_behind([], "findes-ikke", SCHEDULES)
