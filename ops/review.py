"""The weekly fallback review, computed from Rasa's tracker store alone.

The actions record each turn's outcome as an ``outcome`` slot event (actions.outcomes);
this module reads those events back, turn by turn, and computes the rates managers
review every week: answered, clarified, escalated (by reason) and found helpful.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import bindparam, create_engine, text

from bot.sessions import languages_redirected, make_engine
from core.log import configure_logging
from core.settings import get_settings

logger = logging.getLogger(__name__)


@dataclass
class Turn:
    """One citizen message, what NLU made of it, and the outcomes the actions recorded."""

    text: str
    intent: str | None
    entities: list[dict[str, Any]] = field(default_factory=list)
    outcomes: list[dict[str, Any]] = field(default_factory=list)


def turns_from_events(events: Iterable[dict[str, Any]]) -> list[Turn]:
    """Group a conversation's events into turns (events are Rasa's JSON event dicts, in order)."""
    turns: list[Turn] = []
    for event in events:
        if event.get("event") == "user":
            parse = event.get("parse_data") or {}
            turns.append(
                Turn(
                    text=event.get("text") or "",
                    intent=(parse.get("intent") or {}).get("name"),
                    entities=parse.get("entities") or [],
                )
            )
        elif event.get("event") == "slot" and event.get("name") == "outcome" and turns:
            if isinstance(event.get("value"), dict):
                turns[-1].outcomes.append(event["value"])
    return turns


def load_conversations(
    database_url: str, sender_ids: Sequence[str] | None = None, since: float | None = None
) -> dict[str, list[Turn]]:
    """Every conversation in the tracker store (or the given ones), as turns."""
    query = "SELECT sender_id, data FROM events WHERE type_name IN ('user', 'slot')"
    params: dict[str, Any] = {}
    if since is not None:
        query += " AND timestamp >= :since"
        params["since"] = since
    if sender_ids is not None:
        query += " AND sender_id IN :senders"
        params["senders"] = list(sender_ids)
    statement = text(query + " ORDER BY id")
    if sender_ids is not None:
        statement = statement.bindparams(bindparam("senders", expanding=True))
    events: dict[str, list[dict[str, Any]]] = {}
    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            for sender_id, data in conn.execute(statement, params):
                events.setdefault(sender_id, []).append(json.loads(data))
    finally:
        engine.dispose()
    return {sender: turns_from_events(evs) for sender, evs in events.items()}


@dataclass(frozen=True)
class Rates:
    """The week's figures: counts and the rates a manager reads."""

    conversations: int
    turns: int
    answers: int
    clarifications: int
    escalations: dict[str, int]
    helpful: int
    not_helpful: int
    comments: int
    escalated_conversations: int

    @property
    def fallback_rate(self) -> float:
        """Share of questions the bot could not answer (clarified or handed over)."""
        questions = self.answers + self.clarifications + sum(self.escalations.values())
        return (self.clarifications + sum(self.escalations.values())) / questions if questions else 0.0

    @property
    def escalation_rate(self) -> float:
        """Share of conversations that ended up with DDH."""
        return self.escalated_conversations / self.conversations if self.conversations else 0.0

    @property
    def helpfulness_rate(self) -> float:
        """Share of "Fik du svar?" answered Ja."""
        answered = self.helpful + self.not_helpful
        return self.helpful / answered if answered else 0.0


def rates(conversations: dict[str, list[Turn]]) -> Rates:
    """Count outcomes over the conversations."""
    kinds: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    helpful = not_helpful = comments = escalated_conversations = 0
    for turns in conversations.values():
        escalated = False
        for turn in turns:
            for recorded in turn.outcomes:
                kinds[recorded.get("kind", "")] += 1
                if recorded.get("kind") == "escalation":
                    reasons[str(recorded.get("reason"))] += 1
                    escalated = True
                elif recorded.get("kind") == "feedback":
                    if recorded.get("comment"):
                        comments += 1
                    elif recorded.get("helpful"):
                        helpful += 1
                    else:
                        not_helpful += 1
        escalated_conversations += escalated
    return Rates(
        conversations=len(conversations),
        turns=sum(len(t) for t in conversations.values()),
        answers=kinds["answer"] + kinds["hours"],
        clarifications=kinds["clarification"],
        escalations=dict(reasons),
        helpful=helpful,
        not_helpful=not_helpful,
        comments=comments,
        escalated_conversations=escalated_conversations,
    )


def report(figures: Rates, days: int, other_languages: Counter[str] | None = None) -> str:
    """The review as plain text for the weekly meeting."""
    lines = [
        f"Borgerbot review, last {days} days",
        f"conversations {figures.conversations}, citizen messages {figures.turns}",
        f"answers {figures.answers}, clarifications {figures.clarifications}, "
        f"escalations {sum(figures.escalations.values())} {dict(sorted(figures.escalations.items()))}",
        f"fallback rate {figures.fallback_rate:.3f}",
        f"escalation rate (conversations) {figures.escalation_rate:.3f}",
        f"helpful {figures.helpful}, not helpful {figures.not_helpful}, "
        f"helpfulness rate {figures.helpfulness_rate:.3f}, comments {figures.comments}",
    ]
    if other_languages is not None:
        # Answered by the gateway itself (not in the tracker store): a gap no guide can close.
        by_language = ", ".join(f"{code} {n}" for code, n in other_languages.most_common())
        lines.append(
            f"messages in other languages {sum(other_languages.values())}{f' ({by_language})' * bool(by_language)}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m ops.review", description=__doc__)
    parser.add_argument("--days", type=int, default=7)
    args = parser.parse_args(argv)
    settings = get_settings()
    configure_logging(settings.log_level)
    since = time.time() - args.days * 86400
    conversations = load_conversations(settings.tracker_database_url, since=since)
    engine = make_engine(settings.gateway_database_url)
    other_languages = languages_redirected(engine, datetime.fromtimestamp(since, UTC))
    engine.dispose()
    logger.info("review.done", extra={"conversations": len(conversations)})
    # The report is the command's output, for a human: stdout, not the log.
    sys.stdout.write(report(rates(conversations), args.days, other_languages) + "\n")


if __name__ == "__main__":
    main()
