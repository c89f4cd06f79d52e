"""Which day a citizen means: "nu", "i morgen", "på lørdag", "den 24. december", "juleaften".

Named days come from the ``holidays`` package's Danish names (public and customary days
such as juleaftensdag and nytårsaften); everything else is parsed by dateparser. No date
is parsed by home-made patterns.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache

import holidays
from dateparser.search import search_dates

from kb.hours import COPENHAGEN
from kb.normalize import normalize

# Words for "right now" and "today": answered with whether it is open at this moment.
_NOW_PHRASES = frozenset({"nu", "i dag", "lige nu"})
# Citizens write "2. juledag" (or "2 juledag") where the calendar says "Anden juledag".
_ORDINALS = {"2.": "anden", "1.": "første", "2": "anden", "1": "første"}


@dataclass(frozen=True)
class AskedDay:
    day: date
    phrase: str  # the citizen's words for it, or the day's name
    now: bool  # "nu" or "i dag": answer with the status at this moment


@lru_cache(maxsize=4)
def _named_days(year: int) -> dict[str, date]:
    """Danish day names of a year (and their short forms, e.g. 'juleaften'), folded like user text."""
    days = holidays.country_holidays("DK", years=year, language="da", categories=("public", "optional"))
    names: dict[str, date] = {}
    for day, name in days.items():
        folded = normalize(name)
        names[folded] = day
        for suffix in ("sdag", "dag"):
            if folded.endswith(suffix) and len(folded) - len(suffix) >= 7:
                names.setdefault(folded[: -len(suffix)], day)
    return names


def _named_day(text: str, today: date) -> AskedDay | None:
    words = normalize(text)
    for ordinal, word in _ORDINALS.items():
        words = f" {words}".replace(f" {ordinal} ", f" {word} ").strip()
    # "juleaften??" and "pinsedag," name the day as well.
    words = " ".join("".join(ch if ch.isalnum() else " " for ch in words).split())
    for year in (today.year, today.year + 1):
        # Longest names first: "anden juledag" before "juledag".
        for name, day in sorted(_named_days(year).items(), key=lambda item: -len(item[0])):
            if day >= today and f" {name} " in f" {words} ":
                return AskedDay(day, name, now=False)
    return None


def asked_day(text: str, now: datetime) -> AskedDay | None:
    """The day the message asks about, or None when it names none (then: now)."""
    local = now.astimezone(COPENHAGEN)
    named = _named_day(text, local.date())
    if named is not None:
        return named
    found = search_dates(
        text,
        languages=["da"],
        settings={"RELATIVE_BASE": local.replace(tzinfo=None), "PREFER_DATES_FROM": "future"},
    )
    if not found:
        return None
    phrase, moment = found[0]
    phrase = phrase.strip().lower()
    day = moment.date()
    if day < local.date():  # "mandag" said on a Tuesday means next Monday
        day += timedelta(days=7)
    return AskedDay(day, phrase, now=phrase in _NOW_PHRASES or day == local.date())
