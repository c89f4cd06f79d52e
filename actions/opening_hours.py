"""action_opening_hours: "har I åbent nu / i morgen / på lørdag / juleaften?" for Borgerservice and DDH.

Hours, holidays and closing days come from the data files (kb.hours); the day the citizen
means from kb.dates. Hours a municipality has not confirmed are never shown as fact.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions import context
from actions.context import borgerbot_payload, hotline, municipality_for
from actions.hours_text import hours_that_day, status_now
from kb.dates import asked_day
from kb.hours import borgerservice_schedule, hotline_schedule
from kb.municipalities import format_week


class ActionOpeningHours(Action):
    """Open now, or the hours of the day asked about; the week's hours when no day is named."""

    def name(self) -> str:
        return "action_opening_hours"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        municipality = municipality_for(tracker)
        ddh = hotline()
        now = context.now()
        asked = asked_day(tracker.latest_message.get("text") or "", now)
        address = municipality.addresses[0]
        place = {
            "municipality_name": municipality.name,
            "address": f"{address.street}, {address.postcode} {address.city}",
            "municipality_phone": municipality.phone,
            "municipality_website": str(municipality.website),
            "ddh_phone": ddh.phone,
        }
        borgerservice, hotline_hours = borgerservice_schedule(municipality), hotline_schedule(ddh)

        if not municipality.hours_verified:
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

        links = []
        if municipality.booking_url:
            links.append({"title": "Bestil tid i Borgerservice", "url": str(municipality.booking_url)})
        dispatcher.utter_message(
            json_message=borgerbot_payload(
                links=links,
                source={"title": f"Åbningstider for {municipality.name}", "url": str(municipality.website)},
            )
        )
        return []
