"""What the bot did in a turn, recorded as tracker events for the weekly fallback review.

Each action that ends a turn sets the ``outcome`` slot once. Slot events land in the
tracker store with the conversation, so answer, clarification, escalation and feedback
rates can be computed from the store alone (see ``ops.review``).
"""

from __future__ import annotations

from typing import Any, Literal

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet

OutcomeKind = Literal["answer", "clarification", "escalation", "feedback", "hours"]


def outcome(kind: OutcomeKind, **fields: Any) -> EventType:
    """The slot event that records this turn's outcome."""
    return SlotSet("outcome", {"kind": kind, **fields})


def count(tracker: Tracker, slot: str) -> int:
    """A counter slot as an int (unset counts as zero)."""
    value = tracker.get_slot(slot)
    return int(value) if isinstance(value, int | float) else 0


def reset_counters() -> list[EventType]:
    """After a hand-over or a helpful answer, the next miss starts from scratch."""
    return [SlotSet("unclear_turns", 0), SlotSet("not_helpful_turns", 0), SlotSet("awaiting_feedback", False)]
