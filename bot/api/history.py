"""GET /api/v1/chat/{session_id}/history: the conversation so far, for the widget after a reload."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request

from bot.api.guards import (
    GUARD_RESPONSES,
    client_address,
    require_allowed_origin,
    require_municipality,
    require_rate,
    require_session,
)
from bot.deps import HotlineDep, LimitersDep, MunicipalitiesDep, SessionsDep, SettingsDep
from bot.schemas import HistoryResponse
from bot.transcript import to_history

router = APIRouter(prefix="/api/v1", tags=["chat"])


@router.get(
    "/chat/{session_id}/history",
    response_model=HistoryResponse,
    responses=GUARD_RESPONSES,
)
async def history(
    session_id: str,
    http_request: Request,
    settings: SettingsDep,
    sessions: SessionsDep,
    municipalities: MunicipalitiesDep,
    limiters: LimitersDep,
    hotline: HotlineDep,
    municipality: Annotated[str, Query(description="The municipality whose site asks, e.g. 'kalundborg'")],
) -> HistoryResponse:
    """Every message of the conversation, oldest first, as the widget showed it (masked)."""
    known = require_municipality(municipality, municipalities)
    require_allowed_origin(http_request, known, settings)
    await require_rate(limiters.client, client_address(http_request), hotline)
    session = require_session(session_id, municipality, sessions)
    return HistoryResponse(
        session_id=session.id, municipality=session.municipality, messages=to_history(sessions.history(session.id))
    )
