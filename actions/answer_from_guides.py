"""action_answer_from_guides: answer with a curated guide's short answer, and cite it.

Also serves follow-ups ("hvad koster det?"): they are searched in the topic of the
previous answer, with the topic's name in place of "det"; after opening hours they stay
with opening hours.
"""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.clarify import clarify_or_escalate
from actions.context import answer_threshold, scope_threshold
from actions.escalate import hand_over
from actions.guides import chosen_guide, give_answer, guide_buttons, search_guides
from actions.opening_hours import ActionOpeningHours
from core.payload import is_button_payload
from core.topics import INTENT_TOPICS, TOPIC_WORDS

logger = logging.getLogger(__name__)


def followup_query(text: str, topic: str) -> str:
    """A follow-up ("hvad koster det?") with the topic's name in place of "det".

    Adding the whole previous question instead pulled answers back to the previous
    guide ("hvad koster det?" after a renewal answered with the renewal guide again).
    """
    return f"{text} {TOPIC_WORDS.get(topic, '')}".strip()


def answer_from_guides(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    query: str,
    topic: str | None,
    *,
    check_scope: bool = True,
    clarify: bool = True,
) -> list[EventType]:
    """Answer from the best guide, or clarify once, or hand over; never answer below the bar.

    With ``clarify=False`` (NLU already judged the message another matter) anything but a
    confident in-scope answer is handed over at once, without a clarifying detour.
    """
    hits = search_guides(tracker, query, topic)
    best = hits[0] if hits else None
    if not clarify and (best is None or best.confidence < answer_threshold()):
        return hand_over(dispatcher, tracker, "out_of_scope")
    if check_scope and best is not None and best.in_scope is not None and best.in_scope < scope_threshold():
        # Clearly another matter (a driving licence, say): no guess, no clarifying detour.
        logger.info("actions.answer.off_topic", extra={"in_scope": best.in_scope, "sender": tracker.sender_id})
        return hand_over(dispatcher, tracker, "out_of_scope")
    if best is None or best.confidence < answer_threshold():
        logger.info(
            "actions.answer.below_bar",
            extra={"topic": topic, "confidence": best.confidence if best else None, "sender": tracker.sender_id},
        )
        best_guess = {"guide_id": best.guide_id, "confidence": round(best.confidence, 4)} if best else {}
        buttons = guide_buttons(hits)
        response = "utter_no_sure_answer_options" if buttons else "utter_no_sure_answer"
        return [
            SlotSet("last_topic", topic),
            *clarify_or_escalate(dispatcher, tracker, "low_confidence", response, buttons=buttons, **best_guess),
        ]
    return give_answer(dispatcher, tracker, best)


class ActionAnswerFromGuides(Action):
    """Searches the guides for the citizen's message within the predicted topic."""

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
            # The intent already says it is a follow-up of an in-scope answer: no scope gate.
            return answer_from_guides(dispatcher, tracker, followup_query(text, topic), topic, check_scope=False)
        if intent == "out_of_scope":
            # NLU's out_of_scope also catches in-scope questions phrased around other matters
            # ("kan jeg rejse til norge med kørekort"): a guide that clearly answers still may.
            return answer_from_guides(dispatcher, tracker, text, None, clarify=False)
        topic = INTENT_TOPICS.get(intent) or tracker.get_slot("last_topic")
        return answer_from_guides(dispatcher, tracker, text, topic)
