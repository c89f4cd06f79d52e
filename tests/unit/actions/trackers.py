"""JSON trackers and a CollectingDispatcher, as in Rasa's demo assistants' action tests."""

from __future__ import annotations

import asyncio
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher


def tracker(
    text: str,
    intent: str,
    municipality: str = "kalundborg",
    slots: dict[str, Any] | None = None,
    entities: list[dict[str, Any]] | None = None,
) -> Tracker:
    """A tracker whose latest message is ``text`` classified as ``intent``."""
    return Tracker.from_dict(
        {
            "sender_id": "test-session",
            "slots": slots or {},
            "latest_message": {
                "text": text,
                "intent": {"name": intent, "confidence": 0.95},
                "entities": entities or [],
                "metadata": {"municipality": municipality},
            },
            "events": [],
            "paused": False,
            "followup_action": None,
            "active_loop": {},
            "latest_action_name": "action_listen",
        }
    )


def run(action: Any, track: Tracker) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Run an action; return what it said and the events it returned."""
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, track, {}))
    return dispatcher.messages, events


def slots_set(events: list[dict[str, Any]]) -> dict[str, Any]:
    """The slots the events set (the last value wins)."""
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def outcomes(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The outcomes recorded for the weekly review, in order."""
    return [e["value"] for e in events if e.get("event") == "slot" and e.get("name") == "outcome"]


def responses(messages: list[dict[str, Any]]) -> list[str | None]:
    return [m.get("response") for m in messages]
