"""Publishing from the content store: the build, the watcher, the build lock and a draft's search (fakes)."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from core.settings import Settings
from kb import publish, scope_cache
from kb.confidence import Calibration
from kb.index import build_lock
from kb.layout import current_build, read_manifest
from kb.municipalities import Municipality, load_municipalities
from kb.prepare import scope_examples_for
from kb.publish import IndexWatcher, draft_search, publish_from_store, published_revision, published_state
from kb.schema import Guide
from kb.scope import ScopeModel
from kb.search import GuideSearch
from tests.conftest import make_guide
from tests.fakes import FakeEmbedder

NLU = """version: "3.1"
nlu:
  - intent: ask_pas
    examples: |
      - hvad koster et pas
      - fornye pas
      - pas til børn
      - mistet mit pas
      - hvor lang tid tager et pas
  - intent: out_of_scope
    examples: |
      - hvornår bliver mit affald hentet
      - byggetilladelse til en carport
      - restskat
      - kørekort fornyelse
      - parkeringstilladelse
      - hvad er vejret i dag
"""


class FakeContentStore:
    """The three things the build reads from the content database; ``fail`` makes the database be down."""

    def __init__(self, guides: list[Guide], municipalities: dict[str, Municipality]) -> None:
        self.guides = {g.id: g for g in guides}
        self.data = dict(municipalities)
        self.published = 1
        self.fail = False

    def list_guides(self) -> list[Guide]:
        self._check()
        return sorted(self.guides.values(), key=lambda g: g.id)

    def municipalities(self) -> dict[str, Municipality]:
        self._check()
        return dict(self.data)

    def revision(self) -> int:
        self._check()
        return self.published

    def _check(self) -> None:
        if self.fail:
            raise ConnectionError("the database is down")

    def save(self, guide: Guide) -> None:
        self.guides[guide.id] = guide
        self.published += 1


@pytest.fixture
def content_settings(tmp_path: Path) -> Settings:
    """Settings with a small NLU data folder of its own (the scope classifier trains in a blink)."""
    nlu = tmp_path / "project" / "data" / "nlu"
    nlu.mkdir(parents=True)
    (nlu / "nlu.yml").write_text(NLU, encoding="utf-8")
    return Settings(var_dir=tmp_path / "var", project_root=tmp_path / "project")


def guides() -> list[Guide]:
    return [
        make_guide("pas-pris", answer="Et pas til voksne koster et fast gebyr."),
        make_guide("flytning-frist", topic="flytning", answer="Meld flytning senest fem dage efter."),
        make_guide("mitid-app", topic="mitid", answer="Hent MitID-appen på din telefon."),
    ]


@pytest.fixture
def store(content_settings: Settings) -> FakeContentStore:
    return FakeContentStore(guides(), dict(load_municipalities(content_settings.kb_dir)))


def edited(guide: Guide, **changes: object) -> Guide:
    return Guide.model_validate({**guide.model_dump(), **changes})


def wait_for(condition: Callable[[], bool], seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "not within the deadline"
        time.sleep(0.02)


def test_publish_builds_guides_municipality_data_and_revision(
    store: FakeContentStore, content_settings: Settings
) -> None:
    result = publish_from_store(store, content_settings, FakeEmbedder())
    assert result.rebuilt and result.content_revision == 1
    assert published_revision(content_settings.index_dir) == 1
    built = json.loads((result.path / "municipalities.json").read_text(encoding="utf-8"))
    assert set(built) == set(store.data)
    assert (result.path / "scope.json").exists()
    hits = GuideSearch(content_settings.index_dir, FakeEmbedder()).search("pas gebyr voksne", "kalundborg")
    assert hits[0].guide_id == "pas-pris"


def test_a_new_revision_with_nothing_changed_builds_nothing(
    store: FakeContentStore, content_settings: Settings
) -> None:
    embedder = FakeEmbedder()
    first = publish_from_store(store, content_settings, embedder)
    embedder.embedded.clear()
    store.published += 1  # a save identical to the published version still bumps the revision
    second = publish_from_store(store, content_settings, embedder)
    assert not second.rebuilt and second.path == first.path
    assert published_revision(content_settings.index_dir) == 2
    assert embedder.embedded == []


def test_no_municipality_data_in_the_store_leaves_the_shipped_files(
    store: FakeContentStore, content_settings: Settings
) -> None:
    store.data = {}
    result = publish_from_store(store, content_settings, FakeEmbedder())
    assert not (result.path / "municipalities.json").exists()


def test_an_edited_question_is_live_before_the_scope_classifier_is_retrained_with_one_new_example(
    store: FakeContentStore, content_settings: Settings
) -> None:
    embedder = FakeEmbedder()
    first = publish_from_store(store, content_settings, embedder)
    old_scope = ScopeModel.load(first.path)
    embedder.embedded.clear()
    guide = store.guides["pas-pris"]
    store.save(edited(guide, questions=[*guide.questions, "hvad med et nødpas i lufthavnen"]))

    result = publish_from_store(store, content_settings, embedder)
    assert result.rebuilt and not result.scope_pending
    new_scope = ScopeModel.load(result.path)
    assert old_scope is not None and new_scope is not None and new_scope.fingerprint != old_scope.fingerprint
    # The guide's own chunks (it is a new version) and, for the scope classifier, the one new example.
    assert embedder.embedded.count("hvad med et nødpas i lufthavnen") == 2
    assert len(embedder.embedded) == result.embedded_chunks + 1
    assert read_manifest(content_settings.index_dir)["scope_fingerprint"] == new_scope.fingerprint  # type: ignore[index]


def test_watcher_rebuilds_after_a_revision_bump(store: FakeContentStore, content_settings: Settings) -> None:
    embedder = FakeEmbedder()
    publish_from_store(store, content_settings, embedder)
    watcher = IndexWatcher(store, content_settings, embedder, interval=0.05)
    watcher.start()
    try:
        store.save(edited(store.guides["pas-pris"], body="Et pas koster nu et helt nyt gebyr.\n\n## Mere\nTekst."))
        wait_for(lambda: published_revision(content_settings.index_dir) == 2)
    finally:
        watcher.stop()
    hits = GuideSearch(content_settings.index_dir, embedder).search("pas gebyr", "kalundborg")
    assert "helt nyt gebyr" in hits[0].short_answer


def test_watcher_survives_a_database_outage(
    store: FakeContentStore, content_settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    embedder = FakeEmbedder()
    publish_from_store(store, content_settings, embedder)
    store.fail = True
    watcher = IndexWatcher(store, content_settings, embedder, interval=0.01)
    watcher.start()
    try:
        wait_for(lambda: any(r.message == "kb.publish.watch_failed" for r in caplog.records))
        store.save(make_guide("pas-nyt", answer="En helt ny vejledning om pas."))
        store.fail = False
        wait_for(lambda: published_revision(content_settings.index_dir) == 2)
    finally:
        watcher.stop()
    assert watcher._thread is not None and not watcher._thread.is_alive()


def test_the_check_does_nothing_while_the_build_is_current(store: FakeContentStore, content_settings: Settings) -> None:
    embedder = FakeEmbedder()
    watcher = IndexWatcher(store, content_settings, embedder)
    assert watcher.check() is not None
    assert watcher.check() is None


LOCK_HOLDER = """
import sys
from pathlib import Path
from kb.index import build_lock
with build_lock(Path(sys.argv[1])):
    print("locked", flush=True)
    sys.stdin.readline()
"""


def test_the_build_lock_keeps_a_second_process_from_building(
    store: FakeContentStore, content_settings: Settings
) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", LOCK_HOLDER, str(content_settings.index_dir)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdin is not None
    try:
        assert holder.stdout.readline().strip() == "locked"
        publishing = threading.Thread(target=publish_from_store, args=(store, content_settings, FakeEmbedder()))
        publishing.start()
        publishing.join(timeout=1.0)
        assert publishing.is_alive(), "the build must wait for the lock"
        assert current_build(content_settings.index_dir) is None
        holder.stdin.write("\n")
        holder.stdin.flush()
        publishing.join(timeout=30)
        assert not publishing.is_alive()
        assert published_revision(content_settings.index_dir) == 1
    finally:
        holder.kill()
        holder.wait()


def test_the_lock_is_exclusive_between_threads(tmp_path: Path) -> None:
    order: list[str] = []
    with build_lock(tmp_path):

        def second() -> None:
            with build_lock(tmp_path):
                order.append("second")

        thread = threading.Thread(target=second)
        thread.start()
        thread.join(timeout=0.3)
        order.append("first")
    thread.join(timeout=5)
    assert order == ["first", "second"]


def test_draft_search_finds_the_drafts_text_and_the_published_search_does_not(
    store: FakeContentStore, content_settings: Settings, tmp_path: Path
) -> None:
    embedder = FakeEmbedder()
    publish_from_store(store, content_settings, embedder)
    published = GuideSearch(content_settings.index_dir, embedder)
    draft = edited(store.guides["mitid-app"], body="Brug en kodeviser med lydfunktion, hvis du er blind.")
    draft_set = [draft if g.id == draft.id else g for g in store.list_guides()]
    embedder.embedded.clear()

    search = draft_search(draft_set, content_settings, embedder, Calibration(), tmp_path / "draft")
    assert "kodeviser" in search.search("kodeviser lydfunktion blind", "kalundborg")[0].short_answer
    assert all("kodeviser" not in h.short_answer for h in published.search("kodeviser lydfunktion blind", "kalundborg"))
    # Only the draft's chunks were embedded (and the query); the published build is untouched.
    assert all("mitid-app" in text or "kodeviser" in text for text in embedder.embedded)
    assert published_revision(content_settings.index_dir) == 1


def test_watcher_publishes_the_next_change_while_a_scope_classifier_trains(
    store: FakeContentStore, content_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    embedder = FakeEmbedder()
    publish_from_store(store, content_settings, embedder)
    training_may_end = threading.Event()
    real_training = scope_cache.train_with_cache

    def slow_training(*args: Any) -> ScopeModel:
        assert training_may_end.wait(30)
        return real_training(*args)

    monkeypatch.setattr(publish, "train_with_cache", slow_training)
    watcher = IndexWatcher(store, content_settings, embedder, interval=0.02)
    watcher.start()
    try:
        guide = store.guides["pas-pris"]
        store.save(edited(guide, questions=[*guide.questions, "hvad med et nødpas i lufthavnen"]))
        wait_for(lambda: published_state(content_settings.index_dir) == (2, True))
        store.save(edited(store.guides["mitid-app"], body="Hent den nye MitID-app i din butik."))
        wait_for(lambda: published_state(content_settings.index_dir) == (3, True))
        assert not training_may_end.is_set()
        training_may_end.set()
        wait_for(lambda: published_state(content_settings.index_dir) == (3, False))
    finally:
        training_may_end.set()
        watcher.stop()
    scope = ScopeModel.load(content_settings.index_dir / "current")
    assert (
        scope is not None
        and scope.fingerprint == scope_examples_for(store.list_guides(), content_settings).fingerprint()
    )
    assert (
        "nye MitID-app"
        in GuideSearch(content_settings.index_dir, embedder).search("MitID app", "kalundborg")[0].short_answer
    )
