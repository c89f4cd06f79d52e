from __future__ import annotations

import json
from pathlib import Path

from kb.index import build_index, read_manifest
from kb.normalize import normalize, tokenize
from kb.search import GuideSearch
from kb.store import InMemoryGuideStore
from tests.conftest import make_guide


def corpus() -> list:
    return [
        make_guide("pas-pris", answer="Et pas til voksne koster et fast gebyr."),
        make_guide("flytning-frist", topic="flytning", answer="Meld flytning senest fem dage efter."),
        make_guide("mitid-app", topic="mitid", answer="Hent MitID-appen på din telefon."),
        make_guide("kalundborg-parkering-pas", scope="kalundborg", answer="Kalundborgs egen pasvejledning."),
    ]


def test_build_is_idempotent(tmp_path: Path) -> None:
    store = InMemoryGuideStore(corpus())
    first = build_index(store, tmp_path)
    second = build_index(store, tmp_path)
    assert first.rebuilt and not second.rebuilt
    assert first.corpus_hash == second.corpus_hash


def test_ids_are_content_hashes(tmp_path: Path) -> None:
    guides = corpus()
    result = build_index(InMemoryGuideStore(guides), tmp_path)
    records = json.loads((result.path / "guides.json").read_text())
    assert {r["id"] for r in records} == {g.content_hash for g in guides}


def test_edit_changes_next_search_and_keeps_others(tmp_path: Path) -> None:
    guides = corpus()
    build_index(InMemoryGuideStore(guides), tmp_path)
    search = GuideSearch(tmp_path)
    assert search.search("pas gebyr voksne", "hoeje-taastrup")[0].short_answer.startswith("Et pas til voksne")

    guides[0] = make_guide("pas-pris", answer="Et pas til voksne koster nu et nyt gebyr.")
    assert build_index(InMemoryGuideStore(guides), tmp_path).rebuilt
    assert "nyt gebyr" in search.search("pas gebyr voksne", "hoeje-taastrup")[0].short_answer
    assert search.search("flytning fem dage", "hoeje-taastrup")[0].guide_id == "flytning-frist"


def test_other_municipalities_guides_are_never_returned(tmp_path: Path) -> None:
    build_index(InMemoryGuideStore(corpus()), tmp_path)
    search = GuideSearch(tmp_path)
    assert "kalundborg-parkering-pas" in {h.guide_id for h in search.search("pasvejledning", "kalundborg")}
    assert "kalundborg-parkering-pas" not in {h.guide_id for h in search.search("pasvejledning", "hoeje-taastrup")}


def test_topic_filter(tmp_path: Path) -> None:
    build_index(InMemoryGuideStore(corpus()), tmp_path)
    hits = GuideSearch(tmp_path).search("pas flytning mitid", "hoeje-taastrup", topic="mitid")
    assert [h.topic for h in hits] == ["mitid"]


def test_mismatched_manifest_is_rebuilt_not_used(tmp_path: Path) -> None:
    store = InMemoryGuideStore(corpus())
    build_index(store, tmp_path)
    manifest_path = tmp_path / "current" / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["corpus_hash"] = "stale"
    manifest_path.write_text(json.dumps(manifest))
    assert build_index(store, tmp_path).rebuilt
    assert read_manifest(tmp_path)["corpus_hash"] != "stale"  # type: ignore[index]


def test_danish_folding_meets_ascii_spellings() -> None:
    assert normalize("  Åbningstider  FOR   Ærø ") == "aabningstider for aeroe"
    assert tokenize("åbningstider") == tokenize("aabningstider")
