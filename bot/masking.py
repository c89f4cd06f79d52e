"""Mask personal data in a citizen's message before it is stored, logged or sent to Rasa.

CPR numbers (DDMMYY-XXXX, with a space, without a separator, with dots) are masked only
when the first six digits are a real date, so prices, order numbers and years stay.
E-mail addresses and Danish phone numbers are masked too, except the public numbers the
bot itself gives out (DDH's and the municipalities').
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

CPR_MASK = "[CPR-nummer fjernet]"
EMAIL_MASK = "[e-mail fjernet]"
PHONE_MASK = "[telefonnummer fjernet]"

# Six date digits (optionally DD.MM.YY), a separator or none, four digits; never inside a longer number.
_CPR = re.compile(r"(?<![\d.])(\d{2})\.?(\d{2})\.?(\d{2})(?:[-\s.]?)(\d{4})(?![\d])")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Danish numbers: eight digits, alone or in pairs/fours, optionally after +45 or 0045.
_PHONE = re.compile(r"(?<![\d])(?:(?:\+|00)45[\s-]?)?(?:\d{2}[\s-]?){3}\d{2}(?![\d])")


@dataclass(frozen=True)
class Masked:
    """The message with personal data replaced, and which kinds were found."""

    text: str
    kinds: frozenset[str] = field(default_factory=frozenset)


def _plausible_birth_date(day: str, month: str, year: str) -> bool:
    """A real calendar date in some century (29 February counts: leap year 2000)."""
    for century in (2000, 1900):
        try:
            date(century + int(year), int(month), int(day))
        except ValueError:
            continue
        return True
    return False


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def mask_personal_data(text: str, public_numbers: Iterable[str] = ()) -> Masked:
    """Replace CPR numbers, e-mail addresses and private phone numbers with Danish markers."""
    kinds: set[str] = set()

    def cpr(match: re.Match[str]) -> str:
        if _plausible_birth_date(match.group(1), match.group(2), match.group(3)):
            kinds.add("cpr")
            return CPR_MASK
        return match.group(0)

    masked = _CPR.sub(cpr, text)

    def email(match: re.Match[str]) -> str:
        kinds.add("email")
        return EMAIL_MASK

    masked = _EMAIL.sub(email, masked)
    public = {_digits(number)[-8:] for number in public_numbers}

    def phone(match: re.Match[str]) -> str:
        if _digits(match.group(0))[-8:] in public:
            return match.group(0)
        kinds.add("phone")
        return PHONE_MASK

    masked = _PHONE.sub(phone, masked)
    return Masked(masked, frozenset(kinds))
