"""What the widget shows again after a reload: each turn as the citizen and the bot saw it."""

from __future__ import annotations

from typing import Any

from bot.schemas import BotMessage, HistoryMessage
from bot.sessions import SessionStore
from core.payload import is_button_payload


def citizen_entry(masked_text: str, history: list[tuple[str, dict[str, Any]]]) -> dict[str, Any]:
    """The citizen's message as shown: a quick-reply payload ("/affirm") shows its button's title.

    Only the text after masking is ever kept.
    """
    if is_button_payload(masked_text):
        for role, body in reversed(history):
            if role != "bot":
                break
            for button in body.get("buttons") or []:
                if button.get("payload") == masked_text:
                    return {"text": button["title"]}
    return {"text": masked_text}


def record_turn(sessions: SessionStore, session_id: str, citizen: dict[str, Any], replies: list[BotMessage]) -> None:
    """Append one turn (the citizen's message, then the bot's replies); the session is marked active."""
    entries = [("citizen", citizen), *(("bot", reply.model_dump(mode="json")) for reply in replies)]
    sessions.append(session_id, entries)


def to_history(entries: list[tuple[str, dict[str, Any]]]) -> list[HistoryMessage]:
    return [HistoryMessage.model_validate({**body, "role": role}) for role, body in entries]
