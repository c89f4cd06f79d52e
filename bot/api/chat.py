"""POST /api/v1/chat: one citizen message in, the assistant's replies out.

The message is cleaned of invisible and invalid characters first (``bot.text_input``: hostile
text is cleaned and answered, or 422 when nothing is left), then masked, then sent on.
"""

from __future__ import annotations

import logging
import uuid

import httpx
from fastapi import APIRouter, HTTPException, Request, status
from fastapi.responses import JSONResponse

from bot import messages
from bot.analytics.gateway_turns import TurnRecorder, degraded_turn, other_language_turn, turn_index
from bot.api.guards import (
    GUARD_RESPONSES,
    client_address,
    require_allowed_origin,
    require_municipality,
    require_rate,
    require_session,
)
from bot.deps import HotlineDep, LimitersDep, MunicipalitiesDep, RasaDep, SessionsDep, SettingsDep, TurnsDep
from bot.language import detect_language
from bot.masking import Masked, mask_personal_data
from bot.rasa_client import RasaUnavailableError, probe
from bot.replies import to_bot_messages
from bot.schemas import BotMessage, ChatRequest, ChatResponse, ErrorResponse
from bot.sessions import Session, SessionStore
from bot.text_input import Cleaned, clean_text
from bot.transcript import citizen_entry, record_turn
from core.payload import Link, is_button_payload
from kb.municipalities import Hotline

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/api/v1", tags=["chat"])


def ddh_link(hotline: Hotline) -> Link:
    return Link(title=messages.with_ddh(messages.DDH_LINK_TITLE, hotline), url=hotline.phone_uri)


def degraded_response(session_id: str, hotline: Hotline) -> JSONResponse:
    """503 with a message the citizen can act on: DDH's number."""
    body = ChatResponse(
        session_id=session_id,
        messages=[BotMessage(text=messages.with_ddh(messages.DEGRADED, hotline), links=[ddh_link(hotline)])],
        escalated=True,
        degraded=True,
    )
    return JSONResponse(status_code=status.HTTP_503_SERVICE_UNAVAILABLE, content=body.model_dump(mode="json"))


def degraded(
    session: Session,
    question: str,
    hotline: Hotline,
    sessions: SessionStore,
    turns: TurnRecorder,
    message_id: str,
) -> JSONResponse:
    """The 503, recorded for the weekly review as a technical hand-over; with the message's id, so a
    late Rasa turn for the same message is not counted as well."""
    index = turn_index(sessions.history(session.id))
    reply = messages.with_ddh(messages.DEGRADED, hotline)
    turns.record(degraded_turn(session.id, session.municipality, index, question, [reply], message_id))
    return degraded_response(session.id, hotline)


def removal_notice(masked: Masked) -> BotMessage | None:
    """Tell the citizen what was removed, in Danish, so they know it was not kept."""
    if not masked.kinds:
        return None
    kinds = [messages.PERSONAL_DATA_KINDS[k] for k in ("cpr", "email", "phone") if k in masked.kinds]
    what = kinds[0] if len(kinds) == 1 else f"{', '.join(kinds[:-1])} og {kinds[-1]}"
    return BotMessage(text=messages.PERSONAL_DATA_REMOVED.format(what=what))


def not_danish_reply(language: str, hotline: Hotline) -> list[BotMessage]:
    """The reply in the citizen's language (English when there is no translation), then in Danish."""
    code = language if language in messages.NOT_DANISH_REPLIES else messages.NOT_DANISH_FALLBACK
    reply = messages.with_ddh(messages.NOT_DANISH_REPLIES[code], hotline)
    return [
        BotMessage(text=reply, links=[ddh_link(hotline)], lang=code),
        BotMessage(text=messages.with_ddh(messages.NOT_DANISH_IN_DANISH, hotline)),
    ]


def log_cleaned(cleaned: Cleaned, session_id: str | None) -> None:
    """How many characters of each class were removed; never the text itself."""
    if cleaned.removed:
        extra = {"session": session_id, "removed": cleaned.removed, "empty": not cleaned.text}
        logger.info("chat.cleaned", extra=extra)


def _session_for(request: ChatRequest, sessions: SessionStore) -> Session:
    if request.session_id is None:
        return sessions.create(request.municipality)
    return require_session(request.session_id, request.municipality, sessions)


@router.post(
    "/chat",
    response_model=ChatResponse,
    responses={
        **GUARD_RESPONSES,
        400: {"model": ErrorResponse, "description": "Body is not valid JSON"},
        413: {"model": ErrorResponse, "description": "Request body too large"},
        503: {"model": ChatResponse, "description": "Assistant unavailable: a message with DDH's number"},
    },
)
async def chat(
    request: ChatRequest,
    http_request: Request,
    settings: SettingsDep,
    rasa: RasaDep,
    sessions: SessionsDep,
    municipalities: MunicipalitiesDep,
    limiters: LimitersDep,
    hotline: HotlineDep,
    turns: TurnsDep,
) -> ChatResponse | JSONResponse:
    """Send the citizen's message to the assistant and return its replies."""
    # Cleaned before anything reads it: invisible characters could hide a CPR number from the
    # masker, and a lone surrogate cannot even be written as UTF-8 to Rasa or the database.
    cleaned = clean_text(request.message)
    text = cleaned.text
    if not text:
        log_cleaned(cleaned, None)
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, messages.EMPTY_MESSAGE)
    # Counted after cleaning: the citizen is held to the characters they can see.
    if len(text) > settings.max_message_chars:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT, messages.MESSAGE_TOO_LONG.format(limit=settings.max_message_chars)
        )
    municipality = require_municipality(request.municipality, municipalities)
    require_allowed_origin(http_request, municipality, settings)
    await require_rate(limiters.client, client_address(http_request), hotline)
    session = _session_for(request, sessions)
    if request.session_id is not None:
        await require_rate(limiters.session, session.id, hotline)
    log_cleaned(cleaned, session.id)
    # Before anything keeps the text (Rasa's tracker store, logs, the guide search): mask it.
    public_numbers = [hotline.phone, *(m.phone for m in municipalities.values())]
    masked = mask_personal_data(text, public_numbers)
    if masked.kinds:
        logger.info("chat.masked", extra={"session": session.id, "kinds": sorted(masked.kinds)})
    notice = removal_notice(masked)
    quick_reply = is_button_payload(masked.text)
    citizen = citizen_entry(masked.text, sessions.history(session.id) if quick_reply else [])

    # Button payloads ("/affirm") are the bot's own words, not the citizen's language.
    language = None if quick_reply else detect_language(masked.text)
    if language is not None and not language.nordic:
        logger.info("chat.not_danish", extra={"session": session.id, "language": language.code})
        replies = [*([notice] if notice else []), *not_danish_reply(language.code, hotline)]
        index = turn_index(sessions.history(session.id))
        texts = [reply.text for reply in replies]
        turns.record(other_language_turn(session.id, session.municipality, index, masked.text, language.code, texts))
        record_turn(sessions, session.id, citizen, replies)
        return ChatResponse(session_id=session.id, messages=replies, escalated=True)

    # The message's id travels in Rasa's user event: the review counts the message once (bot.analytics.writer).
    message_id = uuid.uuid4().hex
    try:
        raw = await rasa.send(session.id, masked.text, {"municipality": session.municipality, "message_id": message_id})
    except RasaUnavailableError as exc:
        logger.error("chat.degraded", extra={"reason": "rasa_unavailable", "error": str(exc), "session": session.id})
        return degraded(session, masked.text, hotline, sessions, turns, message_id)

    bot_messages, escalated = to_bot_messages(raw)
    if not bot_messages:
        # Every turn of the dialogue says something; silence means an action failed.
        async with httpx.AsyncClient(base_url=settings.action_server_url) as http:
            ok, detail = await probe(http, "/health", settings.health_timeout_seconds)
        reason = "no_reply" if ok else f"action_server_{detail}"
        logger.error("chat.degraded", extra={"reason": reason, "session": session.id})
        return degraded(session, masked.text, hotline, sessions, turns, message_id)

    replies = [notice, *bot_messages] if notice else bot_messages
    record_turn(sessions, session.id, citizen, replies)
    logger.info("chat.replied", extra={"session": session.id, "messages": len(bot_messages), "escalated": escalated})
    return ChatResponse(session_id=session.id, messages=replies, escalated=escalated)
