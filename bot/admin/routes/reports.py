"""The weekly review on the staff pages: a municipality's week, the conversations behind each
figure, one conversation's masked transcript, and the question groups' states.

A municipality's managers and editors see its reports, administrators every municipality's;
anything else is 404, the same as a report that does not exist.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from bot.admin import permissions
from bot.admin.accounts import StaffUser
from bot.admin.deps import ContentDep, SettingsDep, UserDep
from bot.admin.routes.guides import TOPIC_LABELS
from bot.admin.web import PREFIX, PageError, not_found, page, templates
from bot.analytics.drilldown import (
    BEHIND,
    FIGURES,
    LANGUAGE_LABELS,
    OUTCOME_LABELS,
    REASON_LABELS,
    conversations_behind,
)
from bot.analytics.formatting import percent, signed
from bot.analytics.groups import GROUP_STATES, GroupNotFoundError, GroupStateError, get_group, set_state
from bot.analytics.metrics import select
from bot.analytics.report import build_report, schedules
from bot.analytics.rows import load_conversation, load_turns
from bot.analytics.vectors import CachedEmbedder
from bot.analytics.weeks import describe_week, last_complete_week, shift_week, week_monday
from kb.content.store import SqlContentStore
from kb.embedder import Embedder
from kb.municipalities import Municipality, load_hotline

router = APIRouter()
# The menu shows "Rapporter" to those who may see a report (base.html).
templates.env.globals["can_see_reports"] = permissions.may_see_reports
# What a conversation id can look like (the gateway's session ids); anything else is no conversation.
_CONVERSATION_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
GROUP_SAVED = "Gruppens status er gemt."


def _municipality(content: SqlContentStore, user: StaffUser, slug: str) -> Municipality:
    """The municipality whose reports the user may see; 404 otherwise."""
    record = content.municipality(slug) if slug else None
    if record is None or not permissions.can_read_reports(user, slug):
        raise not_found()
    return record.data


def _choices(content: SqlContentStore, user: StaffUser) -> dict[str, str]:
    return {s: m.name for s, m in sorted(content.municipalities().items()) if permissions.can_read_reports(user, s)}


def _week(week: str) -> str:
    """The week asked for (the last complete week by default); 400 with the Danish rule when malformed."""
    if not week.strip():
        return last_complete_week(datetime.now(UTC))
    try:
        week_monday(week)
    except ValueError as exc:
        raise PageError(400, "Ugen findes ikke", str(exc)) from exc
    return week.strip()


def _topic(topic: str) -> str | None:
    if topic and topic not in TOPIC_LABELS:
        raise not_found()
    return topic or None


def _embedder(request: Request) -> Embedder:
    """The staff assistant's e5 model (loaded on first use), keeping the question vectors it made."""
    state = request.app.state
    cached: CachedEmbedder | None = getattr(state, "report_embedder", None)
    if cached is None:
        cached = CachedEmbedder(state.assistant.embedder)
        state.report_embedder = cached
    return cached


def report_url(week: str, municipality: str, topic: str | None = None, **extra: str) -> str:
    query = {"week": week, "municipality": municipality, **({"topic": topic} if topic else {}), **extra}
    return f"{PREFIX}/reports?{urlencode(query)}"


def _common(week: str, notice: str | None = None) -> dict[str, Any]:
    """What every report page has; a notice only when given (else the redirect's, bot.admin.web.NOTICES)."""
    return {
        **({"notice": notice} if notice else {}),
        "nav": "reports",
        "topics": TOPIC_LABELS,
        "state_labels": GROUP_STATES,
        "percent": percent,
        "signed": signed,
        "behind": BEHIND,
        "figures": FIGURES,
        "week_title": describe_week(week),
        "report_url": report_url,
    }


@router.get("/reports", response_class=HTMLResponse)
async def report_page(
    request: Request,
    content: ContentDep,
    settings: SettingsDep,
    user: UserDep,
    week: str = "",
    municipality: str = "",
    topic: str = "",
    saved: str = "",
) -> HTMLResponse:
    choices = _choices(content, user)
    if not choices:
        raise not_found()
    slug = municipality or (user.municipality if user.municipality in choices else next(iter(choices)))
    data = _municipality(content, user, slug)
    chosen_week, chosen_topic = _week(week), _topic(topic)
    report = await run_in_threadpool(
        build_report,
        content.engine,
        data,
        load_hotline(settings.kb_dir),
        chosen_week,
        _embedder(request),
        chosen_topic,
    )
    return page(
        request,
        "reports.html",
        report=report,
        municipalities=choices,
        links=True,
        can_write_guides=bool(permissions.editable_scopes(user, [slug])),
        previous_week=shift_week(chosen_week, -1),
        next_week=shift_week(chosen_week, 1),
        # Our own notice after a group's form; otherwise the one a redirect asked for (bot.admin.web.NOTICES).
        **_common(chosen_week, notice=GROUP_SAVED if saved.isdigit() else None),
    )


@router.post("/reports/groups/{group_id}")
async def save_group_state(request: Request, content: ContentDep, user: UserDep, group_id: int) -> Response:
    """A group's new state; "resolved" names a guide the user can open."""
    group = get_group(content.engine, group_id)
    if group is None or not permissions.can_read_reports(user, group.municipality):
        raise not_found()
    form = await request.form()
    state = str(form.get("state", "") or "")
    guide_id = str(form.get("guide_id", "") or "").strip()
    if state == "resolved" and guide_id:
        record = content.record(guide_id)
        if record is None or not permissions.can_read_guide(user, record.municipality):
            raise PageError(
                400,
                "Vejledningen findes ikke",
                f"Der er ingen vejledning med id'et '{guide_id}'. Gå tilbage, og ret det.",
            )
    try:
        set_state(content.engine, group_id, state, guide_id or None, user.username)
    except GroupStateError as exc:
        raise PageError(400, "Status kunne ikke gemmes", f"{exc} Gå tilbage, og prøv igen.") from exc
    except GroupNotFoundError as exc:
        raise not_found() from exc
    week = str(form.get("week", "") or "")
    try:
        week_monday(week)
    except ValueError:
        week = group.first_week
    topic = str(form.get("topic", "") or "")
    url = report_url(week, group.municipality, topic if topic in TOPIC_LABELS else None, saved=str(group_id))
    return RedirectResponse(f"{url}#group-{group_id}", status_code=303)


@router.get("/reports/conversations", response_class=HTMLResponse)
async def figure_conversations(
    request: Request,
    content: ContentDep,
    settings: SettingsDep,
    user: UserDep,
    figure: str,
    week: str = "",
    municipality: str = "",
    topic: str = "",
) -> HTMLResponse:
    """The conversations behind one figure of one week."""
    data = _municipality(content, user, municipality or (user.municipality or ""))
    chosen_week, chosen_topic = _week(week), _topic(topic)
    if figure not in FIGURES:
        raise not_found()
    turns = select(load_turns(content.engine, data.slug, [chosen_week]), chosen_week, chosen_topic)
    found = conversations_behind(turns, figure, schedules(data, load_hotline(settings.kb_dir)))
    return page(
        request,
        "report_conversations.html",
        municipality=data,
        week=chosen_week,
        topic=chosen_topic,
        figure=figure,
        conversations=found,
        outcome_labels=OUTCOME_LABELS,
        **_common(chosen_week),
    )


@router.get("/reports/conversations/{conversation_id}", response_class=HTMLResponse)
async def conversation(request: Request, content: ContentDep, user: UserDep, conversation_id: str) -> HTMLResponse:
    """One conversation's masked transcript, with what the bot decided in each turn and why."""
    if not _CONVERSATION_ID.match(conversation_id):
        raise not_found()
    turns = load_conversation(content.engine, conversation_id)
    if not turns or not all(permissions.can_read_reports(user, turn.municipality) for turn in turns):
        raise not_found()
    data = _municipality(content, user, turns[0].municipality)
    readable_guides = {
        turn.guide_id
        for turn in turns
        if turn.guide_id
        and (record := content.record(turn.guide_id)) is not None
        and permissions.can_read_guide(user, record.municipality)
    }
    return page(
        request,
        "report_conversation.html",
        municipality=data,
        conversation_id=conversation_id,
        turns=turns,
        week=turns[0].week,
        readable_guides=readable_guides,
        outcome_labels=OUTCOME_LABELS,
        reason_labels=REASON_LABELS,
        language_labels=LANGUAGE_LABELS,
        may_delete=user.active and user.role == "admin",
        **_common(turns[0].week),
    )
