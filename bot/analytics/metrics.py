"""The weekly review's figures (docs/review.md, "Figures"): pure functions over a list of turns.

Each figure is computed per municipality × Copenhagen ISO week × topic (None = every topic),
with the eight weeks before. A rate whose denominator is zero is None, shown as "–": no data
is not 0 %. Per topic means the turns of that topic (a hand-over NLU gave no topic counts
under every topic only).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.analytics.rows import HANDOVER_LABELS, TurnRow, handover_category, is_fallback, is_handover
from bot.analytics.weeks import weeks_until
from core.topics import TOPICS
from kb.hours import COPENHAGEN, Schedule, hours_on

# The figures come with this many weeks before the one reviewed (so a trend is 9 weeks).
WEEKS_BEFORE = 8


@dataclass(frozen=True)
class Rate:
    """A share with its counts: ``value`` is None when nothing was counted."""

    numerator: int
    denominator: int

    @property
    def value(self) -> float | None:
        return self.numerator / self.denominator if self.denominator else None


@dataclass(frozen=True)
class Figures:
    """Every figure of one week (for one topic or all)."""

    week: str
    conversations: int
    citizen_messages: int
    fallback_rate: Rate
    containment: Rate
    handovers: Mapping[str, int]  # every key of HANDOVER_LABELS, in that order
    helpfulness: Rate
    outside_hours: Rate
    other_languages: Mapping[str, int]  # language code -> messages, most first
    abandonment: Rate


def _by_conversation(turns: Iterable[TurnRow]) -> dict[str, list[TurnRow]]:
    """Turns grouped by conversation, each in order (index within the conversation, then time)."""
    groups: dict[str, list[TurnRow]] = {}
    for turn in turns:
        groups.setdefault(turn.conversation_id, []).append(turn)
    for group in groups.values():
        group.sort(key=lambda t: (t.at, t.turn_index))
    return groups


def conversations(turns: Sequence[TurnRow]) -> int:
    """Distinct conversations with a turn among these."""
    return len({turn.conversation_id for turn in turns})


def citizen_messages(turns: Sequence[TurnRow]) -> int:
    """Every turn is one message from a citizen."""
    return len(turns)


def fallback_rate(turns: Sequence[TurnRow]) -> Rate:
    """Messages the bot had no answer for (asked once, or handed over for lack of one) / messages."""
    return Rate(sum(is_fallback(turn) for turn in turns), len(turns))


def containment(turns: Sequence[TurnRow]) -> Rate:
    """Conversations never handed to a human / conversations."""
    groups = _by_conversation(turns)
    contained = sum(not any(is_handover(turn) for turn in group) for group in groups.values())
    return Rate(contained, len(groups))


def handovers_by_reason(turns: Sequence[TurnRow]) -> dict[str, int]:
    """Hand-overs by category, every category present (zero when none)."""
    counted = Counter(category for turn in turns if (category := handover_category(turn)) is not None)
    return {key: counted.get(key, 0) for key in HANDOVER_LABELS}


def helpfulness(turns: Sequence[TurnRow]) -> Rate:
    """Answers rated "ja" / answers rated "ja" or "nej"."""
    rated = [turn.feedback for turn in turns if turn.feedback in ("ja", "nej")]
    return Rate(rated.count("ja"), len(rated))


def is_open(schedule: Schedule, moment: datetime) -> bool:
    """Whether a place is open at ``moment`` (Copenhagen time, holidays and closing days applied)."""
    local = moment.astimezone(COPENHAGEN)
    return any(start <= local.time() < end for start, end in hours_on(schedule, local.date()).intervals)


def started_outside_hours(first: TurnRow, schedules: Sequence[Schedule]) -> bool:
    """A conversation begun when none of the places (DDH, Borgerservice) was open."""
    return not any(is_open(schedule, first.at) for schedule in schedules)


def outside_hours(turns: Sequence[TurnRow], schedules: Sequence[Schedule]) -> Rate:
    """Conversations whose first turn came while DDH and Borgerservice were both closed / conversations."""
    groups = _by_conversation(turns)
    outside = sum(started_outside_hours(group[0], schedules) for group in groups.values())
    return Rate(outside, len(groups))


def other_languages(turns: Sequence[TurnRow]) -> dict[str, int]:
    """Messages answered with the "we answer in Danish" reply, by language, most first."""
    counted = Counter(turn.language or "?" for turn in turns if turn.outcome == "other_language")
    return dict(sorted(counted.items(), key=lambda item: (-item[1], item[0])))


def abandonment(turns: Sequence[TurnRow]) -> Rate:
    """Conversations whose last turn is a clarification / conversations with a clarification."""
    groups = _by_conversation(turns).values()
    clarified = [group for group in groups if any(turn.outcome == "clarification" for turn in group)]
    return Rate(sum(group[-1].outcome == "clarification" for group in clarified), len(clarified))


def messages_by_hour(turns: Sequence[TurnRow], keep: Callable[[TurnRow], bool] = lambda _: True) -> tuple[int, ...]:
    """Messages (those ``keep`` accepts) by hour of the day, Copenhagen time: 24 counts."""
    counts = [0] * 24
    for turn in turns:
        if keep(turn):
            counts[turn.hour] += 1
    return tuple(counts)


def week_figures(week: str, turns: Sequence[TurnRow], schedules: Sequence[Schedule]) -> Figures:
    """The figures of turns already narrowed to one week (and topic)."""
    return Figures(
        week=week,
        conversations=conversations(turns),
        citizen_messages=citizen_messages(turns),
        fallback_rate=fallback_rate(turns),
        containment=containment(turns),
        handovers=handovers_by_reason(turns),
        helpfulness=helpfulness(turns),
        outside_hours=outside_hours(turns, schedules),
        other_languages=other_languages(turns),
        abandonment=abandonment(turns),
    )


def select(turns: Iterable[TurnRow], week: str, topic: str | None = None) -> list[TurnRow]:
    """The turns of one week, and of one topic when given."""
    return [turn for turn in turns if turn.week == week and (topic is None or turn.topic == topic)]


def trend(
    turns: Sequence[TurnRow], week: str, schedules: Sequence[Schedule], topic: str | None = None
) -> tuple[Figures, ...]:
    """The week's figures and the eight weeks' before it, oldest first."""
    by_week: dict[str, list[TurnRow]] = {}
    for turn in turns:
        if topic is None or turn.topic == topic:
            by_week.setdefault(turn.week, []).append(turn)
    return tuple(week_figures(w, by_week.get(w, []), schedules) for w in weeks_until(week, WEEKS_BEFORE))


def trends_by_topic(
    turns: Sequence[TurnRow], week: str, schedules: Sequence[Schedule]
) -> dict[str | None, tuple[Figures, ...]]:
    """The trend for every topic together (key None) and for each topic of core.topics."""
    return {topic: trend(turns, week, schedules, topic) for topic in (None, *TOPICS)}
