"""Which day a citizen means, with a fixed clock (Wednesday 25 November 2026, 21.00)."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from kb.dates import asked_day
from kb.hours import COPENHAGEN

NOW = datetime(2026, 11, 25, 21, 0, tzinfo=COPENHAGEN)


@pytest.mark.parametrize(
    ("text", "day", "now"),
    [
        ("har i åbent nu", date(2026, 11, 25), True),
        ("har I åbent i dag", date(2026, 11, 25), True),
        ("har i aabent i morgen", date(2026, 11, 26), False),
        ("åbent på lørdag?", date(2026, 11, 28), False),
        ("hvad med mandag", date(2026, 11, 30), False),
        ("den 24. december", date(2026, 12, 24), False),
        ("har i åbent juleaften", date(2026, 12, 24), False),
        ("er der åbent 2. juledag", date(2026, 12, 26), False),
        ("åbent 2 pinsedag?", date(2027, 5, 17), False),
        ("hvad med nytaarsaften", date(2026, 12, 31), False),
        ("aabningstider paaskedag", date(2027, 3, 28), False),  # this year's has passed
    ],
)
def test_asked_day(text: str, day: date, now: bool) -> None:
    asked = asked_day(text, NOW)
    assert asked is not None and (asked.day, asked.now) == (day, now)


def test_no_day_named() -> None:
    assert asked_day("hvornår har i åbent", NOW) is None
