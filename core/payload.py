"""The reply payload format shared by the actions (which write it) and the gateway (which reads it).

An action sends a reply's links, its public source and the hand-over mark as a Rasa custom
message ``{"borgerbot": {...}}`` right after the text it belongs to. Scores and confidences
never travel here: they go to the outcome events and the logs only.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, Field, ValidationError

PAYLOAD_KEY = "borgerbot"
# A quick-reply button's payload is a Rasa intent command ("/affirm", '/ask_pas{"guide_id": …}'):
# the bot's own words, never the citizen's text.
BUTTON_PAYLOAD_PREFIX = "/"


class Link(BaseModel):
    """A link shown under a reply ("Læs mere", the call link, a booking page)."""

    title: str
    url: str


class Source(BaseModel):
    """Where an answer comes from, as the citizen sees it ("Kilde: …")."""

    guide_id: str | None = Field(default=None, description="The guide's id; none for municipality data")
    title: str = Field(description="The guide's or data's title")
    url: str | None = Field(default=None, description="The public source the guide is written from")
    last_reviewed: str | None = Field(default=None, description="When an editor last checked the guide (YYYY-MM-DD)")


class ReplyPayload(BaseModel):
    """What a custom message adds to the text before it."""

    links: list[Link] = Field(default_factory=list)
    source: Source | None = None
    escalated: bool = False


def custom_message(payload: ReplyPayload) -> dict[str, Any]:
    """The ``json_message`` an action sends with ``dispatcher.utter_message``."""
    return {PAYLOAD_KEY: payload.model_dump(mode="json", exclude_defaults=True)}


def read_custom(custom: Mapping[str, Any] | None) -> ReplyPayload | None:
    """The payload in a Rasa custom message, or None when it is not ours or not valid."""
    fields = (custom or {}).get(PAYLOAD_KEY)
    if not isinstance(fields, Mapping):
        return None
    try:
        return ReplyPayload.model_validate(fields)
    except ValidationError:
        return None


def is_button_payload(text: str) -> bool:
    """Whether a message is a quick reply's payload rather than text the citizen wrote."""
    return text.startswith(BUTTON_PAYLOAD_PREFIX)


def button_payload(intent: str, **entities: str) -> str:
    """The payload of a button that sends ``intent`` with entities, e.g. '/ask_pas{"guide_id": "pas-pris"}'."""
    suffix = json.dumps(entities, ensure_ascii=False) if entities else ""
    return f"{BUTTON_PAYLOAD_PREFIX}{intent}{suffix}"
