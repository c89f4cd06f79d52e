"""The guide index: idempotent, content-addressed, incremental, municipality-isolated (fake embedder)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.settings import Settings
from kb.chunks import guide_chunks
from kb.index import build_index
from kb.layout import read_manifest
from kb.municipalities import Municipality, load_municipalities
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


def municipalities(phone: str = "59 53 44 00") -> dict[str, Municipality]:
    shipped = load_municipalities(Settings().kb_dir)
    return {**shipped, "kalundborg": shipped["kalundborg"].model_copy(update={"phone": phone})}


def test_municipality_data_are_in_the_build_and_its_hash(tmp_path: Path) -> None:
    store, embedder = InMemoryGuideStore(corpus()), FakeEmbedder()
    plain = build_index(store, tmp_path / "a", embedder)
    with_data = build_index(store, tmp_path / "b", embedder, municipalities=municipalities())
    assert plain.corpus_hash != with_data.corpus_hash
    assert not (plain.path / "municipalities.json").exists()
    data = json.loads((with_data.path / "municipalities.json").read_text(encoding="utf-8"))
    assert data["kalundborg"]["phone"] == "59 53 44 00"


def test_a_change_to_municipality_data_only_copies_the_vectors(tmp_path: Path) -> None:
    store, embedder = InMemoryGuideStore(corpus()), FakeEmbedder()
    first = build_index(store, tmp_path, embedder, municipalities=municipalities())
    embedder.embedded.clear()
    second = build_index(store, tmp_path, embedder, municipalities=municipalities("11 22 33 44"))
    assert second.rebuilt and second.path != first.path
    assert second.embedded_chunks == 0 and second.removed_chunks == 0
    assert embedder.embedded == []
    assert (second.path / "vectors.faiss").read_bytes() == (first.path / "vectors.faiss").read_bytes()
    assert json.loads((second.path / "municipalities.json").read_text())["kalundborg"]["phone"] == "11 22 33 44"


def test_a_new_content_revision_alone_is_recorded_without_a_build(tmp_path: Path) -> None:
    store, embedder = InMemoryGuideStore(corpus()), FakeEmbedder()
    first = build_index(store, tmp_path, embedder, content_revision=4)
    embedder.embedded.clear()
    second = build_index(store, tmp_path, embedder, content_revision=5)
    assert not second.rebuilt and second.path == first.path
    assert embedder.embedded == []
    assert read_manifest(tmp_path)["content_revision"] == 5  # type: ignore[index]


def test_an_edit_undone_publishes_the_earlier_build_again(tmp_path: Path) -> None:
    guides, embedder = corpus(), FakeEmbedder()
    first = build_index(InMemoryGuideStore(guides), tmp_path, embedder, content_revision=1)
    changed = [make_guide("pas-pris", answer="Et pas koster noget andet."), *guides[1:]]
    build_index(InMemoryGuideStore(changed), tmp_path, embedder, content_revision=2)
    embedder.embedded.clear()
    undone = build_index(InMemoryGuideStore(guides), tmp_path, embedder, content_revision=3)
    assert undone.path == first.path and undone.rebuilt and embedder.embedded == []
    assert read_manifest(tmp_path)["content_revision"] == 3  # type: ignore[index]
    assert (
        GuideSearch(tmp_path, embedder)
        .search("pas gebyr voksne", "hoeje-taastrup")[0]
        .short_answer.startswith("Et pas til voksne")
    )


def test_a_build_elsewhere_reuses_the_base_folders_vectors(tmp_path: Path) -> None:
    guides, embedder = corpus(), FakeEmbedder()
    build_index(InMemoryGuideStore(guides), tmp_path / "published", embedder)
    embedder.embedded.clear()
    draft = [make_guide("pas-pris", answer="Et udkast om pas."), *guides[1:]]
    result = build_index(InMemoryGuideStore(draft), tmp_path / "draft", embedder, base_dir=tmp_path / "published")
    assert result.embedded_chunks == len(guide_chunks(draft[0])) == result.removed_chunks
    assert read_manifest(tmp_path / "published")["corpus_hash"] != result.corpus_hash  # type: ignore[index]
