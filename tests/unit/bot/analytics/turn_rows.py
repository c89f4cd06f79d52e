"""Helpers of the weekly-review tests: turn rows by hand, written straight into analytics_turns."""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, insert

from bot.analytics.rows import TurnRow
from bot.analytics.tables import turns_table
from kb.content.engine import make_engine
from kb.hours import Schedule
from kb.municipalities import Address, Hotline, Municipality
from ops.database import upgrade

CPH = ZoneInfo("Europe/Copenhagen")
_keys = itertools.count()

# Den Digitale Hotline's week (as kb/ddh.yml) and a Borgerservice open 10-14 on weekdays,
# written out here so the tests do not follow edits of the shipped data.
DDH_HOURS = {
    "monday": ["08:00-20:00"],
    "tuesday": ["08:00-20:00"],
    "wednesday": ["08:00-20:00"],
    "thursday": ["08:00-20:00"],
    "friday": ["08:00-16:00"],
    "saturday": [],
    "sunday": ["16:00-20:00"],
}
BORGERSERVICE_HOURS = {day: ["10:00-14:00"] for day in ("monday", "tuesday", "wednesday", "thursday", "friday")} | {
    "saturday": [],
    "sunday": [],
}
SCHEDULES = (Schedule(DDH_HOURS, {}), Schedule(BORGERSERVICE_HOURS, {}))


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)  # type: ignore[arg-type, misc]


def turn(
    conversation: str = "c1", index: int = 0, at: datetime | None = None, outcome: str = "answer", **fields: Any
) -> TurnRow:
    """A turn row with defaults: an answer in kalundborg on Monday 2026-11-23 at 10.00 Copenhagen time."""
    return TurnRow(
        conversation_id=conversation,
        municipality=fields.pop("municipality", "kalundborg"),
        turn_index=index,
        at=at or datetime(2026, 11, 23, 10, 0, tzinfo=CPH),
        outcome=outcome,
        **fields,
    )


def insert_turns(engine: Engine, turns: Iterable[TurnRow]) -> None:
    """Write rows as the consumer would; the convenience columns are filled from zoneinfo here too."""
    rows = []
    for t in turns:
        local = t.at.astimezone(CPH)
        year, week, _ = local.isocalendar()
        rows.append(
            {
                "event_key": f"test-{next(_keys)}",
                "conversation_id": t.conversation_id,
                "municipality": t.municipality,
                "turn_index": t.turn_index,
                "at": t.at,
                "local_date": local.date(),
                "iso_week": f"{year}-W{week:02d}",
                "local_hour": local.hour,
                "weekday": local.weekday(),
                "topic": t.topic,
                "outcome": t.outcome,
                "reason": t.reason,
                "guide_id": t.guide_id,
                "passage": t.passage,
                "confidence": t.confidence,
                "intent": t.intent,
                "feedback": t.feedback,
                "language": t.language,
                "question": t.question,
                "replies": list(t.replies),
                "source": t.source,
            }
        )
    with engine.begin() as conn:
        conn.execute(insert(turns_table), rows)


def migrated_engine(path: Path) -> Engine:
    """A SQLite file with every table, as ``ops.database.upgrade`` makes it for a deploy."""
    url = f"sqlite:///{path / 'review.db'}"
    upgrade(url)
    return make_engine(url)


def municipality(slug: str = "kalundborg", name: str = "Kalundborg Kommune") -> Municipality:
    """A municipality whose Borgerservice keeps BORGERSERVICE_HOURS."""
    return Municipality(
        slug=slug,
        name=name,
        phone="12 34 56 78",
        website="https://www.example.dk",
        hours_verified=True,
        addresses=[Address(name="Rådhuset", street="Torvet 1", postcode="4400", city="Kalundborg")],
        opening_hours=BORGERSERVICE_HOURS,
    )


HOTLINE = Hotline(
    name="Den Digitale Hotline", phone="70 20 00 00", phone_uri="tel:+4570200000", opening_hours=DDH_HOURS
)
