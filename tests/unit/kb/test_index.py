"""The guide index: idempotent, content-addressed, incremental, municipality-isolated (fake embedder)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kb.chunks import guide_chunks
from kb.index import build_index, read_manifest
from kb.normalize import normalize, tokenize
from kb.search import GuideSearch, IndexUnavailableError
from kb.store import InMemoryGuideStore
from tests.conftest import make_guide
from tests.fakes import FakeEmbedder


def corpus() -> list:
    return [
        make_guide("pas-pris", answer="Et pas til voksne koster et fast gebyr."),
        make_guide("flytning-frist", topic="flytning", answer="Meld flytning senest fem dage efter."),
        make_guide("mitid-app", topic="mitid", answer="Hent MitID-appen på din telefon."),
        make_guide("kalundborg-parkering-pas", scope="kalundborg", answer="Kalundborgs egen pasvejledning."),
    ]


def test_build_is_idempotent(tmp_path: Path) -> None:
    store, embedder = InMemoryGuideStore(corpus()), FakeEmbedder()
    first = build_index(store, tmp_path, embedder)
    second = build_index(store, tmp_path, embedder)
    assert first.rebuilt and not second.rebuilt
    assert first.corpus_hash == second.corpus_hash


def test_guide_records_are_keyed_by_content_hash(tmp_path: Path) -> None:
    guides = corpus()
    result = build_index(InMemoryGuideStore(guides), tmp_path, FakeEmbedder())
    records = json.loads((result.path / "guides.json").read_text())
    assert set(records) == {g.content_hash for g in guides}
    chunks = json.loads((result.path / "chunks.json").read_text())
    assert {int(i) for i in chunks} == {c.id for g in guides for c in guide_chunks(g)}


def test_editing_one_guide_reembeds_only_that_guide(tmp_path: Path) -> None:
    guides, embedder = corpus(), FakeEmbedder()
    build_index(InMemoryGuideStore(guides), tmp_path, embedder)
    search = GuideSearch(tmp_path, embedder)
    assert search.search("pas gebyr voksne", "hoeje-taastrup")[0].short_answer.startswith("Et pas til voksne")

    guides[0] = make_guide("pas-pris", answer="Et pas til voksne koster nu et nyt gebyr.")
    embedder.embedded.clear()
    result = build_index(InMemoryGuideStore(guides), tmp_path, embedder)
    assert result.rebuilt
    assert result.embedded_chunks == len(guide_chunks(guides[0])) == result.removed_chunks
    assert all("pas-pris" in text or "nyt gebyr" in text for text in embedder.embedded)
    assert "nyt gebyr" in search.search("pas gebyr voksne", "hoeje-taastrup")[0].short_answer
    assert search.search("flytning fem dage", "hoeje-taastrup")[0].guide_id == "flytning-frist"


def test_deleting_a_guide_removes_its_vectors(tmp_path: Path) -> None:
    guides, embedder = corpus(), FakeEmbedder()
    build_index(InMemoryGuideStore(guides), tmp_path, embedder)
    result = build_index(InMemoryGuideStore(guides[1:]), tmp_path, embedder)
    assert result.embedded_chunks == 0 and result.removed_chunks == len(guide_chunks(guides[0]))
    hits = GuideSearch(tmp_path, embedder).search("pas gebyr voksne", "hoeje-taastrup")
    assert "pas-pris" not in {h.guide_id for h in hits}


def test_other_municipalities_guides_are_never_returned(tmp_path: Path) -> None:
    embedder = FakeEmbedder()
    build_index(InMemoryGuideStore(corpus()), tmp_path, embedder)
    search = GuideSearch(tmp_path, embedder)
    for mode in ("hybrid", "dense", "lexical"):
        own = {h.guide_id for h in search.search("pasvejledning", "kalundborg", mode=mode)}
        other = {h.guide_id for h in search.search("pasvejledning", "hoeje-taastrup", mode=mode)}
        assert "kalundborg-parkering-pas" in own
        assert "kalundborg-parkering-pas" not in other


def test_topic_filter(tmp_path: Path) -> None:
    embedder = FakeEmbedder()
    build_index(InMemoryGuideStore(corpus()), tmp_path, embedder)
    hits = GuideSearch(tmp_path, embedder).search("pas flytning mitid", "hoeje-taastrup", topic="mitid")
    assert [h.topic for h in hits] == ["mitid"]


def test_mismatched_manifest_is_rebuilt_not_used(tmp_path: Path) -> None:
    store, embedder = InMemoryGuideStore(corpus()), FakeEmbedder()
    build_index(store, tmp_path, embedder)
    manifest_path = tmp_path / "current" / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["corpus_hash"] = "stale"
    manifest_path.write_text(json.dumps(manifest))
    assert build_index(store, tmp_path, embedder).rebuilt
    assert read_manifest(tmp_path)["corpus_hash"] != "stale"  # type: ignore[index]


def test_index_of_another_model_is_rebuilt_whole(tmp_path: Path) -> None:
    store, embedder = InMemoryGuideStore(corpus()), FakeEmbedder()
    build_index(store, tmp_path, embedder)
    other = FakeEmbedder()
    other.model_id = "another-model"  # type: ignore[misc]
    result = build_index(store, tmp_path, other)
    assert result.rebuilt and result.reused_chunks == 0
    assert read_manifest(tmp_path)["model_id"] == "another-model"  # type: ignore[index]


def test_search_refuses_an_index_of_another_model(tmp_path: Path) -> None:
    build_index(InMemoryGuideStore(corpus()), tmp_path, FakeEmbedder())
    other = FakeEmbedder()
    other.model_id = "another-model"  # type: ignore[misc]
    with pytest.raises(IndexUnavailableError, match="rebuild"):
        GuideSearch(tmp_path, other).search("pas", "kalundborg")


def test_danish_folding_meets_ascii_spellings() -> None:
    assert normalize("  Åbningstider  FOR   Ærø ") == "aabningstider for aeroe"
    assert tokenize("åbningstider") == tokenize("aabningstider")
