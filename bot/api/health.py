"""GET /api/v1/health: is the assistant able to answer right now?"""

from __future__ import annotations

import asyncio

import httpx
from fastapi import APIRouter, status
from fastapi.responses import JSONResponse

from bot.deps import RasaDep, SettingsDep
from bot.rasa_client import probe
from bot.schemas import ComponentHealth, HealthResponse

router = APIRouter(prefix="/api/v1", tags=["health"])


@router.get("/health", response_model=HealthResponse, responses={503: {"model": HealthResponse}})
async def health(settings: SettingsDep, rasa: RasaDep) -> JSONResponse:
    """Checks the Rasa server and the action server; 503 when either is down."""
    async with httpx.AsyncClient(base_url=settings.action_server_url) as http:
        (rasa_ok, rasa_detail), (actions_ok, actions_detail) = await asyncio.gather(
            rasa.is_healthy(), probe(http, "/health", settings.health_timeout_seconds)
        )
    body = HealthResponse(
        status="ok" if rasa_ok and actions_ok else "degraded",
        components={
            "gateway": ComponentHealth(ok=True, detail="ok"),
            "rasa": ComponentHealth(ok=rasa_ok, detail=rasa_detail),
            "action_server": ComponentHealth(ok=actions_ok, detail=actions_detail),
        },
    )
    code = status.HTTP_200_OK if body.status == "ok" else status.HTTP_503_SERVICE_UNAVAILABLE
    return JSONResponse(status_code=code, content=body.model_dump(mode="json"))
