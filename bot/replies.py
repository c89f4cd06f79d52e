"""Turn Rasa's REST-channel replies into the gateway's message format."""

from __future__ import annotations

from typing import Any

from bot.schemas import BotMessage, Button, Link


def to_bot_messages(replies: list[dict[str, Any]]) -> tuple[list[BotMessage], bool]:
    """Messages for the citizen, and whether the turn handed them to DDH.

    Actions send links, source and escalation as a custom JSON message right
    after the text it belongs to, so it is folded into the message before it.
    """
    messages: list[BotMessage] = []
    escalated = False
    for reply in replies:
        text = reply.get("text")
        if text:
            buttons = [Button(title=b["title"], payload=b["payload"]) for b in reply.get("buttons") or []]
            messages.append(BotMessage(text=text, buttons=buttons))
        custom = (reply.get("custom") or {}).get("borgerbot")
        if not isinstance(custom, dict):
            continue
        escalated = escalated or bool(custom.get("escalated"))
        if not messages:
            continue
        target = messages[-1]
        target.links.extend(Link(title=link["title"], url=link["url"]) for link in custom.get("links") or [])
        if custom.get("source"):
            target.source = custom["source"]
    return messages, escalated
