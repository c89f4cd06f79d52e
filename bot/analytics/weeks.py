"""ISO weeks of Europe/Copenhagen: a week's name, its bounds in UTC, the weeks before it.

A week runs Monday 00:00 to Monday 00:00 Copenhagen time, so the week of the autumn DST change
(2026-W43) lasts 169 hours and its bounds in UTC move by an hour; everything here goes through
zoneinfo, never a fixed offset.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta

from kb.hours import COPENHAGEN

_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")
WEEK_ERROR = "Ugen skal skrives som år og ugenummer, fx 2026-W48."


def iso_week(moment: datetime) -> str:
    """The ISO week ("2026-W48") a moment falls in, in Copenhagen time."""
    year, week, _ = moment.astimezone(COPENHAGEN).isocalendar()
    return f"{year}-W{week:02d}"


def week_monday(week: str) -> date:
    """The Monday a week starts on; ValueError (Danish) for anything that is not an existing ISO week."""
    match = _WEEK.match(week.strip())
    if not match:
        raise ValueError(WEEK_ERROR)
    try:
        return date.fromisocalendar(int(match.group(1)), int(match.group(2)), 1)
    except ValueError:
        raise ValueError(f"Uge {week} findes ikke. {WEEK_ERROR}") from None


def week_of_date(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def shift_week(week: str, weeks: int) -> str:
    """The week ``weeks`` after (negative: before) the given one."""
    return week_of_date(week_monday(week) + timedelta(weeks=weeks))


def week_bounds(week: str) -> tuple[datetime, datetime]:
    """The week as a half-open UTC interval [Monday 00:00, next Monday 00:00) of Copenhagen time."""
    monday = week_monday(week)
    start = datetime.combine(monday, time(0), COPENHAGEN)
    end = datetime.combine(monday + timedelta(weeks=1), time(0), COPENHAGEN)
    return start.astimezone(UTC), end.astimezone(UTC)


def weeks_until(week: str, before: int) -> tuple[str, ...]:
    """The ``before`` weeks before ``week`` and ``week`` itself, oldest first."""
    return tuple(shift_week(week, offset) for offset in range(-before, 1))


def last_complete_week(now: datetime) -> str:
    """The week before the one ``now`` is in: the newest week with all its days."""
    return shift_week(iso_week(now), -1)


def describe_week(week: str) -> str:
    """A week as staff read it: 'uge 48, 2026 (23.11.–29.11.)'."""
    monday = week_monday(week)
    sunday = monday + timedelta(days=6)
    number = int(week.split("-W", 1)[1])
    return f"uge {number}, {monday.isocalendar()[0]} ({monday:%d.%m.}–{sunday:%d.%m.})"
