"""Does a reply hold the fact asked for? The one matcher make eval and make calibrate share.

A labelled case lists a few acceptable strings (``must_contain``); a reply holds the fact
when it contains any one of them. Both sides are folded the same way first: case, every
kind of space, and the separators inside numbers ("1.000", "70 20 00 00"), so a fact is
not missed over typography.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

_SPACES = re.compile(r"\s+")
# A dot, space or no-break space between two digits: "1.000 kr." and "70 20 00 00".
_DIGIT_SEPARATOR = re.compile(r"(?<=\d)[.\s](?=\d)")


def fold(text: str) -> str:
    """Lower case, one kind of space, dashes as "-", no separators inside numbers."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = re.sub(r"[\u2010-\u2015\u2212]", "-", text)
    text = _SPACES.sub(" ", text)
    return _DIGIT_SEPARATOR.sub("", text).strip()


def holds_fact(reply: str, must_contain: Sequence[str]) -> bool:
    """True when the reply contains any one of the acceptable strings (after folding)."""
    folded = fold(reply)
    return any(fold(needle) in folded for needle in must_contain if needle.strip())
