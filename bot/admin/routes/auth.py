"""Log in and out of the staff pages."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from bot.admin.accounts import LoginRefused
from bot.admin.deps import AccountsDep, SettingsDep
from bot.admin.policy import SESSION_LIFETIME
from bot.admin.web import PREFIX, SESSION_COOKIE, page, redirect

router = APIRouter()


def _safe_next(target: str | None) -> str:
    """Only a path inside the admin: never an open redirect to another site."""
    if not target:
        return f"{PREFIX}/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path.startswith(f"{PREFIX}/") or "\\" in target:
        return f"{PREFIX}/"
    return target


@router.get("/login", response_class=HTMLResponse)
async def login_form(request: Request, next: str | None = None) -> HTMLResponse:
    return page(request, "login.html", next=_safe_next(next), errors={}, username="")


@router.post("/login", response_class=HTMLResponse, response_model=None)
async def login(
    request: Request,
    accounts: AccountsDep,
    settings: SettingsDep,
    username: Annotated[str, Form(max_length=200)] = "",
    password: Annotated[str, Form(max_length=1000)] = "",
    next: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    errors: dict[str, list[str]] = {}
    if not username.strip():
        errors["username"] = ["Skriv dit brugernavn."]
    if not password:
        errors["password"] = ["Skriv din adgangskode."]
    if not errors:
        now = datetime.now(UTC)
        try:
            user = accounts.authenticate(username, password, now)
        except LoginRefused as refused:
            errors["password"] = [str(refused)]
        else:
            token = accounts.start_session(user, now)
            response = RedirectResponse(_safe_next(next), status_code=303)
            response.set_cookie(
                SESSION_COOKIE,
                token,
                max_age=int(SESSION_LIFETIME.total_seconds()),
                path=PREFIX,
                secure=settings.admin_cookie_secure,
                httponly=True,
                samesite="strict",
            )
            return response
    return page(request, "login.html", status_code=400, next=_safe_next(next), errors=errors, username=username)


@router.post("/logout")
async def logout(request: Request, accounts: AccountsDep) -> RedirectResponse:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        accounts.end_session(token)
    response = redirect("/login", "logged_out")
    response.delete_cookie(SESSION_COOKIE, path=PREFIX)
    return response
