"""action_answer_from_guides: answer with a curated guide's short answer, and cite it.

Also serves follow-ups ("hvad koster det?"): they are searched in the topic of the
previous answer, with the previous question as context.
"""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.clarify import clarify_or_escalate
from actions.context import (
    INTENT_TOPICS,
    answer_threshold,
    borgerbot_payload,
    guide_search,
    municipality_for,
    scope_threshold,
)
from actions.escalate import hand_over
from actions.outcomes import outcome
from kb.search import IndexUnavailableError, SearchHit

logger = logging.getLogger(__name__)

# How many guides a search returns, and a clarification offers as "Mener du …?" buttons.
OPTIONS = 3


# A word that names each topic, for follow-ups that carry none of their own.
TOPIC_WORDS = {"pas": "pas", "flytning": "flytning", "mitid": "MitID", "aabningstider": "Borgerservice"}


def followup_query(text: str, topic: str) -> str:
    """A follow-up ("hvad koster det?") with the topic's name in place of "det".

    Adding the whole previous question instead pulled answers back to the previous
    guide ("hvad koster det?" after a renewal answered with the renewal guide again).
    """
    return f"{text} {TOPIC_WORDS.get(topic, '')}".strip()


def search_guides(tracker: Tracker, query: str, topic: str | None) -> list[SearchHit]:
    """The best guides for the query in the topic and the citizen's municipality, best first."""
    try:
        return guide_search().search(query, municipality=municipality_for(tracker).slug, topic=topic, k=OPTIONS)
    except IndexUnavailableError:
        logger.exception("actions.answer.index_unavailable")
        return []


def guide_buttons(hits: list[SearchHit]) -> list[dict[str, str]]:
    """ "Mener du …?" buttons: each sends the guide's topic intent with the guide's id."""
    intents = {topic: intent for intent, topic in INTENT_TOPICS.items()}
    return [
        {"title": hit.title, "payload": f'/{intents[hit.topic]}{{"guide_id": "{hit.guide_id}"}}'}
        for hit in hits
        if hit.topic in intents
    ]


def chosen_guide(tracker: Tracker) -> SearchHit | None:
    """The guide a "Mener du …?" button named, if the citizen clicked one."""
    guide_id = next(tracker.get_latest_entity_values("guide_id"), None)
    if not guide_id or not (tracker.latest_message.get("text") or "").startswith("/"):
        return None
    try:
        return guide_search().guide(str(guide_id), municipality_for(tracker).slug)
    except IndexUnavailableError:
        logger.exception("actions.answer.index_unavailable")
        return None


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


def give_answer(dispatcher: CollectingDispatcher, tracker: Tracker, best: SearchHit) -> list[EventType]:
    """The guide's short answer, its "Læs mere" links and source, and "Fik du svar?"."""
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
    question = tracker.latest_message.get("text") or ""
    intent = (tracker.latest_message.get("intent") or {}).get("name")
    events: list[EventType] = [
        outcome(
            "answer",
            guide_id=best.guide_id,
            topic=best.topic,
            score=round(best.score, 4),
            confidence=round(best.confidence, 4),
        ),
        SlotSet("last_topic", best.topic),
        SlotSet("last_guide_id", best.guide_id),
        SlotSet("unclear_turns", 0),
        SlotSet("awaiting_feedback", True),
    ]
    if intent != "ask_followup" and not question.startswith("/"):
        events.append(SlotSet("last_question", question))
    return events


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
        if text.startswith("/") and intent in INTENT_TOPICS:
            # A topic button after a clarification: ask what they want to know about it.
            dispatcher.utter_message(response=f"utter_ask_topic_question_{INTENT_TOPICS[intent]}")
            return [SlotSet("last_topic", INTENT_TOPICS[intent]), SlotSet("awaiting_feedback", False)]
        if intent == "ask_followup":
            topic = tracker.get_slot("last_topic")
            if not topic:
                return clarify_or_escalate(dispatcher, tracker, "followup_without_context", "utter_ask_followup_topic")
            # The intent already says it is a follow-up of an in-scope answer: no scope gate.
            return answer_from_guides(dispatcher, tracker, followup_query(text, topic), topic, check_scope=False)
        if intent == "out_of_scope":
            # NLU's out_of_scope also catches in-scope questions phrased around other matters
            # ("kan jeg rejse til norge med kørekort"): a guide that clearly answers still may.
            return answer_from_guides(dispatcher, tracker, text, None, clarify=False)
        topic = INTENT_TOPICS.get(intent) or tracker.get_slot("last_topic")
        return answer_from_guides(dispatcher, tracker, text, topic)
