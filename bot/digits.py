"""Runs of digits as citizens type them, read without changing the message.

A run is digit groups (any Unicode decimal digits: ASCII, full-width, Arabic-Indic, ...)
joined by at most three separator characters: dashes and minus signs, slashes, dots,
underscores, any Unicode space and invisible format characters. Each group keeps its
span in the original text and its digits in ASCII, so a match found in the digits can be
replaced in the original text and nothing else of the message changes.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# A joiner longer than "010190 – 1234"'s " – " is text between two numbers, not one number.
MAX_JOINER = 3
_DIGITS = re.compile(r"\d+")  # \d is Unicode category Nd: every decimal digit of every script.
# Minus signs outside category Pd, and the slashes and dots citizens put inside numbers.
_MINUS_SIGNS = "\u2212\u2796\u207b\u208b\u02d7\u2043"
_SLASHES = "/\\\u2044\u2215\u29f8\uff0f"
_DOTS = ".\u2024\uff0e\u00b7\u2027"
_OTHER_SEPARATORS = frozenset(_MINUS_SIGNS + _SLASHES + _DOTS)


@dataclass(frozen=True)
class Group:
    """Consecutive digits: their span in the text and the digits in ASCII."""

    start: int
    end: int
    digits: str


def is_separator(char: str) -> bool:
    """A character that may stand between the digits of one number (dash, slash, dot, underscore, space)."""
    # isspace: every Unicode space (no-break, narrow, thin, ideographic); Pd: every dash and hyphen;
    # Pc: underscores; Cf: invisible characters (soft hyphen, zero-width space, word joiner).
    return char.isspace() or unicodedata.category(char) in {"Pd", "Pc", "Cf"} or char in _OTHER_SEPARATORS


def ascii_digits(text: str) -> str:
    """Every decimal digit of the text in ASCII, other characters dropped."""
    return "".join(str(unicodedata.decimal(char)) for char in text if char.isdecimal())


def _joins(between: str) -> bool:
    return 0 < len(between) <= MAX_JOINER and all(is_separator(char) for char in between)


def digit_runs(text: str) -> list[list[Group]]:
    """Every run of digit groups in the text, in order; groups touching or joined by separators share a run."""
    runs: list[list[Group]] = []
    for match in _DIGITS.finditer(text):
        group = Group(match.start(), match.end(), ascii_digits(match.group()))
        if runs and _joins(text[runs[-1][-1].end : group.start]):
            runs[-1].append(group)
        else:
            runs.append([group])
    return runs


def windows(run: list[Group], length: int) -> list[tuple[int, int]]:
    """Every (first, last) index pair of consecutive groups of the run holding exactly `length` digits."""
    found: list[tuple[int, int]] = []
    for first in range(len(run)):
        count = 0
        for last in range(first, len(run)):
            count += len(run[last].digits)
            if count >= length:
                if count == length:
                    found.append((first, last))
                break
    return found


def replace_spans(text: str, spans: list[tuple[int, int]], replacement: str) -> str:
    """The text with each (start, end) span, in order and not overlapping, replaced; the rest kept exactly."""
    parts: list[str] = []
    position = 0
    for start, end in spans:
        parts += [text[position:start], replacement]
        position = end
    return "".join([*parts, text[position:]])
