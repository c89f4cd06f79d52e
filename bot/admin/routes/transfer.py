"""Export every guide as Markdown files; import a guide file, or a spreadsheet of questions and answers."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from bot.admin import permissions
from bot.admin.csrf import require_form_token
from bot.admin.deps import ContentDep, SettingsDep, UserDep
from bot.admin.qa_import import (
    MAX_FILE_BYTES,
    REQUIRED,
    TARGETS,
    RowProblem,
    SpreadsheetError,
    Table,
    guess_mapping,
    mapping_from_form,
    read_table,
    row_source,
)
from bot.admin.routes.guides import TOPIC_LABELS, scope_labels
from bot.admin.web import not_found, page, redirect
from kb.check import guide_problems, unknown_fees
from kb.content.errors import GuideExistsError, GuideValidationError
from kb.content.export import export_zip
from kb.content.source import parse_source
from kb.fees import load_fees

router = APIRouter()
FIELD_NAMES = {
    "id": "id",
    "title": "titel",
    "topic": "emne",
    "scope": "gælder for",
    "questions": "spørgsmål",
    "links": "link",
    "sources": "kilde",
    "last_reviewed": "sidst gennemgået",
    "owner": "ansvarlig",
    "body": "svar",
    "(fil)": "række",
}


@router.get("/export")
async def export(content: ContentDep, user: UserDep) -> Response:
    """A zip of the published version of every live guide this user may read (`guides/<id>.md`)."""
    guides = [g for g in content.list_guides() if permissions.can_read_guide(user, g.scope)]
    data = export_zip(guides)
    name = f"borgerbot-vejledninger-{date.today().isoformat()}.zip"
    return Response(
        data, media_type="application/zip", headers={"content-disposition": f'attachment; filename="{name}"'}
    )


def _import_page(
    request: Request, content: ContentDep, user: UserDep, status_code: int = 200, **context: object
) -> HTMLResponse:
    scopes = permissions.editable_scopes(user, content.municipalities())
    if not scopes:
        raise not_found()
    labels = scope_labels(content)
    context.setdefault("errors", {})
    return page(
        request,
        "import.html",
        status_code=status_code,
        scopes={s: labels.get(s, s) for s in scopes},
        topics=TOPIC_LABELS,
        targets=TARGETS,
        max_kb=MAX_FILE_BYTES // 1000,
        **context,
    )


@router.get("/import", response_class=HTMLResponse)
async def import_form(request: Request, content: ContentDep, user: UserDep) -> HTMLResponse:
    return _import_page(request, content, user)


@router.post("/import", response_class=HTMLResponse, response_model=None)
async def upload(request: Request, content: ContentDep, user: UserDep) -> Response:
    form = await request.form()
    require_form_token(request, form)
    upload = form.get("file")
    scope = str(form.get("scope", ""))
    topic = str(form.get("topic", "pas"))
    if not permissions.can_edit_guide(user, scope):
        return _import_page(request, content, user, 400, errors={"scope": ["Vælg, hvem vejledningerne gælder for."]})
    if upload is None or isinstance(upload, str) or not upload.filename:
        return _import_page(request, content, user, 400, errors={"file": ["Vælg en fil."]})
    data = await upload.read(MAX_FILE_BYTES + 1)
    if upload.filename.lower().endswith(".md"):
        return _import_markdown(request, content, user, data)
    try:
        table = read_table(upload.filename, data)
    except SpreadsheetError as exc:
        return _import_page(request, content, user, 400, errors={"file": [str(exc)]})
    return _preview_page(request, content, user, table, guess_mapping(table.header), scope, topic)


def _preview_page(
    request: Request,
    content: ContentDep,
    user: UserDep,
    table: Table,
    mapping: dict[str, int | None],
    scope: str,
    topic: str,
    problems: list[RowProblem] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    return _import_page(
        request,
        content,
        user,
        status_code,
        table=table,
        mapping=mapping,
        scope=scope,
        topic=topic,
        problems=problems or [],
        table_json=json.dumps({"header": table.header, "rows": table.rows}, ensure_ascii=False),
    )


def _import_markdown(request: Request, content: ContentDep, user: UserDep, data: bytes) -> Response:
    try:
        source = data.decode("utf-8")
        guide = parse_source(source)
    except UnicodeDecodeError:
        return _import_page(request, content, user, 400, errors={"file": ["Filen er ikke gemt som UTF-8-tekst."]})
    except GuideValidationError as exc:
        report = [f"{FIELD_NAMES.get(f.split('.')[0], f)}: {m}" for f, m in exc.problems]
        return _import_page(request, content, user, 400, errors={"file": report})
    if not permissions.can_edit_guide(user, guide.scope):
        return _import_page(
            request, content, user, 400, errors={"file": ["Vejledningen gælder for en kommune, du ikke redigerer for."]}
        )
    try:
        content.save(source, user.username, None, note="Importeret fra fil")
    except GuideExistsError as exc:
        return _import_page(request, content, user, 409, errors={"file": [str(exc)]})
    return redirect(f"/guides/{guide.id}", "imported")


@router.post("/import/confirm", response_class=HTMLResponse, response_model=None)
async def confirm(request: Request, content: ContentDep, user: UserDep, settings: SettingsDep) -> Response:
    form = await request.form()
    scope = str(form.get("scope", ""))
    topic = str(form.get("topic", "pas"))
    try:
        raw = json.loads(str(form.get("table", "")))
        table = Table([str(h) for h in raw["header"]], [[str(c) for c in row] for row in raw["rows"]])
    except (ValueError, KeyError, TypeError):
        return _import_page(request, content, user, 400, errors={"file": ["Importen er udløbet. Vælg filen igen."]})
    if not permissions.can_edit_guide(user, scope):
        raise not_found()
    mapping = mapping_from_form(form, len(table.header))
    problems = [RowProblem(1, f"Vælg en kolonne til '{TARGETS[t]}'.") for t in REQUIRED if mapping[t] is None]
    sources: list[str] = []
    if not problems:
        problems, sources = _rows(table, mapping, scope, topic, user.full_name, settings.kb_dir, content)
    if problems:
        return _preview_page(request, content, user, table, mapping, scope, topic, problems, status_code=400)
    content.save_new_drafts(sources, user.username, note="Importeret fra regneark")
    return redirect("/", "imported")


def _rows(
    table: Table,
    mapping: dict[str, int | None],
    scope: str,
    topic: str,
    owner: str,
    kb_dir: Path,
    content: ContentDep,
) -> tuple[list[RowProblem], list[str]]:
    """Every row as a guide file; the problems of every invalid row, by its line in the file."""
    today = date.today()
    fees = load_fees(kb_dir)
    existing = {r.id for r in content.records()}
    problems: list[RowProblem] = []
    sources: list[str] = []
    seen: dict[str, int] = {}
    for line, row in enumerate(table.rows, start=2):
        source = row_source(row, mapping, scope, topic, owner, today)
        try:
            guide = parse_source(source)
        except GuideValidationError as exc:
            problems += [RowProblem(line, f"{FIELD_NAMES.get(f.split('.')[0], f)}: {m}") for f, m in exc.problems]
            continue
        found = guide_problems(guide, today) + unknown_fees(guide, fees)
        problems += [RowProblem(line, f"{FIELD_NAMES.get(f, f)}: {m}") for f, m in found]
        if guide.id in existing:
            problems.append(RowProblem(line, f"id: vejledningen '{guide.id}' findes allerede"))
        if guide.id in seen:
            problems.append(RowProblem(line, f"id: '{guide.id}' er også i linje {seen[guide.id]}"))
        seen.setdefault(guide.id, line)
        sources.append(source)
    return problems, sources
