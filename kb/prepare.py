"""Make the guide index current: convert the embedding model if missing, then index what changed."""

from __future__ import annotations

from bot.settings import Settings
from kb.embedder import default_embedder
from kb.index import BuildResult, build_index
from kb.store import FileGuideStore


def ensure_index(settings: Settings) -> BuildResult:
    """The index for the shipped guides and the configured model; cheap when nothing changed."""
    from kb.embedding.convert import ensure_model

    ensure_model(settings.embedding_model_path)
    embedder = default_embedder(settings.embedding_model_path)
    return build_index(FileGuideStore(settings.kb_dir / "guides"), settings.index_dir, embedder)
