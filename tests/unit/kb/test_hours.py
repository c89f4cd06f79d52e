"""Open now / next opening, with a fixed clock: weekdays, holidays, closing days, time zones."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from kb.hours import COPENHAGEN, Schedule, describe_moment, hours_on, next_opening, status_at
from kb.municipalities import load_hotline

DDH = load_hotline(Path("kb"))
DDH_SCHEDULE = Schedule(DDH.opening_hours, {}, DDH.closed_on_public_holidays)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=COPENHAGEN)


@pytest.mark.parametrize(
    ("moment", "open_now"),
    [
        ("2026-11-23 07:59", False),  # Monday before 8
        ("2026-11-23 08:00", True),
        ("2026-11-26 19:59", True),  # Thursday evening
        ("2026-11-27 16:00", False),  # Friday closes at 16
        ("2026-11-28 12:00", False),  # Saturday closed
        ("2026-11-29 17:00", True),  # Sunday 16-20
        ("2026-12-25 10:00", False),  # Christmas Day
    ],
)
def test_ddh_open_or_closed(moment: str, open_now: bool) -> None:
    assert status_at(DDH_SCHEDULE, at(moment)).open_now is open_now


def test_next_opening_skips_saturday_and_holidays() -> None:
    assert next_opening(DDH_SCHEDULE, at("2026-11-27 17:00")) == at("2026-11-29 16:00")
    # Thursday 24 Dec: no holiday in the data; 25th and 26th are holidays; Sunday 27th opens at 16.
    assert next_opening(DDH_SCHEDULE, at("2026-12-24 21:00")) == at("2026-12-27 16:00")


def test_closed_reason_names_the_holiday_in_danish() -> None:
    status = status_at(DDH_SCHEDULE, at("2026-12-25 10:00"))
    assert status.closed_reason == "Juledag"


def test_special_closing_day_closes_a_weekday() -> None:
    schedule = Schedule({"thursday": ["10:00-14:00"]}, {date(2026, 12, 24): "Juleaftensdag"})
    assert hours_on(schedule, date(2026, 12, 24)).closed_reason == "Juleaftensdag"
    assert hours_on(schedule, date(2026, 12, 17)).intervals


def test_time_zones_are_converted_to_copenhagen() -> None:
    # 07:30 UTC on a winter Monday is 08:30 in Copenhagen.
    assert status_at(DDH_SCHEDULE, datetime(2026, 11, 23, 7, 30, tzinfo=UTC)).open_now


def test_describe_moment_in_danish() -> None:
    now = at("2026-11-27 17:00")
    assert describe_moment(at("2026-11-27 18:00"), now) == "i dag kl. 18.00"
    assert describe_moment(at("2026-11-28 08:00"), now) == "i morgen kl. 08.00"
    assert describe_moment(at("2026-11-29 16:00"), now) == "søndag den 29. november kl. 16.00"
