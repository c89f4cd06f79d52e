"""action_answer_from_guides: answer with a curated guide's short answer, and cite it."""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.context import (
    INTENT_TOPICS,
    answer_threshold,
    borgerbot_payload,
    guide_search,
    municipality_for,
    scope_threshold,
)
from actions.escalate import hand_over
from kb.search import IndexUnavailableError

logger = logging.getLogger(__name__)


class ActionAnswerFromGuides(Action):
    """Searches the guides for the citizen's message within the predicted topic."""

    def name(self) -> str:
        return "action_answer_from_guides"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        topic = INTENT_TOPICS.get(intent or "") or tracker.get_slot("last_topic")
        municipality = municipality_for(tracker)
        query = tracker.latest_message.get("text") or ""
        try:
            hits = guide_search().search(query, municipality=municipality.slug, topic=topic, k=3)
        except IndexUnavailableError:
            logger.exception("actions.answer.index_unavailable")
            hits = []

        best = hits[0] if hits else None
        if best is not None and best.in_scope is not None and best.in_scope < scope_threshold():
            # Clearly another matter (a driving licence, say): no guess, no clarifying detour.
            logger.info("actions.answer.off_topic", extra={"in_scope": best.in_scope, "sender": tracker.sender_id})
            hand_over(dispatcher, tracker, "out_of_scope")
            return []
        if best is None or best.confidence < answer_threshold():
            logger.info(
                "actions.answer.below_bar",
                extra={"topic": topic, "confidence": best.confidence if best else None, "sender": tracker.sender_id},
            )
            dispatcher.utter_message(
                response="utter_no_sure_answer",
                municipality_name=municipality.name,
                municipality_phone=municipality.phone,
            )
            dispatcher.utter_message(json_message=borgerbot_payload(clarification=True))
            return [SlotSet("last_topic", topic)]

        logger.info(
            "actions.answer.guide",
            extra={
                "guide_id": best.guide_id,
                "confidence": best.confidence,
                "topic": best.topic,
                "sender": tracker.sender_id,
            },
        )
        dispatcher.utter_message(text=best.short_answer)
        dispatcher.utter_message(
            json_message=borgerbot_payload(
                links=best.links,
                source={
                    "guide_id": best.guide_id,
                    "title": best.title,
                    "topic": best.topic,
                    "last_reviewed": best.last_reviewed,
                    "score": best.score,
                    "confidence": best.confidence,
                    "url": best.sources[0] if best.sources else None,
                },
            )
        )
        dispatcher.utter_message(response="utter_ask_helpful")
        return [SlotSet("last_topic", best.topic), SlotSet("last_guide_id", best.guide_id)]
