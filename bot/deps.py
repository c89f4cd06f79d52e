"""Typed FastAPI dependencies: everything a router needs comes from here."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from bot.analytics.gateway_turns import TurnRecorder
from bot.rasa_client import RasaClient
from bot.ratelimit import RateLimiter
from bot.sessions import SessionStore
from core.settings import Settings
from kb.live import LiveMunicipalities
from kb.municipalities import Hotline, Municipality


@dataclass(frozen=True)
class Limiters:
    """Requests per minute, per conversation and per client address."""

    session: RateLimiter
    client: RateLimiter


def get_app_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_rasa(request: Request) -> RasaClient:
    rasa: RasaClient = request.app.state.rasa
    return rasa


def get_sessions(request: Request) -> SessionStore:
    sessions: SessionStore = request.app.state.sessions
    return sessions


def get_municipalities(request: Request) -> dict[str, Municipality]:
    """The municipality data as last published (kb.live), read again only when the build changes."""
    live: LiveMunicipalities = request.app.state.municipalities
    return live.get()


def get_hotline(request: Request) -> Hotline:
    hotline: Hotline = request.app.state.hotline
    return hotline


def get_turns(request: Request) -> TurnRecorder:
    turns: TurnRecorder = request.app.state.turns
    return turns


def get_limiters(request: Request) -> Limiters:
    limiters: Limiters = request.app.state.limiters
    return limiters


SettingsDep = Annotated[Settings, Depends(get_app_settings)]
RasaDep = Annotated[RasaClient, Depends(get_rasa)]
SessionsDep = Annotated[SessionStore, Depends(get_sessions)]
MunicipalitiesDep = Annotated[dict[str, Municipality], Depends(get_municipalities)]
LimitersDep = Annotated[Limiters, Depends(get_limiters)]
HotlineDep = Annotated[Hotline, Depends(get_hotline)]
TurnsDep = Annotated[TurnRecorder, Depends(get_turns)]
