"""Checks every citizen-facing endpoint makes: the calling site, the request rate, the session id."""

from __future__ import annotations

import re

from fastapi import HTTPException, Request, status

from bot import messages
from bot.ratelimit import RateLimiter, retry_after_header
from bot.schemas import SESSION_ID_PATTERN, ErrorResponse
from bot.security import origin_allowed
from bot.sessions import Session, SessionStore
from core.settings import Settings
from kb.municipalities import Hotline, Municipality

_SESSION_ID = re.compile(SESSION_ID_PATTERN)

# The answers the guards below give, for the OpenAPI schema of every endpoint that uses them.
GUARD_RESPONSES: dict[int | str, dict[str, object]] = {
    403: {"model": ErrorResponse, "description": "Called from a site the municipality has not listed"},
    404: {"model": ErrorResponse, "description": "Unknown session"},
    409: {"model": ErrorResponse, "description": "Session belongs to another municipality"},
    422: {"model": ErrorResponse, "description": "Invalid input: message, municipality or session id"},
    429: {"model": ErrorResponse, "description": "Too many requests per minute (see Retry-After)"},
}


def client_address(request: Request) -> str:
    """The caller's address (uvicorn resolves X-Forwarded-For from trusted proxies)."""
    return request.client.host if request.client else "unknown"


def require_municipality(slug: str, municipalities: dict[str, Municipality]) -> Municipality:
    municipality = municipalities.get(slug)
    if municipality is None:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT,
            messages.UNKNOWN_MUNICIPALITY.format(slug=slug, known=", ".join(sorted(municipalities))),
        )
    return municipality


def require_allowed_origin(request: Request, municipality: Municipality, settings: Settings) -> None:
    """A browser on a site the municipality has not listed gets 403, whatever CORS let through."""
    origin = request.headers.get("origin")
    own = str(request.base_url).rstrip("/")
    if not origin_allowed(origin, [*municipality.allowed_origins, *settings.cors_extra_origins], own):
        raise HTTPException(
            status.HTTP_403_FORBIDDEN, messages.ORIGIN_NOT_ALLOWED.format(name=municipality.name, origin=origin)
        )


async def require_rate(limiter: RateLimiter, key: str, hotline: Hotline) -> None:
    wait = await limiter.hit(key)
    if wait is not None:
        raise HTTPException(
            status.HTTP_429_TOO_MANY_REQUESTS,
            messages.with_ddh(messages.RATE_LIMITED, hotline),
            headers=retry_after_header(wait),
        )


def require_session(session_id: str, municipality: str, sessions: SessionStore) -> Session:
    """The session, if the id is well-formed, known, and belongs to this municipality."""
    if not _SESSION_ID.match(session_id):
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, messages.MALFORMED_SESSION)
    session = sessions.get(session_id)
    if session is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, messages.UNKNOWN_SESSION)
    if session.municipality != municipality:
        raise HTTPException(status.HTTP_409_CONFLICT, messages.SESSION_OTHER_MUNICIPALITY)
    return session
