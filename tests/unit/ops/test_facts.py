"""Does a reply hold the fact (ops.facts), and the fixed split of the dev set (ops.devset)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ops.devset import half_of, load_dev_set
from ops.facts import fold, holds_fact


def test_typography_does_not_hide_a_fact() -> None:
    assert holds_fact("Ring til Den Digitale Hotline på 70 20 00 00.", ["70200000"])
    assert holds_fact("Det koster 1.786 kr.", ["1786 kr"])
    assert holds_fact("Du har FEM\u00a0dage.", ["fem dage", "5 dage"])
    assert fold("12\u201317 år") == "12-17 år"


def test_a_reply_without_any_acceptable_string_misses() -> None:
    assert not holds_fact("Du kan melde flytning på borger.dk.", ["5 dage", "fem dage"])
    assert not holds_fact("anything", [])
    assert not holds_fact("anything", ["  "])


def test_the_split_is_fixed_by_text_and_about_even() -> None:
    assert half_of("hvad koster et pas") == half_of("  hvad koster et pas ")
    halves = [half_of(f"spørgsmål nummer {i}") for i in range(1000)]
    assert 400 < halves.count("tuning") < 600


def test_dev_cases_carry_facts_and_a_topic_without_a_guide(tmp_path: Path) -> None:
    path = tmp_path / "dev.yml"
    path.write_text(
        "in_scope:\n"
        "  - q: koster mitid noget\n    topic: mitid\n    must_contain: [gratis]\n"
        "  - q: hvornår skal jeg melde flytning\n    guide: flytning-frist\n    must_contain: [5 dage]\n"
        "out_of_scope:\n  - q: hvad er klokken\n",
        encoding="utf-8",
    )
    first, second, other = load_dev_set(path)
    assert (first.topic, first.guide, first.must_contain, first.in_scope) == ("mitid", None, ("gratis",), True)
    assert (second.topic, second.must_contain) == ("flytning", ("5 dage",))
    assert not other.in_scope and other.topic is None
    path.write_text("in_scope:\n  - q: noget uden emne\n", encoding="utf-8")
    with pytest.raises(ValueError, match="guide or a topic"):
        load_dev_set(path)


def test_the_shipped_dev_set_is_fact_labelled() -> None:
    cases = [c for c in load_dev_set() if c.in_scope]
    assert len(cases) >= 600
    assert all(c.must_contain for c in cases)
