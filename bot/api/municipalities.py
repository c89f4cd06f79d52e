"""GET /api/v1/municipalities/{slug}: name, phone and opening hours of a municipality."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, status

from bot import messages
from bot.deps import MunicipalitiesDep
from bot.schemas import ErrorResponse, MunicipalityOut

router = APIRouter(prefix="/api/v1", tags=["municipalities"])


@router.get("/municipalities/{slug}", response_model=MunicipalityOut, responses={404: {"model": ErrorResponse}})
async def get_municipality(slug: str, municipalities: MunicipalitiesDep) -> MunicipalityOut:
    municipality = municipalities.get(slug)
    if municipality is None:
        raise HTTPException(
            status.HTTP_404_NOT_FOUND,
            messages.UNKNOWN_MUNICIPALITY.format(slug=slug, known=", ".join(sorted(municipalities))),
        )
    data = municipality.model_dump(mode="json")
    return MunicipalityOut(
        slug=data["slug"],
        name=data["name"],
        phone=data["phone"],
        website=data["website"],
        booking_url=data["booking_url"],
        hours_verified=data["hours_verified"],
        addresses=data["addresses"],
        opening_hours=data["opening_hours"],
        special_closing_days=data["special_closing_days"],
    )
