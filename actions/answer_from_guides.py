"""action_answer_from_guides: answer with the passage of a curated guide that answers, and cite it.

What to do with a message is decided in one place, ``kb.decision``; this action only
gathers its inputs (the search hits, NLU's intent, whether the message follows up an
answer, the misses so far) and carries the decision out. Follow-ups ("hvad koster det?")
are searched in the topic of the previous answer, with the topic's name in place of "det";
after opening hours they stay with opening hours.
"""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.clarify import clarify_or_escalate
from actions.escalate import hand_over
from actions.guides import chosen_guide, decide_for, give_answer, guide_buttons
from actions.opening_hours import ActionOpeningHours
from core.payload import is_button_payload
from core.topics import INTENT_TOPICS, TOPIC_WORDS

logger = logging.getLogger(__name__)

# A hand-over the decision makes, by its reason, as the escalation reasons the review counts.
HANDOVER_REASONS = {"off_topic": "out_of_scope", "out_of_scope": "out_of_scope"}


def followup_query(text: str, topic: str) -> str:
    """A follow-up ("hvad koster det?") with the topic's name in place of "det".

    Adding the whole previous question, or even the previous guide's title, pulled answers
    back to the previous guide ("hvad koster det?" after a renewal answered with the renewal
    guide again); the topic's name alone keeps the subject and lets the new detail choose.
    """
    return f"{text} {TOPIC_WORDS.get(topic, '')}".strip()


def answer_from_guides(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    query: str,
    topic: str | None,
    *,
    followup: bool = False,
) -> list[EventType]:
    """Search, let ``kb.decision`` decide, and carry it out: answer, ask once, or hand over."""
    intent = (tracker.latest_message.get("intent") or {}).get("name")
    decision = decide_for(tracker, query, topic, followup=followup)
    best = decision.best
    logger.info(
        "actions.answer.decision",
        extra={
            "action": decision.action,
            "reason": decision.reason,
            "intent": intent,
            "topic": topic,
            "guide_id": best.guide_id if best else None,
            "confidence": best.confidence if best else None,
            "in_scope": best.in_scope if best else None,
            "sender": tracker.sender_id,
        },
    )
    if decision.action == "answer" and best is not None:
        return give_answer(dispatcher, tracker, best)
    if decision.action == "hand_over":
        return hand_over(dispatcher, tracker, HANDOVER_REASONS.get(decision.reason, "no_answer"))
    best_guess = {"guide_id": best.guide_id, "confidence": round(best.confidence, 4)} if best else {}
    buttons = guide_buttons(list(decision.options))
    response = "utter_no_sure_answer_options" if buttons else "utter_no_sure_answer"
    return [
        SlotSet("last_topic", topic),
        *clarify_or_escalate(dispatcher, tracker, decision.reason, response, buttons=buttons, **best_guess),
    ]


class ActionAnswerFromGuides(Action):
    """Searches the guides for the citizen's message; NLU's intent is one input to the decision."""

    def name(self) -> str:
        return "action_answer_from_guides"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        intent = (tracker.latest_message.get("intent") or {}).get("name") or ""
        text = tracker.latest_message.get("text") or ""
        chosen = chosen_guide(tracker)
        if chosen is not None:
            return give_answer(dispatcher, tracker, chosen)
        if is_button_payload(text) and intent in INTENT_TOPICS:
            # A topic button after a clarification: ask what they want to know about it.
            dispatcher.utter_message(response=f"utter_ask_topic_question_{INTENT_TOPICS[intent]}")
            return [SlotSet("last_topic", INTENT_TOPICS[intent]), SlotSet("awaiting_feedback", False)]
        if intent == "ask_followup":
            topic = tracker.get_slot("last_topic")
            if not topic:
                return clarify_or_escalate(dispatcher, tracker, "followup_without_context", "utter_ask_followup_topic")
            if topic == "aabningstider":
                # "hvad med i morgen?" after opening hours: still about hours.
                return await ActionOpeningHours().run(dispatcher, tracker, domain)
            return answer_from_guides(dispatcher, tracker, followup_query(text, topic), topic, followup=True)
        # NLU's topic is searched first, then every topic (actions.guides.decide_for).
        return answer_from_guides(dispatcher, tracker, text, INTENT_TOPICS.get(intent))
