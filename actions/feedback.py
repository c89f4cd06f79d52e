"""action_handle_feedback: "Fik du svar på dit spørgsmål?" Ja/Nej, and free-text feedback.

A "Nej" invites the citizen to ask again in other words; a second "Nej" in a row hands
over to DDH. Every answer to the question is recorded for the weekly review.
"""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.clarify import clarify_or_escalate
from actions.escalate import hand_over
from actions.outcomes import count, outcome

logger = logging.getLogger(__name__)

NOT_HELPFUL_LIMIT = 2


class ActionHandleFeedback(Action):
    """Records Ja, Nej and comments on the last answer, and escalates on the second "Nej"."""

    def name(self) -> str:
        return "action_handle_feedback"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        guide_id = tracker.get_slot("last_guide_id")
        awaiting = bool(tracker.get_slot("awaiting_feedback"))

        if intent == "feedback":
            logger.info("actions.feedback.comment", extra={"guide_id": guide_id, "sender": tracker.sender_id})
            dispatcher.utter_message(response="utter_thanks_for_feedback")
            return [outcome("feedback", helpful=None, comment=True, guide_id=guide_id if awaiting else None)]

        if not awaiting:
            # "ja" or "nej" with no answer to judge: a message the bot did not understand
            # ("asdfg" and "??" land here too), so it counts as a miss.
            return clarify_or_escalate(dispatcher, tracker, f"{intent}_without_answer")

        helpful = intent == "affirm"
        logger.info("actions.feedback", extra={"helpful": helpful, "guide_id": guide_id, "sender": tracker.sender_id})
        recorded = outcome("feedback", helpful=helpful, comment=False, guide_id=guide_id)
        if helpful:
            dispatcher.utter_message(response="utter_glad_to_help")
            return [recorded, SlotSet("not_helpful_turns", 0), SlotSet("awaiting_feedback", False)]

        not_helpful = count(tracker, "not_helpful_turns") + 1
        if not_helpful >= NOT_HELPFUL_LIMIT:
            return [recorded, *hand_over(dispatcher, tracker, "not_helpful")]
        dispatcher.utter_message(response="utter_not_helpful_rephrase")
        return [recorded, SlotSet("not_helpful_turns", not_helpful), SlotSet("awaiting_feedback", False)]
