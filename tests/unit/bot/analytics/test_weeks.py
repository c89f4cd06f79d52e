"""Copenhagen ISO weeks: names, bounds in UTC across the DST change, the weeks before."""

from __future__ import annotations

import pytest

from bot.analytics import weeks
from tests.unit.bot.analytics.turn_rows import utc


def test_the_week_of_the_autumn_change_lasts_169_hours() -> None:
    start, end = weeks.week_bounds("2026-W43")
    assert start == utc(2026, 10, 18, 22, 0)  # Monday 00.00 summer time
    assert end == utc(2026, 10, 25, 23, 0)  # next Monday 00.00 winter time
    assert (end - start).total_seconds() == 169 * 3600


def test_a_moment_belongs_to_its_copenhagen_week() -> None:
    assert weeks.iso_week(utc(2026, 10, 25, 22, 30)) == "2026-W43"  # Sunday 23.30 in Copenhagen
    assert weeks.iso_week(utc(2026, 10, 25, 23, 30)) == "2026-W44"  # Monday 00.30 (a UTC date says Sunday)
    assert weeks.iso_week(utc(2026, 11, 29, 22, 59)) == "2026-W48"
    assert weeks.iso_week(utc(2026, 11, 29, 23, 0)) == "2026-W49"


def test_weeks_before_cross_the_year() -> None:
    assert weeks.shift_week("2027-W01", -1) == "2026-W53"  # 2026 has 53 ISO weeks
    assert weeks.weeks_until("2026-W03", 3) == ("2025-W52", "2026-W01", "2026-W02", "2026-W03")
    assert weeks.last_complete_week(utc(2026, 12, 2, 12, 0)) == "2026-W48"


@pytest.mark.parametrize("text", ["2026-48", "2026W48", "uge 48", "2026-W54", "2025-W53", ""])
def test_a_malformed_or_missing_week_is_refused_in_danish(text: str) -> None:
    with pytest.raises(ValueError, match=r"2026-W48|findes ikke"):
        weeks.week_monday(text)


def test_a_week_as_staff_read_it() -> None:
    assert weeks.describe_week("2026-W48") == "uge 48, 2026 (23.11.–29.11.)"
