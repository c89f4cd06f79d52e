"""Is a place open at a given moment, and when does it open next? Pure functions over the data files.

Hours are data (``kb/municipalities/*.yml``, ``kb/ddh.yml``); this module only reads them,
in Europe/Copenhagen time, with Danish public holidays from the ``holidays`` package and
each place's own special closing days.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

from kb.municipalities import DANISH_WEEKDAYS, WEEKDAYS, Hotline, Municipality

COPENHAGEN = ZoneInfo("Europe/Copenhagen")
# Far enough to pass Easter and Christmas closures; a place closed longer is "closed until further notice".
LOOKAHEAD_DAYS = 14


@dataclass(frozen=True)
class Schedule:
    """A place's regular week, the days it closes beyond it, and whether public holidays close it."""

    weekly: Mapping[str, list[str]]
    closing_days: Mapping[date, str]
    closed_on_public_holidays: bool = True


@dataclass(frozen=True)
class DayHours:
    day: date
    intervals: tuple[tuple[time, time], ...]
    closed_reason: str | None  # a holiday or closing day, when that closes the place


@dataclass(frozen=True)
class OpenStatus:
    open_now: bool
    closes_at: datetime | None  # when open now
    next_opening: datetime | None  # when closed now; None when not within the lookahead
    closed_reason: str | None  # why it is closed today, when a holiday or closing day is the cause


@lru_cache(maxsize=8)
def danish_holidays(year: int) -> dict[date, str]:
    """Danish public holidays of a year, with Danish names."""
    return dict(holidays.country_holidays("DK", years=year, language="da").items())


def _parse(interval: str) -> tuple[time, time]:
    start, end = interval.split("-")
    end_time = time(23, 59, 59) if end == "24:00" else time.fromisoformat(end)
    return time.fromisoformat(start), end_time


def hours_on(schedule: Schedule, day: date) -> DayHours:
    """The opening intervals of one calendar day, holidays and closing days applied."""
    reason = schedule.closing_days.get(day)
    if reason is None and schedule.closed_on_public_holidays:
        reason = danish_holidays(day.year).get(day)
    if reason is not None:
        return DayHours(day, (), reason)
    intervals = tuple(_parse(i) for i in schedule.weekly.get(WEEKDAYS[day.weekday()], []))
    return DayHours(day, intervals, None)


def status_at(schedule: Schedule, moment: datetime) -> OpenStatus:
    """Open or closed at ``moment`` (any time zone), and the next opening when closed."""
    local = moment.astimezone(COPENHAGEN)
    today = hours_on(schedule, local.date())
    for start, end in today.intervals:
        if start <= local.time() < end:
            return OpenStatus(True, datetime.combine(local.date(), end, COPENHAGEN), None, None)
    return OpenStatus(False, None, next_opening(schedule, local), today.closed_reason)


def next_opening(schedule: Schedule, after: datetime) -> datetime | None:
    """The first opening strictly after ``after``, within the lookahead."""
    local = after.astimezone(COPENHAGEN)
    for offset in range(LOOKAHEAD_DAYS + 1):
        day = local.date() + timedelta(days=offset)
        for start, _ in hours_on(schedule, day).intervals:
            opening = datetime.combine(day, start, COPENHAGEN)
            if opening > local:
                return opening
    return None


def describe_day(day: date, today: date) -> str:
    """'i dag', 'i morgen' or 'mandag den 29. december', in Danish."""
    if day == today:
        return "i dag"
    if day == today + timedelta(days=1):
        return "i morgen"
    return f"{DANISH_WEEKDAYS[day.weekday()]} den {day.day}. {_MONTHS[day.month - 1]}"


def describe_moment(moment: datetime, now: datetime) -> str:
    """'i dag kl. 16.00', 'i morgen kl. 08.00' or 'mandag den 29. december kl. 08.00', in Danish."""
    local = moment.astimezone(COPENHAGEN)
    return f"{describe_day(local.date(), now.astimezone(COPENHAGEN).date())} kl. {local:%H.%M}"


def describe_intervals(hours: DayHours) -> str:
    """'kl. 08.00–20.00' (several intervals joined with 'og')."""
    return " og ".join(f"kl. {start:%H.%M}–{end:%H.%M}" for start, end in hours.intervals)


_MONTHS = (
    "januar",
    "februar",
    "marts",
    "april",
    "maj",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "december",
)


def hotline_schedule(hotline: Hotline) -> Schedule:
    return Schedule(hotline.opening_hours, {}, hotline.closed_on_public_holidays)


def borgerservice_schedule(municipality: Municipality) -> Schedule:
    """Borgerservice closes on public holidays and on the municipality's own closing days."""
    closing = {day.date: day.reason for day in municipality.special_closing_days}
    return Schedule(municipality.opening_hours, closing, True)
