"""Personal data is masked in every common form, and prices, years and public numbers are not."""

from __future__ import annotations

import pytest

from bot.masking import CPR_MASK, EMAIL_MASK, PHONE_MASK, mask_personal_data

PUBLIC = ["70 20 00 00", "59 53 44 00"]


@pytest.mark.parametrize(
    "text",
    [
        "mit cpr er 010190-1234",
        "cpr 010190 1234 tak",
        "0101901234",
        "01.01.90-1234",
        "01.01.90 1234",
        "010190.1234",
        "min søns nummer: 290200-4321",  # 29 February 2000
        "CPR:311299-0001.",
    ],
)
def test_cpr_numbers_are_masked(text: str) -> None:
    masked = mask_personal_data(text, PUBLIC)
    assert CPR_MASK in masked.text and masked.kinds == {"cpr"}
    assert sum(ch.isdigit() for ch in masked.text) == 0


@pytest.mark.parametrize(
    "text",
    [
        "et pas koster 891 kr i 2023",
        "ordrenummer 1234567890",  # 12/34 is no date
        "ring til 70 20 00 00",  # DDH's public number
        "kommunen har 59 53 44 00",
        "jeg flyttede 1. januar 2024",
        "beløbet var 1.250.000 kr",
        "postnummer 4400 kalundborg",
        "320190-1234",  # day 32
        "011390-1234",  # month 13
    ],
)
def test_prices_years_and_public_numbers_are_kept(text: str) -> None:
    masked = mask_personal_data(text, PUBLIC)
    assert masked.text == text and not masked.kinds


@pytest.mark.parametrize(
    ("text", "kind", "marker"),
    [
        ("skriv til mig på jens.hansen@example.dk", "email", EMAIL_MASK),
        ("ring på 12 34 56 78", "phone", PHONE_MASK),
        ("mit nummer er +45 12345678", "phone", PHONE_MASK),
        ("tlf 1234 5678", "phone", PHONE_MASK),
    ],
)
def test_email_addresses_and_private_phone_numbers_are_masked(text: str, kind: str, marker: str) -> None:
    masked = mask_personal_data(text, PUBLIC)
    assert marker in masked.text and masked.kinds == {kind}
