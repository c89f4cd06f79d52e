"""action_opening_hours: "har I åbent nu / i morgen / på lørdag / juleaften?" for Borgerservice and DDH.

Hours, holidays and closing days come from the data files (kb.hours); the day the citizen
means from the ``day`` entity (or the whole message) through kb.dates. Hours a
municipality has not confirmed are never shown as fact. A question with no day in it that
a guide answers (booking a time, self-service, or another topic's question NLU took for
hours) is answered from that guide when the one answer decision (kb.decision) says so.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import context
from actions.context import entity_value, hotline, municipality_for
from actions.guides import chosen_guide, decide_for, give_answer
from actions.hours_text import hours_that_day, status_now
from actions.outcomes import outcome
from core.payload import is_button_payload
from kb.dates import AskedDay, asked_day
from kb.hours import borgerservice_schedule, hotline_schedule
from kb.municipalities import Municipality, format_week
from kb.normalize import loose_name

# Guides about hours themselves: the data files answer those better than a static text.
HOURS_GUIDES = frozenset({"aabningstider-digital-hotline", "aabningstider-helligdage"})


def other_municipality(named: str | None, municipality: Municipality) -> str | None:
    """The municipality the citizen named, when it is not the one whose site they are on.

    A short form of our own name ("Taastrup" for Høje-Taastrup) counts as our own.
    """
    if not named:
        return None
    asked, own = loose_name(named), loose_name(municipality.name.removesuffix(" Kommune"))
    return None if len(asked) >= 4 and asked in own else named


class ActionOpeningHours(Action):
    """Open now, or the hours of the day asked about; the week's hours when no day is named."""

    def name(self) -> str:
        return "action_opening_hours"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        text = tracker.latest_message.get("text") or ""
        chosen = chosen_guide(tracker)
        if chosen is not None:
            return give_answer(dispatcher, tracker, chosen)
        if is_button_payload(text):
            # The "Åbningstider" topic button: the week's hours.
            return self.tell_hours(dispatcher, tracker, None)
        asked = self.day_asked(tracker, text)
        if asked is None:
            # Booking a time, self-service, or another topic's question NLU took for hours
            # ("identitetstyveri hotline"): a guide answers, if the one decision says so.
            decision = decide_for(tracker, text, "aabningstider")
            if decision.action == "answer" and decision.best and decision.best.guide_id not in HOURS_GUIDES:
                return give_answer(dispatcher, tracker, decision.best)
        return self.tell_hours(dispatcher, tracker, asked)

    @staticmethod
    def day_asked(tracker: Tracker, text: str) -> AskedDay | None:
        """The day in the ``day`` entity, else in the whole message (dateparser reads more forms there)."""
        day_word = entity_value(tracker, "day")
        asked = asked_day(day_word, context.now()) if day_word else None
        return asked or asked_day(text, context.now())

    def tell_hours(self, dispatcher: CollectingDispatcher, tracker: Tracker, asked: AskedDay | None) -> list[EventType]:
        municipality = municipality_for(tracker)
        ddh = hotline()
        now = context.now()
        address = municipality.addresses[0]
        place = {
            "municipality_name": municipality.name,
            "address": f"{address.street}, {address.postcode} {address.city}",
            "municipality_phone": municipality.phone,
            "municipality_website": str(municipality.website),
            "ddh_phone": ddh.phone,
        }
        borgerservice, hotline_hours = borgerservice_schedule(municipality), hotline_schedule(ddh)

        elsewhere = other_municipality(entity_value(tracker, "municipality"), municipality)
        if elsewhere:
            # We only hold this municipality's hours: never answer with them for another.
            dispatcher.utter_message(response="utter_hours_other_municipality", asked_municipality=elsewhere, **place)
        elif not municipality.hours_verified:
            # Placeholder hours are never shown: a wrong time sends a citizen to a locked door.
            dispatcher.utter_message(response="utter_hours_unverified", **place)
        elif asked is None:
            dispatcher.utter_message(
                response="utter_opening_hours", borgerservice_hours=format_week(municipality.opening_hours), **place
            )
        else:
            response, values = (
                status_now("borgerservice", borgerservice, now)
                if asked.now
                else hours_that_day("borgerservice", borgerservice, asked.day, now)
            )
            dispatcher.utter_message(response=response, **values, **place)

        response, values = (
            status_now("ddh", hotline_hours, now)
            if asked is None or asked.now
            else hours_that_day("ddh", hotline_hours, asked.day, now)
        )
        dispatcher.utter_message(response=response, **values, **place)
        if asked is None:
            dispatcher.utter_message(response="utter_ddh_hours", ddh_hours=format_week(ddh.opening_hours), **place)

        # The booking link and the source: custom payloads whose texts live in the domain.
        dispatcher.utter_message(
            response="utter_hours_source_with_booking" if municipality.booking_url else "utter_hours_source",
            booking_url=str(municipality.booking_url or ""),
            **place,
        )
        return [
            outcome("hours", day=asked.day.isoformat() if asked else None, now=bool(asked and asked.now)),
            SlotSet("last_topic", "aabningstider"),
            SlotSet("unclear_turns", 0),
            SlotSet("awaiting_feedback", False),
        ]
