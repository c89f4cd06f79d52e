"""Guides written back as Markdown: parse_guide gives back the same guide, in the shipped files' layout."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from pydantic import ValidationError

from core.settings import PROJECT_ROOT
from kb.content.markdown import FRONT_MATTER_FIELDS, compose_source, guide_to_markdown
from kb.schema import parse_guide
from tests.conftest import make_guide

SHIPPED = sorted((PROJECT_ROOT / "kb" / "guides").glob("*.md"))


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_every_shipped_guide_round_trips(path: Path) -> None:
    guide = parse_guide(path.read_text(encoding="utf-8"))
    assert parse_guide(guide_to_markdown(guide)) == guide


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_the_markdown_is_laid_out_like_the_shipped_file(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    written = guide_to_markdown(parse_guide(text))
    original_lines, written_lines = text.splitlines(), written.splitlines()
    assert len(written_lines) == len(original_lines)
    # Only web addresses may differ: pydantic normalises them ("https://um.dk" → "https://um.dk/").
    differing = [(a, b) for a, b in zip(original_lines, written_lines, strict=True) if a != b]
    assert all("http" in a and "http" in b for a, b in differing), differing


def test_front_matter_fields_come_in_the_files_order() -> None:
    written = guide_to_markdown(make_guide("pas-test"))
    keys = [line.split(":", 1)[0] for line in written.split("---\n")[1].splitlines() if not line.startswith(" ")]
    assert tuple(keys) == FRONT_MATTER_FIELDS


def test_values_yaml_would_misread_are_quoted_and_survive() -> None:
    guide = make_guide("pas-test").model_copy(
        update={
            "title": "ja: 'no' # ikke en kommentar",
            "owner": "2026-01-01",
            "questions": ["yes", "123", "- en liste?", 'æøå: «citat» – "tegn"'],
        }
    )
    assert parse_guide(guide_to_markdown(guide)) == guide


def test_a_long_value_stays_on_one_line() -> None:
    guide = make_guide("pas-test").model_copy(update={"title": "ord " * 60 + "slut"})
    written = guide_to_markdown(guide)
    assert f"title: {guide.title}\n" in written
    assert parse_guide(written) == guide


FORM_META: dict[str, object] = {
    "owner": "Borgerservice",  # out of order on purpose
    "id": "pas-kalundborg-hurtig",
    "title": "Hurtigt pas",
    "topic": "pas",
    "scope": "kalundborg",
    "questions": ["kan jeg få et hurtigt pas", "ekspres pas", "hvor hurtigt kan jeg få pas"],
    "links": [{"title": "borger.dk", "url": "https://www.borger.dk"}],
    "sources": ["https://www.borger.dk"],
    "last_reviewed": "2026-12-02",
}


def test_compose_source_writes_a_form_s_values_as_a_guide_file() -> None:
    text = compose_source(FORM_META, "\n  Du kan få et hurtigt pas.\n\n## Pris\nDet koster ekstra.\n\n")
    assert "\nlast_reviewed: 2026-12-02\n" in text  # a date, as in the files
    assert text.endswith("---\nDu kan få et hurtigt pas.\n\n## Pris\nDet koster ekstra.\n")
    guide = parse_guide(text)
    assert (guide.id, guide.owner, guide.last_reviewed) == ("pas-kalundborg-hurtig", "Borgerservice", date(2026, 12, 2))
    assert guide_to_markdown(guide).split("\n")[1:5] == text.split("\n")[1:5]  # the files' field order


def test_compose_source_keeps_what_validation_must_name() -> None:
    text = compose_source({**FORM_META, "last_reviewed": "2. december"}, "Svar.")
    with pytest.raises(ValidationError) as invalid:
        parse_guide(text)
    assert [e["loc"] for e in invalid.value.errors()] == [("last_reviewed",)]


def test_a_value_cannot_break_out_of_the_front_matter() -> None:
    title = "Pas\n---\nid: noget-andet"
    guide = parse_guide(compose_source({**FORM_META, "title": title}, "Svar."))
    assert (guide.id, guide.title) == ("pas-kalundborg-hurtig", title)
