"""Clean a citizen's message of invisible and invalid characters before anything reads it.

Hostile or broken text is cleaned and answered, never an outage. Decisions per class:

- newline, carriage return, tab and the Unicode line/paragraph separators become a space
  (they separate words; a chat turn is one line for Rasa);
- invalid Unicode (lone surrogates, which JSON's ``\\ud800`` escape can carry but no UTF-8
  encoder can write, and the non-characters U+FDD0–FDEF and U+xFFFE/U+xFFFF) is removed;
- other control characters (C0, DEL and C1) are removed;
- bidirectional embeddings, overrides and isolates (U+202A–202E, U+2066–2069) are removed;
- zero-width characters (U+200B–200D, U+2060, U+FEFF) are removed, at the cost of joined
  emoji sequences falling apart into their parts;
- every other format character (Unicode category Cf: soft hyphen, LRM/RLM, tags …) is removed.

Then the text is NFC-normalised (a decomposed "å" from macOS becomes one character) and stripped.
A message that is empty after cleaning is refused by the caller like an empty one. Cleaning runs
before masking, so a hidden character cannot split a CPR number past the masker. Private-use and
unassigned code points stay: new emoji are unassigned to an older Unicode database.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

# Kept as word separators: a line break or tab between two words must not join them.
_SPACES = frozenset("\t\n\r\u2028\u2029")
_BIDI = frozenset([*map(chr, range(0x202A, 0x202F)), *map(chr, range(0x2066, 0x206A))])
_ZERO_WIDTH = frozenset("\u200b\u200c\u200d\u2060\ufeff")
_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass(frozen=True)
class Cleaned:
    """The cleaned text and how many characters of each class were removed."""

    text: str
    removed: dict[str, int] = field(default_factory=dict)


def is_noncharacter(code: int) -> bool:
    """U+FDD0–FDEF and the last two code points of every plane: never meant to be interchanged."""
    return 0xFDD0 <= code <= 0xFDEF or (code & 0xFFFE) == 0xFFFE


def character_class(char: str) -> str | None:
    """The class a character is removed as, or None when it stays (or becomes a space)."""
    code = ord(char)
    if 0xD800 <= code <= 0xDFFF or is_noncharacter(code):
        return "invalid"
    if char in _SPACES:
        return None
    if char in _BIDI:
        return "bidi"
    if char in _ZERO_WIDTH:
        return "zero_width"
    category = unicodedata.category(char)
    if category == "Cc":
        return "control"
    if category == "Cf":
        return "format"
    return None


def clean_text(text: str) -> Cleaned:
    """The text without invalid, control, bidi, zero-width and format characters, NFC, stripped."""
    removed: Counter[str] = Counter()
    kept: list[str] = []
    for char in text:
        kind = character_class(char)
        if kind is not None:
            removed[kind] += 1
        else:
            kept.append(" " if char in _SPACES else char)
    # Normalised after removal: a removed character may have stood between a letter and its accent.
    cleaned = unicodedata.normalize("NFC", "".join(kept)).strip()
    return Cleaned(text=cleaned, removed=dict(sorted(removed.items())))


def encodable(text: str) -> str:
    """The text with lone surrogates replaced by U+FFFD, so UTF-8 (a JSON answer, a log) can hold it."""
    return _SURROGATE.sub("\ufffd", text)
