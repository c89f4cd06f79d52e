"""What the bot did with each message, and whether that was right: pure functions."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from core.topics import topic_of_guide_id
from ops.eval.cases import Conversation, Expected, Turn
from ops.facts import holds_fact
from ops.review import Turn as StoredTurn

# Guides about hours: an opening-hours reply from the data files answers them.
HOURS_GUIDES = frozenset({"aabningstider-digital-hotline", "aabningstider-helligdage"})


# The recorded outcome kinds (actions.outcomes) as the cases name them; no outcome is smalltalk.
OBSERVED_KINDS = {
    "answer": "answer",
    "hours": "hours",
    "clarification": "clarify",
    "escalation": "escalate",
    "feedback": "feedback",
}


@dataclass(frozen=True)
class Observed:
    """The bot's turn, from the gateway's reply and the outcome events in the tracker store."""

    kind: str  # answer, hours, clarify, escalate, feedback, smalltalk
    intent: str | None
    guide: str | None = None
    topic: str | None = None
    reason: str | None = None
    escalated: bool = False
    helpful: bool | None = None
    reply: str = ""
    confidence: float | None = None  # of the answer, or of the best guess behind a clarification
    guess: str | None = None  # the guide a clarification nearly answered from
    lang: str | None = None  # the gateway answered in this language instead of sending the message on


def observe(response: dict[str, Any], stored: StoredTurn | None) -> Observed:
    """Combine the gateway's reply (what the citizen saw) with the recorded outcome."""
    messages = response.get("messages") or []
    reply = " / ".join(m.get("text", "") for m in messages)
    source = next((m["source"] for m in messages if m.get("source") and m["source"].get("guide_id")), None)
    outcomes = stored.outcomes if stored else []
    last = outcomes[-1] if outcomes else {}
    kind = OBSERVED_KINDS.get(last.get("kind", ""), "smalltalk")
    feedback = next((o for o in outcomes if o.get("kind") == "feedback"), {})
    guide = source.get("guide_id") if source else None
    return Observed(
        kind=kind,
        intent=stored.intent if stored else None,
        guide=guide,
        topic=topic_of_guide_id(guide) if guide else None,
        reason=last.get("reason") if kind == "escalate" else None,
        escalated=bool(response.get("escalated")),
        helpful=feedback.get("helpful"),
        reply=reply,
        confidence=last.get("confidence"),
        guess=last.get("guide_id") if kind == "clarify" else None,
        lang=next((str(m["lang"]) for m in messages if m.get("lang")), None),
    )


def answered(observed: Observed) -> bool:
    return observed.kind in ("answer", "hours")


def correct(expect: Expected, observed: Observed) -> bool:
    """Did the bot do what the case expects?"""
    if expect.kind == "answer":
        if observed.kind == "hours":
            return expect.guide in HOURS_GUIDES or (expect.guide is None and expect.topic == "aabningstider")
        if observed.kind != "answer":
            return False
        return observed.guide == expect.guide if expect.guide else observed.topic == expect.topic
    if expect.kind == "hours":
        return observed.kind == "hours" or (observed.kind == "answer" and observed.guide in HOURS_GUIDES)
    if expect.kind == "escalate":
        return observed.escalated
    if expect.kind == "decline":
        return not answered(observed)
    if expect.kind == "clarify":
        # A first "Nej" invites the citizen to ask again: that is the clarifying turn.
        return observed.kind == "clarify" or (observed.kind == "feedback" and observed.helpful is False)
    if expect.kind == "feedback":
        return observed.kind == "feedback"
    # smalltalk: a polite reply, no answer and no hand-over ("Ja" to "Fik du svar?" included).
    return observed.kind in ("smalltalk", "feedback") and not observed.escalated


def fact_held(expect: Expected, observed: Observed) -> bool | None:
    """Did the reply hold the fact asked for? None for a turn with no fact label."""
    if not expect.must_contain:
        return None
    return answered(observed) and holds_fact(observed.reply, expect.must_contain)


def confident_miss(expect: Expected, observed: Observed) -> bool:
    """An answer given to a fact-labelled question that holds none of its facts: worse than a hand-over."""
    return bool(expect.must_contain) and answered(observed) and not holds_fact(observed.reply, expect.must_contain)


def wrong_answer(expect: Expected, observed: Observed) -> bool:
    """Answered when it should not have, or from the wrong guide: the failure we must not make."""
    return answered(observed) and not (expect.kind in ("answer", "hours") and correct(expect, observed))


@dataclass
class Result:
    """One conversation as it went."""

    conversation: Conversation
    observed: list[Observed] = field(default_factory=list)

    def turns(self) -> list[tuple[Turn, Observed]]:
        return list(zip(self.conversation.turns, self.observed, strict=False))
