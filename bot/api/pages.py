"""The gateway's own pages: the widget script, and a demo municipal page with the widget embedded."""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse, Response

from bot.api.guards import require_municipality
from bot.deps import HotlineDep, MunicipalitiesDep, SettingsDep

router = APIRouter(tags=["widget"])

# Municipalities' pages fetch the widget on every view; a short cache keeps updates quick.
_WIDGET_CACHE = "public, max-age=300"


def _read(settings_root: Path, name: str) -> str:
    return (settings_root / "widget" / name).read_text(encoding="utf-8")


@router.get("/widget.js", response_class=Response, summary="The chat widget (one script tag)")
async def widget_script(settings: SettingsDep, hotline: HotlineDep) -> Response:
    # DDH's number is defined once, in kb/ddh.yml; the script carries it from here.
    script = _read(settings.project_root, "widget.js")
    for placeholder, value in {"{{DDH_PHONE}}": hotline.phone, "{{DDH_PHONE_URI}}": hotline.phone_uri}.items():
        script = script.replace(placeholder, json.dumps(value)[1:-1])
    return Response(
        script,
        media_type="text/javascript; charset=utf-8",
        headers={"cache-control": _WIDGET_CACHE},
    )


@router.get("/demo.css", response_class=Response, include_in_schema=False)
async def demo_stylesheet(settings: SettingsDep) -> Response:
    return Response(_read(settings.project_root, "demo.css"), media_type="text/css; charset=utf-8")


@router.get("/", response_class=HTMLResponse, summary="Demo: a municipal page with the widget embedded")
async def demo_page(
    settings: SettingsDep,
    municipalities: MunicipalitiesDep,
    hotline: HotlineDep,
    municipality: Annotated[str | None, Query(description="Municipality slug; the default if omitted")] = None,
) -> HTMLResponse:
    chosen = require_municipality(municipality or settings.default_municipality, municipalities)
    page = _read(settings.project_root, "demo.html")
    for placeholder, value in {
        "{{MUNICIPALITY_SLUG}}": chosen.slug,
        "{{MUNICIPALITY_NAME}}": chosen.name,
        "{{MUNICIPALITY_PHONE}}": chosen.phone,
        "{{DDH_PHONE}}": hotline.phone,
        "{{DDH_PHONE_URI}}": hotline.phone_uri,
    }.items():
        page = page.replace(placeholder, html.escape(value))
    return HTMLResponse(page)
