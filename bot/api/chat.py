"""POST /api/v1/chat: one citizen message in, the assistant's replies out."""

from __future__ import annotations

import logging
import re

import httpx
from fastapi import APIRouter, HTTPException, status
from fastapi.responses import JSONResponse

from bot import messages
from bot.deps import MunicipalitiesDep, RasaDep, SessionsDep, SettingsDep
from bot.masking import Masked, mask_personal_data
from bot.rasa_client import RasaUnavailableError, probe
from bot.replies import to_bot_messages
from bot.schemas import SESSION_ID_PATTERN, BotMessage, ChatRequest, ChatResponse, ErrorResponse, Link
from bot.sessions import Session, SessionStore

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/api/v1", tags=["chat"])

_SESSION_ID = re.compile(SESSION_ID_PATTERN)


def degraded_response(session_id: str) -> JSONResponse:
    """503 with a message the citizen can act on: DDH's number."""
    body = ChatResponse(
        session_id=session_id,
        messages=[
            BotMessage(
                text=messages.DEGRADED,
                links=[Link(title=messages.DDH_LINK_TITLE, url=messages.DDH_PHONE_URI)],
            )
        ],
        escalated=True,
        degraded=True,
    )
    return JSONResponse(status_code=status.HTTP_503_SERVICE_UNAVAILABLE, content=body.model_dump(mode="json"))


def removal_notice(masked: Masked) -> BotMessage | None:
    """Tell the citizen what was removed, in Danish, so they know it was not kept."""
    if not masked.kinds:
        return None
    kinds = [messages.PERSONAL_DATA_KINDS[k] for k in ("cpr", "email", "phone") if k in masked.kinds]
    what = kinds[0] if len(kinds) == 1 else f"{', '.join(kinds[:-1])} og {kinds[-1]}"
    return BotMessage(text=messages.PERSONAL_DATA_REMOVED.format(what=what))


def _session_for(request: ChatRequest, sessions: SessionStore) -> Session:
    if request.session_id is None:
        return sessions.create(request.municipality)
    if not _SESSION_ID.match(request.session_id):
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, messages.MALFORMED_SESSION)
    session = sessions.get(request.session_id)
    if session is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, messages.UNKNOWN_SESSION)
    if session.municipality != request.municipality:
        raise HTTPException(status.HTTP_409_CONFLICT, messages.SESSION_OTHER_MUNICIPALITY)
    return session


@router.post(
    "/chat",
    response_model=ChatResponse,
    responses={
        404: {"model": ErrorResponse, "description": "Unknown session"},
        409: {"model": ErrorResponse, "description": "Session belongs to another municipality"},
        422: {"model": ErrorResponse, "description": "Invalid message, municipality or session id"},
        503: {"model": ChatResponse, "description": "Assistant unavailable: a message with DDH's number"},
    },
)
async def chat(
    request: ChatRequest,
    settings: SettingsDep,
    rasa: RasaDep,
    sessions: SessionsDep,
    municipalities: MunicipalitiesDep,
) -> ChatResponse | JSONResponse:
    """Send the citizen's message to the assistant and return its replies."""
    text = request.message.strip()
    if not text:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, messages.EMPTY_MESSAGE)
    if len(request.message) > settings.max_message_chars:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT, messages.MESSAGE_TOO_LONG.format(limit=settings.max_message_chars)
        )
    if request.municipality not in municipalities:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT,
            messages.UNKNOWN_MUNICIPALITY.format(slug=request.municipality, known=", ".join(sorted(municipalities))),
        )
    session = _session_for(request, sessions)
    # Before anything keeps the text (Rasa's tracker store, logs, the guide search): mask it.
    public_numbers = [messages.DDH_PHONE, *(m.phone for m in municipalities.values())]
    masked = mask_personal_data(text, public_numbers)
    if masked.kinds:
        logger.info("chat.masked", extra={"session": session.id, "kinds": sorted(masked.kinds)})

    try:
        replies = await rasa.send(session.id, masked.text, {"municipality": session.municipality})
    except RasaUnavailableError as exc:
        logger.error("chat.degraded", extra={"reason": "rasa_unavailable", "error": str(exc), "session": session.id})
        return degraded_response(session.id)

    bot_messages, escalated = to_bot_messages(replies)
    notice = removal_notice(masked)
    if not bot_messages:
        # Every turn of the dialogue says something; silence means an action failed.
        async with httpx.AsyncClient(base_url=settings.action_server_url) as http:
            ok, detail = await probe(http, "/health", settings.health_timeout_seconds)
        reason = "no_reply" if ok else f"action_server_{detail}"
        logger.error("chat.degraded", extra={"reason": reason, "session": session.id})
        return degraded_response(session.id)

    sessions.touch(session.id)
    logger.info("chat.replied", extra={"session": session.id, "messages": len(bot_messages), "escalated": escalated})
    return ChatResponse(
        session_id=session.id, messages=[notice, *bot_messages] if notice else bot_messages, escalated=escalated
    )
