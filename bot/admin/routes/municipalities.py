"""A municipality's own data: phone, addresses, opening hours, closing days, booking link, verification."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from bot.admin import permissions
from bot.admin.deps import ContentDep, UserDep
from bot.admin.municipality_form import FIELDS, MunicipalityForm, data_from_form, form_from_data, form_from_post
from bot.admin.web import not_found, page, redirect
from kb.content.errors import ConflictError
from kb.content.records import MunicipalityRecord
from kb.content.store import SqlContentStore
from kb.municipalities import DANISH_WEEKDAYS, WEEKDAYS

router = APIRouter()


def _record(content: SqlContentStore, allowed: bool, slug: str) -> MunicipalityRecord:
    record = content.municipality(slug)
    if record is None or not allowed:
        raise not_found()
    return record


def _page(
    request: Request,
    record: MunicipalityRecord,
    form: MunicipalityForm,
    editable: bool,
    status_code: int = 200,
    conflict: str | None = None,
) -> HTMLResponse:
    return page(
        request,
        "municipality.html",
        status_code=status_code,
        record=record,
        form=form,
        fields=FIELDS,
        weekdays=list(zip(WEEKDAYS, DANISH_WEEKDAYS, strict=True)),
        editable=editable,
        conflict=conflict,
    )


@router.get("/municipalities", response_class=HTMLResponse)
async def municipality_list(request: Request, content: ContentDep, user: UserDep) -> HTMLResponse:
    shown = {s: m for s, m in content.municipalities().items() if permissions.can_read_municipality(user, s)}
    return page(request, "municipalities.html", municipalities=shown)


@router.get("/municipalities/{slug}", response_class=HTMLResponse)
async def municipality_page(request: Request, content: ContentDep, user: UserDep, slug: str) -> HTMLResponse:
    record = _record(content, permissions.can_read_municipality(user, slug), slug)
    return _page(
        request, record, form_from_data(record.data, record.version), permissions.can_edit_municipality(user, slug)
    )


@router.post("/municipalities/{slug}", response_class=HTMLResponse, response_model=None)
async def save_municipality(request: Request, content: ContentDep, user: UserDep, slug: str) -> Response:
    record = _record(content, permissions.can_edit_municipality(user, slug), slug)
    form = form_from_post(await request.form())
    data = data_from_form(form, record.data, user.username, date.today())
    base = form.values.get("base_version", "")
    if data is None or not base.isdigit():
        if not base.isdigit():
            form.add("phone", "Formularen mangler sin version. Åbn siden igen.")
        return _page(request, record, form, True, status_code=400)
    try:
        content.save_municipality(data, user.username, int(base))
    except ConflictError as exc:
        return _page(request, content.municipality(slug) or record, form, True, status_code=409, conflict=str(exc))
    return redirect(f"/municipalities/{slug}", "municipality_saved")
