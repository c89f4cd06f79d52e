"""action_opening_hours: Borgerservice's and DDH's hours, from the data files."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.context import borgerbot_payload, hotline, municipality_for
from kb.municipalities import format_week


class ActionOpeningHours(Action):
    """Shows this week's regular hours; dates and holidays come with the dialogue work."""

    def name(self) -> str:
        return "action_opening_hours"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        municipality = municipality_for(tracker)
        ddh = hotline()
        address = municipality.addresses[0]
        if municipality.hours_verified:
            dispatcher.utter_message(
                response="utter_opening_hours",
                municipality_name=municipality.name,
                address=f"{address.street}, {address.postcode} {address.city}",
                borgerservice_hours=format_week(municipality.opening_hours),
                municipality_phone=municipality.phone,
            )
        else:
            # Placeholder hours are never shown: a wrong time sends a citizen to a locked door.
            dispatcher.utter_message(
                response="utter_hours_unverified",
                municipality_name=municipality.name,
                municipality_phone=municipality.phone,
                municipality_website=str(municipality.website),
            )
        links = []
        if municipality.booking_url:
            links.append({"title": "Bestil tid i Borgerservice", "url": str(municipality.booking_url)})
        dispatcher.utter_message(
            json_message=borgerbot_payload(
                links=links,
                source={"title": f"Åbningstider for {municipality.name}", "url": str(municipality.website)},
            )
        )
        dispatcher.utter_message(
            response="utter_ddh_hours", ddh_phone=ddh.phone, ddh_hours=format_week(ddh.opening_hours)
        )
        return []
