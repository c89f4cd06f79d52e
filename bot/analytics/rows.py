"""One citizen message as the weekly review reads it (`TurnRow`), loaded from `analytics_turns`.

The rules of what a turn counts as live here, once: a hand-over and its reason, a fallback
(the bot had no answer) and an unanswered question (what the question groups are made of).
Week, local time and hour are derived from the UTC time ``at`` (bot.analytics.weeks), so the
figures never depend on how a writer filled the convenience columns.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, RowMapping, select

from bot.analytics.tables import turns_table
from bot.analytics.weeks import iso_week, week_bounds
from core.payload import is_button_payload
from kb.hours import COPENHAGEN

# A turn the bot handed to a human: an escalation, or a technical failure (the gateway's 503 names DDH).
HANDOVER_OUTCOMES = frozenset({"escalation", "degraded"})
# Hand-over reasons that mean the bot had no answer (docs/review.md, "fallback rate").
FALLBACK_REASONS = frozenset({"no_answer", "second_miss", "not_helpful"})
# Hand-over reasons that leave a question unanswered: the question groups are made of these.
NO_ANSWER_REASONS = frozenset({"no_answer", "second_miss"})

# The hand-over categories managers read, in the order they are shown, with their Danish labels.
HANDOVER_LABELS: dict[str, str] = {
    "request_human": "Bad om en medarbejder",
    "out_of_scope": "Andet emne",
    "no_answer": "Intet sikkert svar",
    "not_helpful": "To gange 'Nej'",
    "technical": "Teknisk fejl",
}
# Escalation reasons recorded by the actions, by category; an unknown reason is treated as the
# action treats it (actions/escalate.py answers it as "no answer").
_REASON_CATEGORY = {
    "request_human": "request_human",
    "out_of_scope": "out_of_scope",
    "no_answer": "no_answer",
    "second_miss": "no_answer",
    "not_helpful": "not_helpful",
    "technical": "technical",
    "degraded": "technical",
}


@dataclass(frozen=True, slots=True)
class TurnRow:
    """One row of `analytics_turns`; ``local``, ``week`` and ``hour`` are Copenhagen time, derived."""

    conversation_id: str
    municipality: str
    turn_index: int
    at: datetime
    outcome: str
    topic: str | None = None
    reason: str | None = None
    guide_id: str | None = None
    passage: str | None = None
    confidence: float | None = None
    intent: str | None = None
    feedback: str | None = None
    language: str | None = None
    question: str = ""
    replies: tuple[str, ...] = ()
    source: str = "rasa"
    local: datetime = field(init=False, compare=False)
    week: str = field(init=False, compare=False)
    hour: int = field(init=False, compare=False)

    def __post_init__(self) -> None:
        if self.at.tzinfo is None:
            raise ValueError("a turn's time must be timezone-aware")
        local = self.at.astimezone(COPENHAGEN)
        object.__setattr__(self, "local", local)
        object.__setattr__(self, "week", iso_week(local))
        object.__setattr__(self, "hour", local.hour)


def handover_category(turn: TurnRow) -> str | None:
    """The hand-over category (a key of HANDOVER_LABELS) of a turn that handed over; None otherwise."""
    if turn.outcome == "degraded":
        return "technical"
    if turn.outcome != "escalation":
        return None
    return _REASON_CATEGORY.get(turn.reason or "", "no_answer")


def is_handover(turn: TurnRow) -> bool:
    return turn.outcome in HANDOVER_OUTCOMES


def is_fallback(turn: TurnRow) -> bool:
    """The bot had no answer: it asked once, or handed over for lack of an answer."""
    return turn.outcome == "clarification" or (turn.outcome == "escalation" and turn.reason in FALLBACK_REASONS)


def is_unanswered(turn: TurnRow) -> bool:
    """A question the bot could not answer, in the citizen's words (a button's payload is the bot's)."""
    if not turn.question.strip() or is_button_payload(turn.question):
        return False
    return turn.outcome == "clarification" or (turn.outcome == "escalation" and turn.reason in NO_ANSWER_REASONS)


def _replies(value: Any) -> tuple[str, ...]:
    """The replies column: a list of texts (a dict with a ``text`` is read as its text)."""
    if not isinstance(value, list):
        return ()
    texts = [item.get("text") if isinstance(item, Mapping) else item for item in value]
    return tuple(str(text) for text in texts if text)


def _row(mapping: RowMapping) -> TurnRow:
    return TurnRow(
        conversation_id=mapping["conversation_id"],
        municipality=mapping["municipality"],
        turn_index=mapping["turn_index"],
        at=mapping["at"],
        outcome=mapping["outcome"],
        topic=mapping["topic"],
        reason=mapping["reason"],
        guide_id=mapping["guide_id"],
        passage=mapping["passage"],
        confidence=mapping["confidence"],
        intent=mapping["intent"],
        feedback=mapping["feedback"],
        language=mapping["language"],
        question=mapping["question"],
        replies=_replies(mapping.get("replies")),
        source=mapping["source"],
    )


_ORDER = (turns_table.c.at, turns_table.c.turn_index, turns_table.c.id)


def load_turns(engine: Engine, municipality: str, weeks: Sequence[str]) -> list[TurnRow]:
    """A municipality's turns in the given weeks (Copenhagen ISO weeks), oldest first, without the replies."""
    if not weeks:
        return []
    bounds = [week_bounds(week) for week in weeks]
    wanted = set(weeks)
    # The figures and groups never read the bot's replies (a transcript does: load_conversation).
    columns = [column for column in turns_table.c if column.name != "replies"]
    query = (
        select(*columns)
        .where(turns_table.c.municipality == municipality)
        .where(turns_table.c.at >= min(start for start, _ in bounds))
        .where(turns_table.c.at < max(end for _, end in bounds))
        .order_by(*_ORDER)
    )
    with engine.connect() as conn:
        rows = [_row(mapping) for mapping in conn.execute(query).mappings()]
    return [row for row in rows if row.week in wanted]


def load_conversation(engine: Engine, conversation_id: str) -> list[TurnRow]:
    """Every turn of one conversation, in order."""
    query = select(turns_table).where(turns_table.c.conversation_id == conversation_id).order_by(*_ORDER)
    with engine.connect() as conn:
        return [_row(mapping) for mapping in conn.execute(query).mappings()]
