"""One clarifying turn when the bot is unsure; a second miss in a row hands over to DDH."""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.context import municipality_for
from actions.escalate import hand_over
from actions.outcomes import count, outcome
from core.payload import is_button_payload

logger = logging.getLogger(__name__)


def clarify_or_escalate(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    reason: str,
    response: str = "utter_ask_rephrase",
    buttons: list[dict[str, str]] | None = None,
    **recorded: Any,
) -> list[EventType]:
    """Ask once (``response`` names DDH for those who would rather call); escalate on the next miss.

    ``recorded`` goes into the outcome (the best guess and its confidence, say), so the
    review can see what the bot nearly answered.
    """
    misses = count(tracker, "unclear_turns")
    if misses >= 1:
        return hand_over(dispatcher, tracker, "no_answer")
    municipality = municipality_for(tracker)
    logger.info("actions.clarify", extra={"reason": reason, "sender": tracker.sender_id})
    dispatcher.utter_message(
        response=response,
        buttons=buttons or [],
        municipality_name=municipality.name,
        municipality_phone=municipality.phone,
    )
    question = tracker.latest_message.get("text") or ""
    events: list[EventType] = [
        outcome("clarification", reason=reason, **recorded),
        SlotSet("unclear_turns", misses + 1),
        SlotSet("awaiting_feedback", False),
    ]
    if question and not is_button_payload(question):
        events.append(SlotSet("last_question", question))
    return events


class ActionClarifyOrEscalate(Action):
    """nlu_fallback (and core fallback): ask to rephrase or pick a topic, or hand over on the second miss."""

    def name(self) -> str:
        return "action_clarify_or_escalate"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        return clarify_or_escalate(dispatcher, tracker, "nlu_fallback")
