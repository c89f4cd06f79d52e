"""Staff accounts (administrators only) and the audit log."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from bot.admin import permissions
from bot.admin.accounts import AccountError, StaffUser
from bot.admin.deps import AccountsDep, ContentDep, UserDep
from bot.admin.roles import ROLE_LABELS, Role
from bot.admin.web import PageError, not_found, page, redirect
from kb.content.audit import entries

router = APIRouter()


def _admin(user: StaffUser) -> None:
    if not permissions.can_manage_users(user):
        raise not_found()


def _users_page(
    request: Request, accounts: AccountsDep, content: ContentDep, status_code: int = 200, **context: object
) -> HTMLResponse:
    context.setdefault("errors", {})
    context.setdefault("values", {})
    return page(
        request,
        "users.html",
        status_code=status_code,
        users=accounts.list_users(),
        roles=ROLE_LABELS,
        municipalities={s: m.name for s, m in content.municipalities().items()},
        **context,
    )


@router.get("/users", response_class=HTMLResponse)
async def users(request: Request, accounts: AccountsDep, content: ContentDep, user: UserDep) -> HTMLResponse:
    _admin(user)
    return _users_page(request, accounts, content)


@router.post("/users", response_class=HTMLResponse, response_model=None)
async def create_user(request: Request, accounts: AccountsDep, content: ContentDep, user: UserDep) -> Response:
    _admin(user)
    form = await request.form()
    values = {k: str(form.get(k, "") or "") for k in ("username", "full_name", "role", "municipality")}
    password = str(form.get("password", "") or "")
    try:
        role = Role(values["role"])
    except ValueError:
        return _users_page(request, accounts, content, 400, values=values, errors={"role": ["Vælg en rolle."]})
    try:
        accounts.create_user(
            values["username"],
            values["full_name"],
            password,
            role,
            values["municipality"] or None,
            user.username,
            known_municipalities=list(content.municipalities()),
        )
    except AccountError as exc:
        field = "password" if "dgangskode" in str(exc) else "username"
        if "ommune" in str(exc):
            field = "municipality"
        return _users_page(request, accounts, content, 400, values=values, errors={field: [str(exc)]})
    return redirect("/users", "user_created")


@router.post("/users/{user_id}/{change}")
async def change_user(accounts: AccountsDep, user: UserDep, user_id: int, change: str) -> Response:
    _admin(user)
    try:
        if change == "unlock":
            accounts.unlock(user_id, user.username)
        elif change in ("activate", "deactivate"):
            accounts.set_active(user_id, change == "activate", user.username)
        else:
            raise not_found()
    except AccountError as exc:
        raise PageError(400, "Brugeren kunne ikke ændres", str(exc)) from exc
    return redirect("/users", "user_changed")


@router.get("/audit", response_class=HTMLResponse)
async def audit_log(request: Request, content: ContentDep, user: UserDep) -> HTMLResponse:
    """Who changed what and when: every row for administrators, the own municipality's for the others."""
    if permissions.can_manage_users(user):
        rows = entries(content.engine, limit=300)
    elif user.municipality:
        rows = entries(content.engine, limit=300, municipality=user.municipality)
    else:
        rows = [e for e in entries(content.engine, limit=600) if e.municipality in (None, "national")][:300]
    return page(request, "audit.html", entries=rows)
