"""Finding guides and giving a guide's answer: shared by the guide and opening-hours actions."""

from __future__ import annotations

import logging

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.context import entity_value, guide_search, municipality_for, thresholds
from actions.outcomes import count, outcome
from core.payload import Link, ReplyPayload, Source, button_payload, custom_message, is_button_payload
from core.topics import TOPIC_INTENTS
from kb.decision import Decision, decide
from kb.search import IndexUnavailableError, SearchHit

logger = logging.getLogger(__name__)

# How many guides a search returns, and a clarification offers as "Mener du …?" buttons.
OPTIONS = 3


def search_guides(tracker: Tracker, query: str, topic: str | None) -> list[SearchHit]:
    """The best guides for the query in the topic and the citizen's municipality, best first."""
    try:
        return guide_search().search(query, municipality=municipality_for(tracker).slug, topic=topic, k=OPTIONS)
    except IndexUnavailableError:
        logger.exception("actions.answer.index_unavailable")
        return []


def decide_for(tracker: Tracker, query: str, topic: str | None, *, followup: bool = False) -> Decision[SearchHit]:
    """The one answer decision (kb.decision) over the guides, NLU's topic first.

    The topic NLU predicted is searched first; when no guide there is confident, every topic
    is, so a wrong guess cannot hide the answer ("identitetstyveri hotline" taken for hours).
    A follow-up stays in its topic.
    """
    intent = (tracker.latest_message.get("intent") or {}).get("name")
    misses = count(tracker, "unclear_turns")
    decision = decide(
        search_guides(tracker, query, topic), thresholds(), intent=intent, followup=followup, previous_misses=misses
    )
    if decision.action == "answer" or topic is None or followup:
        return decision
    return decide(search_guides(tracker, query, None), thresholds(), intent=intent, previous_misses=misses)


def guide_buttons(hits: list[SearchHit]) -> list[dict[str, str]]:
    """ "Mener du …?" buttons: each sends the guide's topic intent with the guide's id."""
    return [
        {"title": hit.title, "payload": button_payload(TOPIC_INTENTS[hit.topic], guide_id=hit.guide_id)}
        for hit in hits
        if hit.topic in TOPIC_INTENTS
    ]


def chosen_guide(tracker: Tracker) -> SearchHit | None:
    """The guide a "Mener du …?" button named, if the citizen clicked one."""
    guide_id = entity_value(tracker, "guide_id")
    if not guide_id or not is_button_payload(tracker.latest_message.get("text") or ""):
        return None
    try:
        return guide_search().guide(guide_id, municipality_for(tracker).slug)
    except IndexUnavailableError:
        logger.exception("actions.answer.index_unavailable")
        return None


def give_answer(dispatcher: CollectingDispatcher, tracker: Tracker, best: SearchHit) -> list[EventType]:
    """The guide's passage that answers (titled with its section), "Læs mere", the source, "Fik du svar?"."""
    logger.info(
        "actions.answer.guide",
        extra={
            "guide_id": best.guide_id,
            "confidence": best.confidence,
            "topic": best.topic,
            "passage": best.passage_heading,
            "sender": tracker.sender_id,
        },
    )
    dispatcher.utter_message(text=best.reply_text)
    source = Source(
        guide_id=best.guide_id,
        title=best.title,
        url=best.sources[0] if best.sources else None,
        last_reviewed=best.last_reviewed,
    )
    links = [Link.model_validate(link) for link in best.links]
    dispatcher.utter_message(json_message=custom_message(ReplyPayload(links=links, source=source)))
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
            passage=best.passage_heading,
        ),
        SlotSet("last_topic", best.topic),
        SlotSet("last_guide_id", best.guide_id),
        SlotSet("unclear_turns", 0),
        SlotSet("awaiting_feedback", True),
    ]
    if intent != "ask_followup" and not is_button_payload(question):
        events.append(SlotSet("last_question", question))
    return events
