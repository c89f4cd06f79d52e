"""Personal data is masked in every common form, and prices, years and public numbers are not."""

from __future__ import annotations

import pytest

from bot.masking import CPR_MASK, EMAIL_MASK, PHONE_MASK, mask_personal_data
from tests.masking_corpus import CPR_FORMS, EMAILS_AND_PHONES, LOOK_ALIKES

PUBLIC = ["70 20 00 00", "59 53 44 00"]


@pytest.mark.parametrize("text", CPR_FORMS)
def test_cpr_numbers_are_masked(text: str) -> None:
    masked = mask_personal_data(text, PUBLIC)
    assert CPR_MASK in masked.text and masked.kinds == {"cpr"}
    assert sum(ch.isdigit() for ch in masked.text) == 0


@pytest.mark.parametrize("text", LOOK_ALIKES)
def test_prices_years_and_public_numbers_are_kept(text: str) -> None:
    masked = mask_personal_data(text, PUBLIC)
    assert masked.text == text and not masked.kinds


@pytest.mark.parametrize(("text", "kind"), EMAILS_AND_PHONES)
def test_email_addresses_and_private_phone_numbers_are_masked(text: str, kind: str) -> None:
    masked = mask_personal_data(text, PUBLIC)
    assert {"email": EMAIL_MASK, "phone": PHONE_MASK}[kind] in masked.text and masked.kinds == {kind}
