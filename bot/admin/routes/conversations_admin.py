"""Deleting one conversation on request (docs/review.md, "Retention"): administrators only."""

from __future__ import annotations

import asyncio
import re

from fastapi import APIRouter
from fastapi.responses import Response

from bot.admin.accounts import StaffUser
from bot.admin.deps import ContentDep, SettingsDep, UserDep
from bot.admin.roles import Role
from bot.admin.web import PageError, not_found, redirect
from bot.analytics.retention import RetentionError, delete_conversation
from bot.analytics.retention_stores import close_stores, open_stores

router = APIRouter()

# What a conversation id can look like (the gateway's session ids are 32 hex digits); anything else is no conversation.
_CONVERSATION_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def _may_delete(user: StaffUser) -> bool:
    """Deleting what a citizen wrote is an administrator's act; other roles do not see the route."""
    return user.active and user.role is Role.ADMIN


@router.post("/reports/conversations/{conversation_id}/delete")
async def delete(conversation_id: str, settings: SettingsDep, content: ContentDep, user: UserDep) -> Response:
    """Delete the conversation from every store, audited; a conversation no store holds is 404."""
    if not _may_delete(user) or not _CONVERSATION_ID.match(conversation_id):
        raise not_found()
    stores = open_stores(settings, content.engine)
    try:
        rows = await asyncio.to_thread(delete_conversation, stores, conversation_id, user.username, content.engine)
    except RetentionError as exc:
        raise PageError(503, "Samtalen kunne ikke slettes helt", str(exc)) from exc
    finally:
        close_stores(stores)
    if not any(rows.values()):
        raise not_found()
    return redirect("/reports", "conversation_deleted")
