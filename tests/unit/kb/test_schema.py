from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from core.topics import TOPICS
from kb.check import MAX_ANSWER_SENTENCES, count_sentences
from kb.schema import GuideFormatError, parse_guide
from kb.store import FileGuideStore, InvalidGuideError
from tests.conftest import make_guide

VALID = """---
id: pas-test
title: Test
topic: pas
scope: national
questions: [a, b, c]
links: [{title: borger.dk, url: "https://www.borger.dk/"}]
sources: ["https://www.borger.dk/"]
last_reviewed: 2026-11-01
owner: test
---
Kort svar her. Anden sætning.

## Detaljer
Mere.
"""


def test_parses_valid_guide_and_its_short_answer() -> None:
    guide = parse_guide(VALID)
    assert guide.id == "pas-test"
    assert guide.short_answer == "Kort svar her. Anden sætning."


def test_missing_front_matter_is_reported() -> None:
    with pytest.raises(GuideFormatError, match="mangler metadata"):
        parse_guide("Bare tekst")


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        ("topic: pas", "topic: skat", "topic"),
        ("questions: [a, b, c]", "questions: [a]", "questions"),
        ("last_reviewed: 2026-11-01", "last_reviewed: igår", "last_reviewed"),
        ("Kort svar her. Anden sætning.", "# Overskrift først", "body"),
    ],
)
def test_schema_errors_name_the_field(old: str, new: str, field: str) -> None:
    with pytest.raises(ValidationError) as error:
        parse_guide(VALID.replace(old, new))
    assert field in str(error.value)


def test_content_hash_changes_with_content() -> None:
    assert make_guide("a").content_hash == make_guide("a").content_hash
    assert make_guide("a").content_hash != make_guide("a", answer="Andet svar.").content_hash


def test_file_store_rejects_id_that_differs_from_file_name(tmp_path: Path) -> None:
    (tmp_path / "andet-navn.md").write_text(VALID, encoding="utf-8")
    with pytest.raises(ValueError, match="er ikke det samme som filnavnet"):
        FileGuideStore(tmp_path).list_guides()


def test_shipped_guides_are_valid_and_cover_every_topic() -> None:
    guides = FileGuideStore(Path("kb/guides")).list_guides()
    assert {g.topic for g in guides} == set(TOPICS)
    assert len(guides) >= 45
    for guide in guides:
        assert count_sentences(guide.short_answer) <= MAX_ANSWER_SENTENCES, guide.id


def test_file_store_names_the_broken_file_and_field_in_danish(tmp_path: Path) -> None:
    (tmp_path / "pas-test.md").write_text(VALID.replace("topic: pas", "topic: skat"), encoding="utf-8")
    with pytest.raises(InvalidGuideError, match=r"pas-test\.md: topic: skal være en af"):
        FileGuideStore(tmp_path).list_guides()
