"""GET /api/v1/health: is the assistant able to answer right now, and if not, which part is down?"""

from __future__ import annotations

import asyncio
import time

import httpx
from fastapi import APIRouter, Request, status
from fastapi.responses import JSONResponse

from bot.deps import RasaDep, SettingsDep
from bot.rasa_client import probe
from bot.schemas import ComponentHealth, HealthResponse

router = APIRouter(prefix="/api/v1", tags=["health"])

# When this gateway process started: until Rasa and the action server first answer (within the
# start-up timeout), a port nothing listens on yet means "starting", not "down".
_STARTED = time.monotonic()


def judge(
    name: str, ok: bool, detail: str, seen: dict[str, float], now: float, startup_window: float
) -> ComponentHealth:
    """One component's health in plain words; ``seen`` holds when each last answered a health check."""
    if ok:
        seen[name] = now
        # A pool with a replica down is up, and says which replica is down (bot.rasa_pool).
        return ComponentHealth(ok=True, detail=detail or "ok")
    last = seen.get(name)
    if last is not None:
        return ComponentHealth(ok=False, detail=f"{detail}; last answered a health check {now - last:.0f} s ago")
    since = now - _STARTED
    if detail.startswith("unreachable") and since < startup_window:
        return ComponentHealth(ok=False, detail=f"starting: {detail}, {since:.0f} s after the gateway started")
    return ComponentHealth(ok=False, detail=f"{detail}; has not answered since the gateway started {since:.0f} s ago")


@router.get("/health", response_model=HealthResponse, responses={503: {"model": HealthResponse}})
async def health(request: Request, settings: SettingsDep, rasa: RasaDep) -> JSONResponse:
    """Checks the Rasa server and the action server; 503 when either is down, saying which and how."""
    async with httpx.AsyncClient(base_url=settings.action_server_url) as http:
        (rasa_ok, rasa_detail), (actions_ok, actions_detail) = await asyncio.gather(
            rasa.is_healthy(), probe(http, "/health", settings.health_timeout_seconds)
        )
    seen: dict[str, float] = getattr(request.app.state, "health_seen", {})
    request.app.state.health_seen = seen
    now = time.monotonic()
    window = settings.startup_timeout_seconds
    body = HealthResponse(
        status="ok" if rasa_ok and actions_ok else "degraded",
        components={
            "gateway": ComponentHealth(ok=True, detail="ok"),
            "rasa": judge("rasa", rasa_ok, rasa_detail, seen, now, window),
            "action_server": judge("action_server", actions_ok, actions_detail, seen, now, window),
        },
    )
    code = status.HTTP_200_OK if body.status == "ok" else status.HTTP_503_SERVICE_UNAVAILABLE
    return JSONResponse(status_code=code, content=body.model_dump(mode="json"))
