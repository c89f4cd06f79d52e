"""The gateway app: the only public entry to Borgerbot.

Run it with ``uvicorn --factory bot.main:create_app``.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from redis import asyncio as aioredis

from bot.admin.app import make_admin
from bot.admin.web import PREFIX as ADMIN_PREFIX
from bot.analytics.gateway_turns import SqlTurnRecorder, TurnRecorder
from bot.analytics.retention_stores import close_stores, open_stores
from bot.api import chat, health, history, municipalities, pages
from bot.deps import Limiters
from bot.errors import install_error_handlers
from bot.language import prepare_language_detection
from bot.rasa_client import RasaClient
from bot.rasa_drain import RedisDrainList
from bot.rasa_pool import RasaPool
from bot.ratelimit import RedisSlidingWindowLimiter, SlidingWindowLimiter
from bot.retention import keep_retention
from bot.security import BodySizeLimitMiddleware, SecurityHeadersMiddleware, all_allowed_origins
from bot.sessions import SessionStore, SqlSessionStore, make_engine
from core.log import configure_logging
from core.settings import Settings, get_settings
from kb.content.engine import make_engine as make_app_engine
from kb.live import LiveMunicipalities
from kb.municipalities import load_hotline


def make_limiters(settings: Settings, redis: aioredis.Redis | None) -> Limiters:
    """Rate limits in Redis when it is configured (shared by every gateway), else in memory."""
    if redis is None:
        return Limiters(
            session=SlidingWindowLimiter(settings.rate_limit_per_session),
            client=SlidingWindowLimiter(settings.rate_limit_per_client),
        )
    return Limiters(
        session=RedisSlidingWindowLimiter(redis, "session", settings.rate_limit_per_session),
        client=RedisSlidingWindowLimiter(redis, "client", settings.rate_limit_per_client),
    )


def create_app(
    settings: Settings | None = None,
    rasa: RasaClient | None = None,
    sessions: SessionStore | None = None,
    admin: bool = True,
    turns: TurnRecorder | None = None,
) -> FastAPI:
    """Build the gateway; tests pass fakes for Rasa, the session store or the turn recorder."""
    settings = settings or get_settings()
    configure_logging(settings.log_level)
    # Municipality data follow the published build (a phone or hours saved in the admin show at
    # once); the CORS middleware's origins below are read here, once: a new site needs a restart.
    live = LiveMunicipalities(settings.index_dir, settings.kb_dir)
    known = live.get()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # Each conversation to one Rasa replica while it is up (bot.rasa_pool); one URL by default.
        redis = aioredis.from_url(settings.redis_url) if settings.redis_url else None
        pool = None
        if rasa is None:
            # Replicas drained for a restart are passed over (bot.rasa_drain, ops.rolling).
            drain = RedisDrainList(redis) if redis is not None else None
            pool = RasaPool.over_http(
                settings.rasa_replica_urls, settings.rasa_timeout_seconds, settings.health_timeout_seconds, drain
            )
        app.state.settings = settings
        app.state.rasa = rasa or pool
        app.state.sessions = sessions or SqlSessionStore(make_engine(settings.gateway_database_url))
        # The turns Rasa never sees (another language, the degraded 503) go to the review from here.
        recorder, turns_engine = turns, None
        if recorder is None:
            turns_engine = make_app_engine(settings.gateway_database_url)
            recorder = SqlTurnRecorder(turns_engine)
        app.state.turns = recorder
        app.state.municipalities = live
        app.state.hotline = load_hotline(settings.kb_dir)
        app.state.limiters = make_limiters(settings, redis)
        # Each municipality's retention over every store, now and hourly (bot.analytics.retention).
        conversation_stores = open_stores(settings)
        retention = asyncio.create_task(keep_retention(conversation_stores, live.get))
        prepare_language_detection()
        yield
        retention.cancel()
        close_stores(conversation_stores)
        if turns_engine is not None:
            turns_engine.dispose()
        if redis is not None:
            await redis.aclose()
        if pool is not None:
            await pool.aclose()

    app = FastAPI(
        title="Borgerbot",
        version="0.1.0",
        description="Danish municipal chatbot: passports, moving, MitID and opening hours.",
        lifespan=lifespan,
    )
    install_error_handlers(app)
    # Outermost last: headers on every answer, CORS on every answer (a 413 included) so the widget reads it.
    app.add_middleware(
        BodySizeLimitMiddleware,
        max_bytes=settings.max_body_bytes,
        larger={ADMIN_PREFIX: settings.admin_max_body_bytes},
    )
    # Preflights pass for any listed site; each request is then held to its own municipality's.
    app.add_middleware(
        CORSMiddleware,
        allow_origins=all_allowed_origins((m.allowed_origins for m in known.values()), settings.cors_extra_origins),
        allow_methods=["GET", "POST"],
        allow_headers=["content-type"],
        max_age=600,
    )
    app.add_middleware(SecurityHeadersMiddleware)
    for module in (chat, history, health, municipalities, pages):
        app.include_router(module.router)
    if admin:
        app.mount(ADMIN_PREFIX, make_admin(settings))
    return app
