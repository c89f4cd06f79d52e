"""The turns the gateway answers itself, written to ``analytics_turns`` with source "gateway".

Rasa never sees them, so its event broker cannot tell the review about them: a message in another
language (outcome ``other_language``, with the language) and a message answered with the degraded
503 (outcome ``degraded``, reason ``technical``). Recording one never fails the citizen's reply.
A degraded turn keeps the ``message_id`` the gateway sent Rasa, so a late Rasa turn for the same
message is not counted as well (bot.analytics.writer).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal, Protocol

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from bot.analytics.turns import clip, time_columns
from bot.analytics.writer import record_gateway_turn

logger = logging.getLogger(__name__)

GatewayOutcome = Literal["other_language", "degraded"]
SOURCE = "gateway"


@dataclass(frozen=True)
class GatewayTurn:
    """One message the gateway answered without Rasa."""

    conversation_id: str
    municipality: str
    turn_index: int  # the citizen messages in the conversation's transcript before this one
    outcome: GatewayOutcome
    question: str  # masked
    replies: Sequence[str]
    language: str | None = None
    reason: str | None = None
    message_id: str | None = None  # the id the gateway sent Rasa with the message, if it did
    at: datetime = field(default_factory=lambda: datetime.now(UTC))

    def row(self) -> dict[str, Any]:
        return {
            # No broker redelivers it: a fresh key per message.
            "event_key": f"{SOURCE}:{self.conversation_id}:{uuid.uuid4().hex}",
            "conversation_id": self.conversation_id,
            "municipality": clip("municipality", self.municipality),
            "turn_index": self.turn_index,
            **time_columns(self.at),
            "topic": None,
            "outcome": self.outcome,
            "reason": self.reason,
            "guide_id": None,
            "passage": None,
            "confidence": None,
            "intent": None,
            "feedback": None,
            "language": clip("language", self.language),
            "question": self.question,
            "replies": list(self.replies),
            "source": SOURCE,
            "message_id": clip("message_id", self.message_id),
        }


def other_language_turn(
    conversation_id: str, municipality: str, turn_index: int, question: str, language: str, replies: Sequence[str]
) -> GatewayTurn:
    """A message in another language, answered with the short reply in that language (bot.language)."""
    return GatewayTurn(
        conversation_id, municipality, turn_index, "other_language", question, replies, language=language
    )


def degraded_turn(
    conversation_id: str,
    municipality: str,
    turn_index: int,
    question: str,
    replies: Sequence[str],
    message_id: str | None = None,
) -> GatewayTurn:
    """A message answered with the 503 and DDH's number: Rasa or the action server failed (``message_id``:
    the id the message was sent to Rasa with, which may still answer it late)."""
    return GatewayTurn(
        conversation_id,
        municipality,
        turn_index,
        "degraded",
        question,
        replies,
        reason="technical",
        message_id=message_id,
    )


def turn_index(history: Sequence[tuple[str, Any]]) -> int:
    """The next turn's index: how many citizen messages the transcript holds."""
    return sum(1 for role, _ in history if role == "citizen")


class TurnRecorder(Protocol):
    """Where the gateway records its own turns (tests pass tests.fakes.FakeTurnRecorder)."""

    def record(self, turn: GatewayTurn) -> None: ...


class SqlTurnRecorder:
    """Writes each turn to ``analytics_turns``; a database error is logged, never raised at the citizen."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def record(self, turn: GatewayTurn) -> None:
        try:
            with self.engine.begin() as conn:
                record_gateway_turn(conn, turn.row())
        except SQLAlchemyError as exc:
            # The review misses one turn; the citizen still gets the reply.
            logger.error(
                "analytics.gateway_turn_failed",
                extra={"outcome": turn.outcome, "session": turn.conversation_id, "error": type(exc).__name__},
            )
