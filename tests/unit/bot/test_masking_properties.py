"""Generated messages: no CPR number survives in any layout, separator or script; look-alikes stay what they are."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.masking import PHONE_MASK, mask_personal_data
from tests.masking_corpus import (
    AFTER,
    BEFORE,
    DIGIT_SCRIPTS,
    FIRST_BIRTH_DATE,
    LAST_BIRTH_DATE,
    LAYOUTS,
    SEPARATORS,
    SPACES,
    cpr_sentence,
    readable_digits,
)

PUBLIC = ["70 20 00 00", "59 53 44 00"]
separators = st.sampled_from(sorted(SEPARATORS)).flatmap(lambda kind: st.sampled_from(SEPARATORS[kind]))
scripts = st.sampled_from([*DIGIT_SCRIPTS, "mixed"])


@st.composite
def cpr_messages(draw: st.DrawFn) -> tuple[str, str]:
    """(Danish sentence with one CPR number, the number's ten ASCII digits)."""
    birth = draw(st.dates(FIRST_BIRTH_DATE, LAST_BIRTH_DATE))
    suffix = draw(st.integers(0, 9999))
    layout = draw(st.sampled_from(LAYOUTS))
    # One digit at a time needs something between the digits, or it is just ten digits.
    separator = draw(st.sampled_from(SPACES) if layout == "one-by-one" else separators)
    sentence = cpr_sentence(
        birth, suffix, layout, separator, draw(scripts), draw(st.sampled_from(BEFORE)), draw(st.sampled_from(AFTER))
    )
    return sentence, f"{birth:%d%m%y}{suffix:04d}"


@settings(max_examples=300, deadline=None)
@given(cpr_messages())
def test_no_cpr_number_survives(message: tuple[str, str]) -> None:
    sentence, cpr = message
    masked = mask_personal_data(sentence, PUBLIC)
    assert cpr not in readable_digits(masked.text), masked.text
    assert "cpr" in masked.kinds


@settings(max_examples=300, deadline=None)
@given(cpr_messages(), cpr_messages())
def test_two_cpr_numbers_in_one_message_are_both_masked(first: tuple[str, str], second: tuple[str, str]) -> None:
    masked = mask_personal_data(f"{first[0]} Og {second[0]}", PUBLIC)
    assert first[1] not in readable_digits(masked.text) and second[1] not in readable_digits(masked.text)


prices = st.builds(
    lambda kroner, decimals: f"{kroner:,}".replace(",", ".") + (f",{decimals:02d}" if decimals is not None else ""),
    st.integers(1, 9_999_999),
    st.none() | st.integers(0, 99),
)
years = st.integers(1900, 2099).map(str)
year_ranges = st.builds(
    lambda first, dash, span: f"{first}{dash}{first + span}",
    st.integers(1900, 2090),
    st.sampled_from(["-", "–", "—", " – ", "/"]),
    st.integers(1, 9),
)
times = st.builds(
    lambda h, m, sep: f"kl. {h:02d}{sep}{m:02d}", st.integers(0, 23), st.integers(0, 59), st.sampled_from(".:")
)
look_alikes = st.one_of(
    prices.map(lambda price: f"Et pas koster {price} kr."),
    years.map(lambda year: f"Jeg flyttede hertil i {year}."),
    year_ranges.map(lambda years: f"Jeg boede i Kalundborg {years}, nu i Høje-Taastrup."),
    times.map(lambda time: f"Borgerservice åbner {time} på mandag."),
    st.sampled_from(PUBLIC).map(lambda number: f"Ring til {number}, hvis du har spørgsmål."),
)


@settings(max_examples=300, deadline=None)
@given(look_alikes)
def test_prices_years_times_and_public_numbers_survive(text: str) -> None:
    masked = mask_personal_data(text, PUBLIC)
    assert masked.text == text and not masked.kinds


def write_phone(digits: str, space: str, grouping: str) -> str:
    """Eight digits as Danes write them: in pairs, in fours or together."""
    groups = {"pairs": [digits[i : i + 2] for i in range(0, 8, 2)], "fours": [digits[:4], digits[4:]]}
    return space.join(groups.get(grouping, [digits]))


phones = st.builds(
    write_phone,
    st.text("0123456789", min_size=8, max_size=8).filter(lambda digits: digits not in {"70200000", "59534400"}),
    st.sampled_from([" ", "\u00a0", "\u202f"]),
    st.sampled_from(["pairs", "fours", "together"]),
)


@settings(max_examples=300, deadline=None)
@given(phones, st.sampled_from(["", "+45 ", "0045 "]))
def test_private_phone_numbers_are_masked_as_phone_numbers_never_as_cpr(number: str, prefix: str) -> None:
    masked = mask_personal_data(f"Du kan ringe til mig på {prefix}{number} i morgen.", PUBLIC)
    assert masked.text == f"Du kan ringe til mig på {PHONE_MASK} i morgen." and masked.kinds == {"phone"}
