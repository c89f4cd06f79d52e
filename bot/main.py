"""The gateway app: the only public entry to Borgerbot.

Run it with ``uvicorn --factory bot.main:create_app``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from bot.api import chat, health, municipalities
from bot.errors import install_error_handlers
from bot.logging_setup import configure_logging
from bot.rasa_client import HttpRasaClient, RasaClient
from bot.sessions import SessionStore, SqlSessionStore, make_engine
from bot.settings import Settings, get_settings
from kb.municipalities import load_municipalities


def create_app(
    settings: Settings | None = None,
    rasa: RasaClient | None = None,
    sessions: SessionStore | None = None,
) -> FastAPI:
    """Build the gateway; tests pass fakes for Rasa or the session store."""
    settings = settings or get_settings()
    configure_logging(settings.log_level)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        http_rasa = None
        if rasa is None:
            http_rasa = HttpRasaClient(
                settings.rasa_url, settings.rasa_timeout_seconds, settings.health_timeout_seconds
            )
        app.state.settings = settings
        app.state.rasa = rasa or http_rasa
        app.state.sessions = sessions or SqlSessionStore(make_engine(settings.gateway_database_url))
        app.state.municipalities = load_municipalities(settings.kb_dir)
        yield
        if http_rasa is not None:
            await http_rasa.aclose()

    app = FastAPI(
        title="Borgerbot",
        version="0.1.0",
        description="Danish municipal chatbot: passports, moving, MitID and opening hours.",
        lifespan=lifespan,
    )
    install_error_handlers(app)
    app.include_router(chat.router)
    app.include_router(health.router)
    app.include_router(municipalities.router)
    return app
