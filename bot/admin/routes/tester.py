"""Test a question: the published guides' answer and, for a guide with a draft, the draft's, side by side."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from bot.admin import permissions
from bot.admin.deps import AssistantDep, ContentDep, UserDep
from bot.admin.routes.guides import readable_record
from bot.admin.tester import TrialOutcome, try_question
from bot.admin.web import not_found, page
from kb.content.source import parse_source

router = APIRouter()
MAX_QUESTION_CHARS = 500


@router.get("/test", response_class=HTMLResponse)
async def test_page(
    request: Request,
    content: ContentDep,
    user: UserDep,
    assistant: AssistantDep,
    question: str = "",
    municipality: str = "",
    guide: str = "",
) -> HTMLResponse:
    municipalities = {
        s: m.name for s, m in content.municipalities().items() if permissions.can_read_municipality(user, s)
    }
    if not municipalities:
        raise not_found()
    chosen = municipality if municipality in municipalities else (user.municipality or next(iter(municipalities)))
    if chosen not in municipalities:
        chosen = next(iter(municipalities))
    errors: dict[str, list[str]] = {}
    question = question.strip()
    if len(question) > MAX_QUESTION_CHARS:
        errors["question"] = [f"Skriv højst {MAX_QUESTION_CHARS} tegn."]
    draft_record = readable_record(content, user, guide) if guide else None
    published: TrialOutcome | None = None
    draft: TrialOutcome | None = None
    if question and not errors:
        published = await asyncio.to_thread(try_question, assistant.published, question, chosen, assistant.thresholds)
        if draft_record is not None:
            latest = content.version(draft_record.id, draft_record.latest_version)
            assert latest is not None
            drafted = [g for g in content.list_guides() if g.id != draft_record.id] + [parse_source(latest.source)]
            search = await asyncio.to_thread(assistant.draft, drafted)
            draft = await asyncio.to_thread(try_question, search, question, chosen, assistant.thresholds)
    choices = [r for r in content.records() if permissions.can_read_guide(user, r.municipality)]
    return page(
        request,
        "test.html",
        question=question,
        municipality=chosen,
        municipalities=municipalities,
        guide=draft_record,
        guides=choices,
        published=published,
        draft=draft,
        errors=errors,
    )
