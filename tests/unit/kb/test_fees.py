"""Fees with validity dates: the amount for the day, its year named, stale years said once (kb.fees)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from pydantic import ValidationError

from kb.check import check_fees
from kb.fees import format_kroner, parse_fees, placeholders, render
from tests.conftest import make_guide

FEES = """
fees:
  pas-voksen:
    name: Pas til voksne
    authority_url: https://www.borger.dk/pas
    values:
      - {valid_from: 2025-01-01, kroner: 900, source: "https://example.dk/2025"}
      - {valid_from: 2026-01-01, kroner: 1012, source: "https://example.dk/2026"}
  pas-barn:
    name: Pas til børn
    authority_url: https://politi.dk/pas
    values:
      - {valid_from: 2023-01-01, kroner: 150, source: "https://example.dk/2023"}
"""


def test_the_amount_valid_on_the_day_with_its_year() -> None:
    fees = parse_fees(FEES)
    assert render("Koster {{gebyr:pas-voksen}}.", fees, date(2026, 3, 1)) == "Koster 1.012 kr. (2026-pris)."
    assert render("Koster {{gebyr:pas-voksen}}.", fees, date(2025, 12, 31)) == "Koster 900 kr. (2025-pris)."


def test_an_older_year_is_named_and_the_authority_given_once() -> None:
    fees = parse_fees(FEES)
    text = render(
        "{{gebyr:pas-barn}} for børn, {{ gebyr:pas-barn }} igen, {{gebyr:pas-voksen}} voksne.", fees, date(2026, 6, 1)
    )
    assert text.startswith("150 kr. (2023-pris) for børn, 150 kr. (2023-pris) igen, 1.012 kr. (2026-pris) voksne.")
    assert text.count("https://politi.dk/pas") == 1
    assert "2026-priserne" in text
    assert "borger.dk/pas" not in text  # the current fee needs no pointer


def test_an_unknown_fee_stays_visible_and_kb_check_reports_it(tmp_path: Path) -> None:
    assert (
        render("Koster {{gebyr:findes-ikke}}.", parse_fees(FEES), date(2026, 1, 1)) == "Koster {{gebyr:findes-ikke}}."
    )
    (tmp_path / "fees.yml").write_text(FEES, encoding="utf-8")
    guide = make_guide("pas-test", answer="Et pas koster {{gebyr:findes-ikke}} og {{gebyr:pas-barn}}.")
    problems = check_fees(tmp_path, [guide])
    assert [p.message for p in problems] == ["gebyret 'findes-ikke' findes ikke i fees.yml"]


def test_a_malformed_fee_file_is_a_danish_problem(tmp_path: Path) -> None:
    (tmp_path / "fees.yml").write_text("fees:\n  Pas Voksen:\n    name: x\n", encoding="utf-8")
    problems = check_fees(tmp_path, [])
    assert problems and all(p.path.endswith("fees.yml") for p in problems)
    with pytest.raises(ValidationError):
        parse_fees(
            "fees:\n  pas:\n    name: x\n    authority_url: https://x.dk\n    values:\n"
            "      - {valid_from: 2026-01-01, kroner: 1, source: 'https://x.dk'}\n"
            "      - {valid_from: 2026-01-01, kroner: 2, source: 'https://x.dk'}\n"
        )


def test_the_shipped_fees_cover_every_placeholder_and_have_sources() -> None:
    fees = parse_fees(Path("kb/fees.yml").read_text(encoding="utf-8"))
    used = {fee for path in Path("kb/guides").glob("*.md") for fee in placeholders(path.read_text(encoding="utf-8"))}
    assert used and used <= set(fees)
    assert format_kroner(1786) == "1.786 kr."
