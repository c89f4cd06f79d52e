"""Municipality and Den Digitale Hotline data: names, phones and opening hours as data."""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import BaseModel, Field, HttpUrl, field_validator

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
DANISH_WEEKDAYS = ("mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag")
_ORIGIN = re.compile(r"^https?://[a-z0-9.-]+(:\d{1,5})?$")
_INTERVAL = re.compile(r"^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-4]):[0-5]\d$")


def _check_hours(hours: dict[str, list[str]]) -> dict[str, list[str]]:
    missing = [day for day in WEEKDAYS if day not in hours]
    if missing:
        raise ValueError(f"åbningstider mangler for {', '.join(missing)}")
    for day, intervals in hours.items():
        if day not in WEEKDAYS:
            raise ValueError(f"ukendt ugedag '{day}' (brug monday … sunday)")
        for interval in intervals:
            if not _INTERVAL.match(interval):
                raise ValueError(f"{day}: '{interval}' skal skrives TT:MM-TT:MM, fx 10:00-14:00")
    return hours


class Address(BaseModel):
    name: str
    street: str
    postcode: str
    city: str


class ClosingDay(BaseModel):
    date: date
    reason: str


class Municipality(BaseModel):
    """One municipality's Borgerservice, as its staff maintain it."""

    slug: str = Field(pattern=r"^[a-z0-9-]+$")
    name: str
    phone: str
    website: HttpUrl
    booking_url: HttpUrl | None = None
    hours_verified: bool
    # Who confirmed the hours and when (set by the staff admin); the bot states hours only once verified.
    hours_verified_on: date | None = None
    hours_verified_by: str | None = None
    hours_note: str = ""
    hours_source: str | None = None
    addresses: list[Address] = Field(min_length=1)
    opening_hours: dict[str, list[str]]
    special_closing_days: list[ClosingDay] = Field(default_factory=list)
    # Conversations older than this are deleted from every store (privacy by default; never under 14).
    retention_days: int = Field(default=90, ge=14)
    # The sites that may embed the widget for this municipality (scheme://host, no path).
    allowed_origins: list[str] = Field(default_factory=list)

    _validate_hours = field_validator("opening_hours")(_check_hours)

    @field_validator("allowed_origins")
    @classmethod
    def _check_origins(cls, origins: list[str]) -> list[str]:
        for origin in origins:
            if not _ORIGIN.match(origin):
                raise ValueError(f"'{origin}' skal skrives som https://vaert.dk, uden sti og skråstreg til sidst")
        return origins


class Hotline(BaseModel):
    """Den Digitale Hotline: the shared phone service citizens are handed to."""

    name: str
    phone: str
    phone_uri: str
    opening_hours: dict[str, list[str]]
    closed_on_public_holidays: bool = True
    helps_with: list[str] = Field(default_factory=list)

    _validate_hours = field_validator("opening_hours")(_check_hours)


def format_week(hours: dict[str, list[str]]) -> str:
    """A week's hours in Danish, one line per day, e.g. 'mandag: 10.00–14.00'."""
    lines = []
    for day, danish in zip(WEEKDAYS, DANISH_WEEKDAYS, strict=True):
        intervals = hours.get(day, [])
        text = ", ".join(i.replace(":", ".").replace("-", "–") for i in intervals) if intervals else "lukket"
        lines.append(f"{danish}: {text}")
    return "\n".join(lines)


@lru_cache(maxsize=4)
def load_municipalities(kb_dir: Path) -> dict[str, Municipality]:
    """Every ``kb/municipalities/<slug>.yml``, keyed by slug."""
    result = {}
    for path in sorted((kb_dir / "municipalities").glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        municipality = Municipality.model_validate(data)
        if municipality.slug != path.stem:
            raise ValueError(f"{path}: slug '{municipality.slug}' does not match the file name")
        result[municipality.slug] = municipality
    return result


@lru_cache(maxsize=4)
def load_hotline(kb_dir: Path) -> Hotline:
    """Den Digitale Hotline's data from ``kb/ddh.yml``."""
    return Hotline.model_validate(yaml.safe_load((kb_dir / "ddh.yml").read_text(encoding="utf-8")))
