"""action_escalate_to_ddh: hand the citizen to Den Digitale Hotline, plainly and at once."""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions import context
from actions.context import hotline, municipality_for
from actions.hours_text import status_now
from actions.outcomes import outcome, reset_counters
from core.payload import is_button_payload
from kb.hours import hotline_schedule

logger = logging.getLogger(__name__)

# Which response explains the hand-over, by the reason it happens.
RESPONSES_BY_REASON = {
    "request_human": "utter_handover_requested",
    "out_of_scope": "utter_out_of_scope",
    "not_helpful": "utter_handover_not_helpful",
}
SUMMARY_MAX_CHARS = 160


def escalation_reason(intent: str | None) -> str:
    """Why we hand over, from the intent that triggered it."""
    if intent in ("request_human", "out_of_scope"):
        return intent
    if intent == "deny":
        return "not_helpful"
    return "no_answer"


def question_summary(tracker: Tracker) -> str | None:
    """The citizen's question in one line, to repeat on the phone.

    The question being handed over is the latest message unless that is only a
    reaction ("nej", "kan jeg tale med et menneske"): then it is the question the
    bot last tried to answer.
    """
    intent = (tracker.latest_message.get("intent") or {}).get("name")
    text = tracker.latest_message.get("text") or ""
    if intent in ("deny", "request_human", "affirm", "feedback") or is_button_payload(text):
        text = tracker.get_slot("last_question") or ""
    line = " ".join(text.split())
    if len(line) > SUMMARY_MAX_CHARS:
        line = line[: SUMMARY_MAX_CHARS - 1].rstrip() + "…"
    return line or None


def hand_over(dispatcher: CollectingDispatcher, tracker: Tracker, reason: str) -> list[EventType]:
    """Tell the citizen where a human helps: DDH (open now or when), the municipality's phone."""
    municipality = municipality_for(tracker)
    ddh = hotline()
    logger.info("actions.escalate", extra={"reason": reason, "sender": tracker.sender_id})
    dispatcher.utter_message(
        response=RESPONSES_BY_REASON.get(reason, "utter_handover_no_answer"),
        ddh_phone=ddh.phone,
        municipality_name=municipality.name,
        municipality_phone=municipality.phone,
    )
    status_response, status_slots = status_now("ddh", hotline_schedule(ddh), context.now())
    dispatcher.utter_message(response=status_response, **status_slots)
    summary = question_summary(tracker)
    if summary:
        dispatcher.utter_message(response="utter_handover_summary", summary=summary)
    # The call link and the escalation mark: a custom payload whose text lives in the domain.
    dispatcher.utter_message(response="utter_ddh_call_link", ddh_phone=ddh.phone, ddh_phone_uri=ddh.phone_uri)
    return [outcome("escalation", reason=reason), *reset_counters()]


class ActionEscalateToDdh(Action):
    """Gives DDH's number and the municipality's own phone, and marks the turn escalated."""

    def name(self) -> str:
        return "action_escalate_to_ddh"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        return hand_over(dispatcher, tracker, escalation_reason(intent))
