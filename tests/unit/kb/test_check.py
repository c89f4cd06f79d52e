"""make kb-check: every problem names its file and field; near-duplicate guides are caught."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from kb.check import (
    DUPLICATE_SIMILARITY,
    check_all,
    check_data_files,
    check_guide_files,
    count_sentences,
    similar_pairs,
)
from kb.embedder import default_embedder
from kb.store import FileGuideStore
from tests.unit.kb.test_schema import VALID

TODAY = date(2026, 12, 2)


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.md"
    path.write_text(text, encoding="utf-8")
    return path


def problems_of(folder: Path) -> list[str]:
    return [str(p) for p in check_guide_files(folder, TODAY)[1]]


def test_a_valid_guide_has_no_problems(tmp_path: Path) -> None:
    write(tmp_path, "pas-test", VALID)
    assert problems_of(tmp_path) == []


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        ("topic: pas", "topic: skat", "topic"),
        ("questions: [a, b, c]", "questions: [a]", "questions"),
        ('sources: ["https://www.borger.dk/"]', 'sources: ["ikke en url"]', "sources.0"),
        ("owner: test\n", "", "owner"),
    ],
)
def test_schema_problems_name_file_and_field(tmp_path: Path, old: str, new: str, field: str) -> None:
    path = write(tmp_path, "pas-test", VALID.replace(old, new))
    problems = problems_of(tmp_path)
    assert problems and all(p.startswith(f"{path}: {field}:") for p in problems), problems


def test_missing_front_matter_is_a_file_problem(tmp_path: Path) -> None:
    path = write(tmp_path, "pas-test", "Bare tekst uden metadata.")
    expected = f"{path}: (fil): mangler metadata (YAML) mellem to linjer med '---' øverst i filen"
    assert problems_of(tmp_path) == [expected]


def test_stale_review_and_future_dates(tmp_path: Path) -> None:
    write(tmp_path, "pas-test", VALID.replace("2026-11-01", "2025-11-01"))
    write(tmp_path, "pas-frem", VALID.replace("id: pas-test", "id: pas-frem").replace("2026-11-01", "2027-01-01"))
    problems = problems_of(tmp_path)
    assert any("pas-test.md: last_reviewed: 2025-11-01 er mere end 12 måneder siden" in p for p in problems)
    assert any("pas-frem.md: last_reviewed: 2027-01-01 ligger i fremtiden" in p for p in problems)


def test_duplicate_and_mismatched_ids(tmp_path: Path) -> None:
    write(tmp_path, "pas-test", VALID)
    write(tmp_path, "pas-kopi", VALID)
    problems = problems_of(tmp_path)
    assert any("pas-kopi.md: id: 'pas-test' er ikke det samme som filnavnet" in p for p in problems)
    assert any("id'et 'pas-test' findes også i" in p for p in problems)


def test_long_short_answer(tmp_path: Path) -> None:
    write(tmp_path, "pas-test", VALID.replace("Kort svar her. Anden sætning.", "Et. To. Tre. Fire."))
    assert any("body: det korte svar har mere end 3 sætninger" in p for p in problems_of(tmp_path))


def test_sentence_count_ignores_abbreviations_and_domains() -> None:
    assert count_sentences("Ring kl. 8 på 70 20 00 00. Se borger.dk for mere.") == 2
    assert count_sentences("Læs f.eks. på politi.dk") == 1


def test_messages_are_in_danish(tmp_path: Path) -> None:
    write(tmp_path, "pas-test", VALID.replace("owner: test\n", "").replace("topic: pas", "topic: skat"))
    problems = problems_of(tmp_path)
    assert any(p.endswith("owner: feltet mangler") for p in problems), problems
    assert any("topic: skat" not in p and "skal være en af: 'pas'" in p for p in problems), problems


def test_data_file_problems_name_the_field(tmp_path: Path) -> None:
    shutil.copytree("kb/municipalities", tmp_path / "municipalities")
    shutil.copy("kb/ddh.yml", tmp_path / "ddh.yml")
    assert check_data_files(tmp_path) == []
    path = tmp_path / "municipalities" / "kalundborg.yml"
    path.write_text(path.read_text().replace('monday: ["10:00-14:00"]', 'monday: ["ti til to"]'))
    problems = [str(p) for p in check_data_files(tmp_path)]
    assert len(problems) == 1 and problems[0].startswith(f"{path}: opening_hours:"), problems


@pytest.fixture(scope="module")
def embedder():  # type: ignore[no-untyped-def]
    from core.settings import get_settings
    from kb.embedding.convert import ensure_model

    path = ensure_model(get_settings().embedding_model_path)
    return default_embedder(path)


def test_a_guide_asked_again_in_other_words_is_flagged(embedder) -> None:  # type: ignore[no-untyped-def]
    guides = FileGuideStore(Path("kb/guides")).list_guides()
    original = next(g for g in guides if g.id == "pas-pris")
    copy = original.model_copy(
        update={
            "id": "pas-pris-igen",
            "questions": [
                "hvad koster det at få et pas",
                "prisen for et nyt pas",
                "hvor meget skal jeg betale for pas",
            ],
        }
    )
    assert [(a, b) for a, b, _ in similar_pairs([original, copy], embedder, DUPLICATE_SIMILARITY)] == [
        ("pas-pris", "pas-pris-igen")
    ]


def test_the_shipped_knowledge_base_is_clean(embedder) -> None:  # type: ignore[no-untyped-def]
    assert [str(p) for p in check_all(Path("kb"), embedder, TODAY)] == []


def test_an_id_that_does_not_start_with_its_topic_is_a_problem(tmp_path: Path) -> None:
    write(tmp_path, "mitid-test", VALID.replace("id: pas-test", "id: mitid-test"))
    assert any("mitid-test.md: id: id'et skal begynde med emnet" in p and "'pas-…'" in p for p in problems_of(tmp_path))
