"""Turn Rasa's REST-channel replies into the gateway's message format."""

from __future__ import annotations

from typing import Any

from bot.schemas import BotMessage, Button
from core.payload import read_custom


def to_bot_messages(replies: list[dict[str, Any]]) -> tuple[list[BotMessage], bool]:
    """Messages for the citizen, and whether the turn handed them to DDH.

    Actions send links, source and escalation as a custom JSON message right
    after the text it belongs to (``core.payload``), so it is folded into the message before it.
    """
    messages: list[BotMessage] = []
    escalated = False
    for reply in replies:
        text = reply.get("text")
        if text:
            buttons = [Button(title=b["title"], payload=b["payload"]) for b in reply.get("buttons") or []]
            messages.append(BotMessage(text=text, buttons=buttons))
        payload = read_custom(reply.get("custom"))
        if payload is None:
            continue
        escalated = escalated or payload.escalated
        if not messages:
            continue
        target = messages[-1]
        target.links.extend(payload.links)
        if payload.source is not None:
            target.source = payload.source
    return messages, escalated
