"""Mask personal data in a citizen's message before it is stored, logged or sent to Rasa.

CPR numbers are found in runs of digits (see bot.digits): any Unicode digits joined by
dashes, minus signs, slashes, dots, underscores or any Unicode space, also one digit at a
time. A CPR number is ten digits whose first six are a real date (DDMMYY in some century),
so prices, order numbers, years and dates (8 digits: "01/12/2026", "2026-12-01") stay. The
ten digits are a whole run, or, inside a longer run, one group of ten or a date part that
ends at a separator ("010190-1234 / 020290-1234"); a longer undivided number never is.
E-mail addresses and Danish phone numbers (eight digits, in spaced pairs or fours, or in
pairs joined by dashes, so "2020-2024" stays) are masked too, except the public numbers
the bot itself gives out. Only the matched spans change; the rest of the message is kept.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from itertools import accumulate

from bot.digits import Group, ascii_digits, digit_runs, replace_spans, windows

CPR_MASK = "[CPR-nummer fjernet]"
EMAIL_MASK = "[e-mail fjernet]"
PHONE_MASK = "[telefonnummer fjernet]"

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Danish numbers: eight digits, alone, in pairs or fours with spaces, or in pairs with dashes,
# optionally after +45 or 0045; never inside a longer number. \d and \s are Unicode.
_PAIR_DASH = "[-\u2010\u2011\u2012\u2013\u2014\u2212]"
_PHONE = re.compile(rf"(?<!\d)(?:(?:\+|00)45[\s-]?)?(?:\d\d(?:\s?\d\d){{3}}|\d\d(?:{_PAIR_DASH}\d\d){{3}})(?!\d)")


@dataclass(frozen=True)
class Masked:
    """The message with personal data replaced, and which kinds were found."""

    text: str
    kinds: frozenset[str] = field(default_factory=frozenset)


def _plausible_birth_date(digits: str) -> bool:
    """DDMMYY is a real calendar date in some century (29 February counts: leap year 2000)."""
    day, month, year = int(digits[0:2]), int(digits[2:4]), int(digits[4:6])
    for century in (2000, 1900):
        try:
            date(century + year, month, day)
        except ValueError:
            continue
        return True
    return False


def _is_cpr(run: list[Group], first: int, last: int) -> bool:
    """Ten digits of the run (groups first..last) that read as a CPR number."""
    groups = run[first : last + 1]
    if not _plausible_birth_date("".join(g.digits for g in groups)):
        return False
    whole = len(groups) in (1, len(run))
    # Inside a longer run the date part must end at a separator, as in "010190-1234".
    return whole or 6 in accumulate(len(g.digits) for g in groups)


def cpr_spans(text: str) -> list[tuple[int, int]]:
    """The spans of every CPR number in the text, in order and not overlapping."""
    spans: list[tuple[int, int]] = []
    for run in digit_runs(text):
        taken = -1
        for first, last in windows(run, 10):
            if first > taken and _is_cpr(run, first, last):
                spans.append((run[first].start, run[last].end))
                taken = last
    return spans


def mask_personal_data(text: str, public_numbers: Iterable[str] = ()) -> Masked:
    """Replace e-mail addresses, CPR numbers and private phone numbers with Danish markers."""
    kinds: set[str] = set()

    def email(match: re.Match[str]) -> str:
        kinds.add("email")
        return EMAIL_MASK

    # E-mail first: an address holding digits goes whole, not as "[CPR-nummer fjernet]@mail.dk".
    masked = _EMAIL.sub(email, text)
    if spans := cpr_spans(masked):
        kinds.add("cpr")
        masked = replace_spans(masked, spans, CPR_MASK)
    public = {ascii_digits(number)[-8:] for number in public_numbers}

    def phone(match: re.Match[str]) -> str:
        if ascii_digits(match.group())[-8:] in public:
            return match.group()
        kinds.add("phone")
        return PHONE_MASK

    masked = _PHONE.sub(phone, masked)
    return Masked(masked, frozenset(kinds))
