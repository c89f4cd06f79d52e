"""action_escalate_to_ddh: hand the citizen to Den Digitale Hotline, plainly and at once."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions import context
from actions.context import borgerbot_payload, hotline, municipality_for
from kb.hours import describe_moment, hotline_schedule, status_at
from kb.municipalities import Hotline

logger = logging.getLogger(__name__)

# Which response explains the hand-over, by the reason it happens.
RESPONSES_BY_REASON = {
    "request_human": "utter_handover_requested",
    "out_of_scope": "utter_out_of_scope",
    "not_helpful": "utter_handover_not_helpful",
}


def escalation_reason(intent: str | None) -> str:
    """Why we hand over, from the intent that triggered it."""
    if intent in ("request_human", "out_of_scope"):
        return intent
    if intent == "deny":
        return "not_helpful"
    return "no_answer"


def hotline_status(ddh: Hotline, moment: datetime) -> tuple[str, dict[str, str]]:
    """Which response tells whether DDH is open at ``moment``, and its values."""
    status = status_at(hotline_schedule(ddh), moment)
    if status.open_now and status.closes_at is not None:
        return "utter_ddh_open_now", {"closes_at": f"kl. {status.closes_at:%H.%M}"}
    next_opening = describe_moment(status.next_opening, moment) if status.next_opening else "senere"
    if status.closed_reason:
        return "utter_ddh_closed_holiday", {"holiday": status.closed_reason.lower(), "next_opening": next_opening}
    return "utter_ddh_closed_now", {"next_opening": next_opening}


def hand_over(dispatcher: CollectingDispatcher, tracker: Tracker, reason: str) -> None:
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
    status_response, status_slots = hotline_status(ddh, context.now())
    dispatcher.utter_message(response=status_response, **status_slots)
    dispatcher.utter_message(
        json_message=borgerbot_payload(
            escalated=True,
            reason=reason,
            links=[{"title": f"Ring til {ddh.name}: {ddh.phone}", "url": ddh.phone_uri}],
        )
    )


class ActionEscalateToDdh(Action):
    """Gives DDH's number and the municipality's own phone, and marks the turn escalated."""

    def name(self) -> str:
        return "action_escalate_to_ddh"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        hand_over(dispatcher, tracker, escalation_reason((tracker.latest_message.get("intent") or {}).get("name")))
        return []
