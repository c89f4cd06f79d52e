"""Guides: the list with filters, new and edit (draft or publish), retire and restore, the live preview."""

from __future__ import annotations

import asyncio
from datetime import date
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from bot.admin import permissions
from bot.admin.accounts import StaffUser
from bot.admin.assistant import StaffAssistant
from bot.admin.deps import AssistantDep, ContentDep, SettingsDep, UserDep
from bot.admin.forms import (
    FIELDS,
    GuideForm,
    empty_form,
    form_from_guide,
    form_from_post,
    place_problems,
    source_from_form,
)
from bot.admin.preview import GuidePreview, preview_guide
from bot.admin.web import NOTICES, PageError, not_found, page, redirect
from kb.check import REVIEW_INTERVAL, guide_problems, unknown_fees
from kb.content.errors import ConflictError, ContentError, GuideExistsError, GuideValidationError
from kb.content.records import GuideRecord
from kb.content.source import parse_source
from kb.content.store import SqlContentStore
from kb.fees import load_fees
from kb.schema import Guide

router = APIRouter()

STATUS_LABELS = {"draft": "Kladde", "published": "Udgivet", "retired": "Trukket tilbage"}
TOPIC_LABELS = {"pas": "Pas", "flytning": "Flytning", "mitid": "MitID", "aabningstider": "Åbningstider"}


def readable_record(content: SqlContentStore, user: StaffUser, guide_id: str) -> GuideRecord:
    """The guide if this user may see it; 404 otherwise, exactly as if it did not exist."""
    record = content.record(guide_id)
    if record is None or not permissions.can_read_guide(user, record.municipality):
        raise not_found()
    return record


def scope_labels(content: SqlContentStore) -> dict[str, str]:
    labels = {"national": "Hele landet (national)"}
    labels |= {slug: data.name for slug, data in sorted(content.municipalities().items())}
    return labels


@router.get("/", response_class=HTMLResponse)
async def guide_list(
    request: Request,
    content: ContentDep,
    user: UserDep,
    q: str = "",
    topic: str = "",
    scope: str = "",
    status: str = "",
    owner: str = "",
    stale: str = "",
) -> HTMLResponse:
    today = date.today()
    records = [r for r in content.records() if permissions.can_read_guide(user, r.municipality)]
    owners = sorted({r.owner for r in records})
    needle = q.strip().lower()
    shown = [
        r
        for r in records
        if (not needle or needle in r.title.lower() or needle in r.id)
        and (not topic or r.topic == topic)
        and (not scope or r.municipality == scope)
        and (not status or r.status == status)
        and (not owner or r.owner == owner)
        and (not stale or today - r.last_reviewed > REVIEW_INTERVAL)
    ]
    return page(
        request,
        "guides.html",
        records=shown,
        total=len(records),
        filters={"q": q, "topic": topic, "scope": scope, "status": status, "owner": owner, "stale": stale},
        owners=owners,
        topics=TOPIC_LABELS,
        statuses=STATUS_LABELS,
        scopes=scope_labels(content),
        stale_before=today - REVIEW_INTERVAL,
        can_create=bool(permissions.editable_scopes(user, content.municipalities())),
    )


def _form_page(
    request: Request,
    content: SqlContentStore,
    user: StaffUser,
    form: GuideForm,
    record: GuideRecord | None,
    status_code: int = 200,
    conflict: str | None = None,
    warnings: list[tuple[Guide, float]] | None = None,
    notice: str | None = None,
) -> HTMLResponse:
    scopes = permissions.editable_scopes(user, content.municipalities())
    labels = scope_labels(content)
    return page(
        request,
        "guide_form.html",
        preview=citizen_view(form, request.app.state.settings.kb_dir),
        status_code=status_code,
        form=form,
        fields=FIELDS,
        record=record,
        topics=TOPIC_LABELS,
        scopes={s: labels.get(s, s) for s in scopes},
        statuses=STATUS_LABELS,
        conflict=conflict,
        warnings=warnings or [],
        **({"notice": notice} if notice else {}),
        editable=record is None or permissions.can_edit_guide(user, record.municipality),
    )


@router.get("/guides/new", response_class=HTMLResponse)
async def new_guide(request: Request, content: ContentDep, user: UserDep, questions: str = "") -> HTMLResponse:
    scopes = permissions.editable_scopes(user, content.municipalities())
    if not scopes:
        raise not_found()
    form = empty_form(scopes[-1] if user.municipality else scopes[0], user.full_name)
    # The weekly review's "write a guide for this" sends the citizens' questions along.
    form.values["questions"] = questions.replace("\r\n", "\n")[:5000]
    return _form_page(request, content, user, form, None)


@router.get("/guides/{guide_id}", response_class=HTMLResponse)
async def edit_guide(request: Request, content: ContentDep, user: UserDep, guide_id: str) -> HTMLResponse:
    record = readable_record(content, user, guide_id)
    latest = content.version(guide_id, record.latest_version)
    assert latest is not None
    form = form_from_guide(parse_source(latest.source))
    form.values["base_version"] = str(record.latest_version)
    return _form_page(request, content, user, form, record)


def _validated(form: GuideForm, kb_dir: Path, user: StaffUser) -> str | None:
    """The guide file of a posted form when every `make kb-check` rule holds; errors added otherwise."""
    source = source_from_form(form)
    if source is None:
        return None
    try:
        guide = parse_source(source)
    except GuideValidationError as exc:
        place_problems(form, exc.problems)
        return None
    if not permissions.can_edit_guide(user, guide.scope):
        form.add("scope", "Du kan ikke gemme vejledninger for den kommune. Vælg en af dem på listen.")
        return None
    problems = guide_problems(guide, date.today()) + unknown_fees(guide, load_fees(kb_dir))
    place_problems(form, problems)
    return None if form.errors else source


async def _posted(request: Request) -> tuple[GuideForm, str, int | None]:
    data = await request.form()
    form = form_from_post(data)
    action = str(data.get("action", "draft"))
    base = str(data.get("base_version", "") or "")
    form.values["base_version"] = base
    return form, action, int(base) if base.isdigit() else None


@router.post("/guides/new", response_class=HTMLResponse, response_model=None)
async def create_guide(
    request: Request, content: ContentDep, user: UserDep, settings: SettingsDep, assistant: AssistantDep
) -> Response:
    form, action, _ = await _posted(request)
    if not permissions.editable_scopes(user, content.municipalities()):
        raise not_found()
    source = _validated(form, settings.kb_dir, user)
    if source is None:
        return _form_page(request, content, user, form, None, status_code=400)
    try:
        version = content.save(source, user.username, None, publish=action == "publish")
    except GuideExistsError as exc:
        form.add("id", str(exc))
        return _form_page(request, content, user, form, None, status_code=409)
    except GuideValidationError as exc:
        return _form_page(request, content, user, place_problems(form, exc.problems), None, status_code=400)
    form.values["id"] = version.guide_id
    return await _saved(request, content, user, assistant, form, source, version.guide_id, action)


@router.post("/guides/{guide_id}", response_class=HTMLResponse, response_model=None)
async def save_guide(
    request: Request,
    content: ContentDep,
    user: UserDep,
    settings: SettingsDep,
    assistant: AssistantDep,
    guide_id: str,
) -> Response:
    record = readable_record(content, user, guide_id)
    if not permissions.can_edit_guide(user, record.municipality):
        raise not_found()
    form, action, base = await _posted(request)
    form.values["id"] = guide_id
    source = _validated(form, settings.kb_dir, user)
    if source is None or base is None:
        if base is None:
            form.add("body", "Formularen mangler sin version. Åbn vejledningen igen.")
        return _form_page(request, content, user, form, record, status_code=400)
    try:
        content.save(source, user.username, base, publish=action == "publish", guide_id=guide_id)
    except ConflictError as exc:
        # The editor's text stays in the form; they can copy it into the newest version.
        return _form_page(request, content, user, form, content.record(guide_id), status_code=409, conflict=str(exc))
    except GuideValidationError as exc:
        return _form_page(request, content, user, place_problems(form, exc.problems), record, status_code=400)
    return await _saved(request, content, user, assistant, form, source, guide_id, action)


async def _saved(
    request: Request,
    content: SqlContentStore,
    user: StaffUser,
    assistant: StaffAssistant,
    form: GuideForm,
    source: str,
    guide_id: str,
    action: str,
) -> Response:
    """After a save: the guide's page, or the form again with a warning when another guide answers the same."""
    notice = "published" if action == "publish" else "saved"
    # In a thread: the first check loads the embedding model and embeds every guide's questions,
    # which would otherwise stop this gateway answering citizens for as long.
    warnings = await asyncio.to_thread(assistant.duplicates, parse_source(source), content.list_guides())
    if not warnings:
        return redirect(f"/guides/{guide_id}", notice)
    record = content.record(guide_id)
    assert record is not None
    form.values["base_version"] = str(record.latest_version)
    return _form_page(request, content, user, form, record, warnings=warnings, notice=NOTICES[notice])


def _change_state(content: SqlContentStore, user: StaffUser, guide_id: str, change: str) -> Response:
    record = readable_record(content, user, guide_id)
    if not permissions.can_edit_guide(user, record.municipality):
        raise not_found()
    try:
        if change == "publish":
            content.publish(guide_id, user.username)
        elif change == "retire":
            content.retire(guide_id, user.username)
        else:
            content.restore(guide_id, user.username)
    except ContentError as exc:
        raise PageError(409, "Ændringen kunne ikke gennemføres", str(exc)) from exc
    return redirect(f"/guides/{guide_id}", {"publish": "published", "retire": "retired", "restore": "restored"}[change])


@router.post("/guides/{guide_id}/publish")
async def publish_guide(content: ContentDep, user: UserDep, guide_id: str) -> Response:
    return _change_state(content, user, guide_id, "publish")


@router.post("/guides/{guide_id}/retire")
async def retire_guide(content: ContentDep, user: UserDep, guide_id: str) -> Response:
    return _change_state(content, user, guide_id, "retire")


@router.post("/guides/{guide_id}/restore")
async def restore_guide(content: ContentDep, user: UserDep, guide_id: str) -> Response:
    return _change_state(content, user, guide_id, "restore")


def citizen_view(form: GuideForm, kb_dir: Path) -> GuidePreview | None:
    """The preview of what the form holds, or None (problems added to a copy) when it is not a guide yet."""
    probe = GuideForm(dict(form.values))
    source = source_from_form(probe)
    if source is None:
        return None
    try:
        guide = parse_source(source)
    except GuideValidationError:
        return None
    return preview_guide(guide, load_fees(kb_dir), date.today())


@router.post("/preview", response_class=HTMLResponse)
async def preview(request: Request, user: UserDep, settings: SettingsDep) -> HTMLResponse:
    """The citizen's view of the form as typed (a fragment the edit page shows beside the form)."""
    form = form_from_post(await request.form())
    source = source_from_form(form)
    guide = None
    if source is not None:
        try:
            guide = parse_source(source)
        except GuideValidationError as exc:
            place_problems(form, exc.problems)
    shown = preview_guide(guide, load_fees(settings.kb_dir), date.today()) if guide else None
    return page(request, "preview.html", preview=shown, form=form, fields=FIELDS)
