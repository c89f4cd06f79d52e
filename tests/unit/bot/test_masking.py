"""Personal data is masked in every form of the corpus, look-alikes and public numbers are not, nothing else changes."""

from __future__ import annotations

import pytest

from bot.masking import CPR_MASK, EMAIL_MASK, PHONE_MASK, Masked, mask_personal_data
from tests.masking_corpus import CPR_FORMS, EMAILS_AND_PHONES, LOOK_ALIKES, cpr_digits

PUBLIC = ["70 20 00 00", "59 53 44 00"]
MASKS = {"cpr": CPR_MASK, "email": EMAIL_MASK, "phone": PHONE_MASK}


def removed_part(original: str, masked: str, mask: str) -> str:
    """What one mask replaced, after checking that the text before and after it is the original's, exactly."""
    assert masked.count(mask) == 1, masked
    before, after = masked.split(mask)
    assert original.startswith(before) and original.endswith(after), (original, masked)
    return original[len(before) : len(original) - len(after)]


@pytest.mark.parametrize("text", CPR_FORMS)
def test_cpr_numbers_are_masked(text: str) -> None:
    masked = mask_personal_data(text, PUBLIC)
    assert CPR_MASK in masked.text and masked.kinds == {"cpr"}
    assert not any(ch.isdigit() for ch in masked.text)


@pytest.mark.parametrize("text", CPR_FORMS)
def test_only_the_cpr_number_is_replaced(text: str) -> None:
    removed = removed_part(text, mask_personal_data(text, PUBLIC).text, CPR_MASK)
    assert removed[0].isdecimal() and removed[-1].isdecimal(), removed
    assert cpr_digits(removed) == cpr_digits(text)


@pytest.mark.parametrize("text", LOOK_ALIKES)
def test_prices_years_and_public_numbers_are_kept(text: str) -> None:
    masked = mask_personal_data(text, PUBLIC)
    assert masked.text == text and not masked.kinds


@pytest.mark.parametrize(("text", "kind"), EMAILS_AND_PHONES)
def test_email_addresses_and_private_phone_numbers_are_masked(text: str, kind: str) -> None:
    masked = mask_personal_data(text, PUBLIC)
    assert masked.kinds == {kind}
    removed = removed_part(text, masked.text, MASKS[kind])
    assert "@" in removed if kind == "email" else removed[-1].isdecimal() and removed == removed.strip(), removed


@pytest.mark.parametrize(
    "number",
    [
        "70 20 00 00",
        "+45 70 20 00 00",
        "0045 70200000",
        "59 53 44 00",
        "70\u00a020\u00a000\u00a000",
        "７０２０００００",
    ],
)
def test_public_numbers_are_kept_however_they_are_written(number: str) -> None:
    text = f"Ring til {number}, hvis du har spørgsmål."
    assert mask_personal_data(text, PUBLIC) == Masked(text, frozenset())


def test_every_kind_in_one_message_is_masked_and_the_rest_is_kept() -> None:
    text = "Hej! Mit cpr er 010190 – 1234, mail jens@example.dk, tlf. 12 34 56 78 (ikke 70 20 00 00)."
    masked = mask_personal_data(text, PUBLIC)
    assert masked.text == (f"Hej! Mit cpr er {CPR_MASK}, mail {EMAIL_MASK}, tlf. {PHONE_MASK} (ikke 70 20 00 00).")
    assert masked.kinds == {"cpr", "email", "phone"}


def test_cpr_numbers_joined_into_one_run_are_each_masked() -> None:
    masked = mask_personal_data("børnenes cpr: 010190-1234 / 020290–4321 / 311299 0001", PUBLIC)
    assert masked.text == f"børnenes cpr: {CPR_MASK} / {CPR_MASK} / {CPR_MASK}"


def test_a_cpr_number_before_a_phone_number_goes_as_cpr_and_the_phone_as_phone() -> None:
    masked = mask_personal_data("010190-1234 12 34 56 78", PUBLIC)
    assert masked.text == f"{CPR_MASK} {PHONE_MASK}" and masked.kinds == {"cpr", "phone"}


def test_a_cpr_number_inside_a_longer_number_is_no_cpr_number() -> None:
    assert mask_personal_data("EAN 5701019012345", PUBLIC).text == "EAN 5701019012345"
    assert mask_personal_data("nr. 10101901234", PUBLIC).text == "nr. 10101901234"
