"""Cleaning a citizen's message: each class of invisible or invalid character, NFC, and what stays."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.text_input import Cleaned, character_class, clean_text, encodable


@pytest.mark.parametrize(
    "char", ["\ud800", "\udbff", "\udc00", "\udfff", "\ufdd0", "\ufdef", "\ufffe", "\uffff", "\U0001fffe", "\U0010ffff"]
)
def test_invalid_unicode_is_removed(char: str) -> None:
    assert clean_text(f"hej{char}du") == Cleaned("hejdu", {"invalid": 1})


# C0 (vertical tab and form feed too), DEL, and C1 (NEL too).
@pytest.mark.parametrize("char", ["\x00", "\x07", "\x0b", "\x0c", "\x1b", "\x1f", "\x7f", "\x80", "\x85", "\x9f"])
def test_control_characters_are_removed(char: str) -> None:
    cleaned = clean_text(f"pas{char}pris")
    assert (cleaned.text, cleaned.removed) == ("paspris", {"control": 1})


@pytest.mark.parametrize("char", ["\n", "\t", "\r", "\u2028", "\u2029"])
def test_line_breaks_and_tabs_become_spaces_and_are_not_counted(char: str) -> None:
    cleaned = clean_text(f"nyt{char}pas")
    assert (cleaned.text, cleaned.removed) == ("nyt pas", {})


@pytest.mark.parametrize("char", [chr(c) for c in [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]])
def test_bidi_overrides_and_isolates_are_removed(char: str) -> None:
    cleaned = clean_text(f"{char}sap{char}")
    assert (cleaned.text, cleaned.removed) == ("sap", {"bidi": 2})


@pytest.mark.parametrize("char", ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"])
def test_zero_width_characters_are_removed(char: str) -> None:
    cleaned = clean_text(f"Mit{char}ID")
    assert (cleaned.text, cleaned.removed) == ("MitID", {"zero_width": 1})


# Soft hyphen, LRM, RLM, Arabic letter mark, Mongolian vowel separator, function application, tags.
@pytest.mark.parametrize(
    "char", ["\u00ad", "\u200e", "\u200f", "\u061c", "\u180e", "\u2061", "\U000e0001", "\U000e0041"]
)
def test_other_format_characters_are_removed(char: str) -> None:
    cleaned = clean_text(f"flyt{char}ning")
    assert (cleaned.text, cleaned.removed) == ("flytning", {"format": 1})


def test_counts_per_class_together() -> None:
    cleaned = clean_text("\u202e0101\u200b90\x00-12\u00ad34\ud800\u2066")
    assert cleaned.text == "010190-1234"
    assert cleaned.removed == {"bidi": 2, "control": 1, "format": 1, "invalid": 1, "zero_width": 1}


@pytest.mark.parametrize(
    "text",
    ["Hvad koster et pas i Høje-Taastrup?", "👍 tak", "\ue000 privat", "كم سعر جواز السفر", "ünïcödé", "a\u00a0b"],
)
def test_ordinary_text_stays_as_it_is(text: str) -> None:
    assert clean_text(text) == Cleaned(text, {})


def test_text_is_nfc_normalised() -> None:
    # macOS and some keyboards send "å" as "a" and a combining ring.
    assert clean_text("Ta\u030astrup").text == "Tåstrup"
    # Also when a removed character stood between the letter and its accent.
    assert clean_text("e\u200b\u0301").text == "é"


@pytest.mark.parametrize(
    "text", ["", "   ", "\u200b\u200d\ufeff", "\x00\x1b\x7f", "\u202e\u2066", "\ud800", "\t\u2060"]
)
def test_nothing_visible_left_is_empty(text: str) -> None:
    assert clean_text(text).text == ""


def test_only_invisible_characters_are_counted_when_nothing_is_left() -> None:
    assert clean_text("\x00\u200b \u202e").removed == {"bidi": 1, "control": 1, "zero_width": 1}


def test_encodable_replaces_lone_surrogates_only() -> None:
    assert encodable("kal\ud800\udfffø👍") == "kal\ufffd\ufffdø👍"
    encodable("x\udc80").encode("utf-8")


@given(st.text(st.characters(exclude_categories=())))
def test_cleaned_text_is_clean_writable_and_stable(text: str) -> None:
    cleaned = clean_text(text)
    assert all(character_class(char) is None for char in cleaned.text)
    assert "\n" not in cleaned.text and "\t" not in cleaned.text
    cleaned.text.encode("utf-8")
    assert unicodedata.is_normalized("NFC", cleaned.text)
    assert clean_text(cleaned.text) == Cleaned(cleaned.text, {})
