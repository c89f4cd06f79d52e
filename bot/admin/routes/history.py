"""A guide's history: every version with who and when, a diff against the one before, roll back."""

from __future__ import annotations

import difflib
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from bot.admin import permissions
from bot.admin.deps import ContentDep, UserDep
from bot.admin.routes.guides import readable_record
from bot.admin.web import PageError, not_found, page, redirect
from kb.content.errors import ConflictError, ContentError

router = APIRouter()


def diff_lines(old: str, new: str) -> list[tuple[str, str]]:
    """(kind, line) of a line diff: kind is 'add', 'remove', 'context' or 'hunk'."""
    lines = []
    for line in difflib.unified_diff(old.splitlines(), new.splitlines(), lineterm="", n=2):
        if line.startswith(("---", "+++")):
            continue
        kind = {"+": "add", "-": "remove", "@": "hunk"}.get(line[:1], "context")
        lines.append((kind, line[1:] if kind in ("add", "remove", "context") else line))
    return lines


@router.get("/guides/{guide_id}/history", response_class=HTMLResponse)
async def history(request: Request, content: ContentDep, user: UserDep, guide_id: str) -> HTMLResponse:
    record = readable_record(content, user, guide_id)
    return page(
        request,
        "history.html",
        record=record,
        versions=content.versions(guide_id),
        editable=permissions.can_edit_guide(user, record.municipality),
    )


@router.get("/guides/{guide_id}/versions/{number}", response_class=HTMLResponse)
async def version(
    request: Request, content: ContentDep, user: UserDep, guide_id: str, number: int, against: int | None = None
) -> HTMLResponse:
    record = readable_record(content, user, guide_id)
    shown = content.version(guide_id, number)
    if shown is None:
        raise not_found()
    base_number = against if against is not None else number - 1
    base = content.version(guide_id, base_number) if base_number >= 1 else None
    return page(
        request,
        "version.html",
        record=record,
        version=shown,
        base=base,
        diff=diff_lines(base.source if base else "", shown.source),
        editable=permissions.can_edit_guide(user, record.municipality),
    )


@router.post("/guides/{guide_id}/versions/{number}/rollback")
async def rollback(
    content: ContentDep,
    user: UserDep,
    guide_id: str,
    number: int,
    base_version: Annotated[int, Form()],
) -> Response:
    record = readable_record(content, user, guide_id)
    if not permissions.can_edit_guide(user, record.municipality):
        raise not_found()
    try:
        content.rollback(guide_id, number, user.username, base_version)
    except ConflictError as exc:
        raise PageError(409, "Versionen blev ikke gendannet", str(exc)) from exc
    except ContentError as exc:
        raise PageError(404, "Versionen findes ikke", str(exc)) from exc
    return redirect(f"/guides/{guide_id}", "rolled_back")
