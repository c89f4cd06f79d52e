"""Typed dependencies of the staff pages: the stores, the settings and the signed-in user."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import Depends, Request

from bot.admin.accounts import AccountStore, StaffUser
from bot.admin.assistant import StaffAssistant
from bot.admin.web import SESSION_COOKIE, LoginRequiredError
from core.settings import Settings
from kb.content.store import SqlContentStore


def get_settings_(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_content(request: Request) -> SqlContentStore:
    content: SqlContentStore = request.app.state.content
    return content


def get_accounts(request: Request) -> AccountStore:
    accounts: AccountStore = request.app.state.accounts
    return accounts


def current_user(request: Request, accounts: Annotated[AccountStore, Depends(get_accounts)]) -> StaffUser:
    """The user of this browser's staff session; without one, the page sends them to log in."""
    token = request.cookies.get(SESSION_COOKIE)
    user = accounts.session_user(token, datetime.now(UTC)) if token else None
    if user is None:
        raise LoginRequiredError
    request.state.staff_user = user
    return user


SettingsDep = Annotated[Settings, Depends(get_settings_)]
ContentDep = Annotated[SqlContentStore, Depends(get_content)]
AccountsDep = Annotated[AccountStore, Depends(get_accounts)]
UserDep = Annotated[StaffUser, Depends(current_user)]


def get_assistant(request: Request) -> StaffAssistant:
    assistant: StaffAssistant = request.app.state.assistant
    return assistant


AssistantDep = Annotated[StaffAssistant, Depends(get_assistant)]
