"""The configured guide index: make it current (model converted, changes indexed) and search it."""

from __future__ import annotations

from functools import lru_cache

from core.settings import Settings, get_settings
from kb.confidence import Calibration
from kb.embedder import default_embedder
from kb.fees import load_fees
from kb.index import BuildResult, build_index, build_lock
from kb.schema import Guide
from kb.scope import ScopeExamples, scope_examples
from kb.search import GuideSearch
from kb.store import FileGuideStore, InMemoryGuideStore


def scope_examples_for(guides: list[Guide], settings: Settings) -> ScopeExamples:
    """The scope classifier's examples: the guides' questions and the configured project's NLU data.

    In guide id order whatever the store's order (files sort "pas-pris-born" before "pas-pris"),
    so the shipped files and the content database give one classifier, trained once.
    """
    return scope_examples(sorted(guides, key=lambda g: g.id), settings.project_root / "data" / "nlu")


def ensure_index(settings: Settings) -> BuildResult:
    """The index for the shipped guide files and the configured model; cheap when nothing changed.

    For tooling (eval, tests, `make index`); the running system publishes from the content
    database (kb.publish).
    """
    from kb.embedding.convert import ensure_model

    ensure_model(settings.embedding_model_path)
    embedder = default_embedder(settings.embedding_model_path)
    guides = FileGuideStore(settings.kb_dir / "guides").list_guides()
    scope = scope_examples_for(guides, settings)
    with build_lock(settings.index_dir):
        return build_index(InMemoryGuideStore(guides), settings.index_dir, embedder, scope, load_fees(settings.kb_dir))


@lru_cache(maxsize=1)
def default_search() -> GuideSearch:
    """The running system's search: configured index folder, model and calibration (one per process)."""
    settings = get_settings()
    return GuideSearch(settings.index_dir, default_embedder(settings.embedding_model_path), Calibration.load())
