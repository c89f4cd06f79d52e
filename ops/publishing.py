"""Before the stack starts: the content database migrated, the shipped guides imported into an empty
one, and the index published from it (make run, ops.serve, the bench and the integration tests)."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

from core.settings import Settings
from kb.content import SqlContentStore
from kb.content.engine import make_engine
from kb.content.seed import import_shipped
from kb.embedder import default_embedder
from kb.index import BuildResult
from kb.layout import BUILDS_DIR, CURRENT_LINK, current_build
from kb.publish import publish_from_store
from ops.database import upgrade

logger = logging.getLogger(__name__)


def publish_content(settings: Settings) -> BuildResult:
    """Migrate, import `kb/` when the store is empty, publish; cheap when the index already holds the content.

    Raises kb.store.InvalidGuideError when a shipped guide cannot be imported.
    """
    from kb.embedding.convert import ensure_model

    upgrade(settings.gateway_database_url)
    engine = make_engine(settings.gateway_database_url)
    try:
        store = SqlContentStore(engine)
        counts = import_shipped(store, settings.kb_dir)
        if counts.guides:
            logger.info("content.seeded", extra={"guides": counts.guides, "municipalities": counts.municipalities})
        ensure_model(settings.embedding_model_path)
        return publish_from_store(store, settings, default_embedder(settings.embedding_model_path))
    finally:
        engine.dispose()


def copy_published_index(source_dir: Path, target_dir: Path) -> None:
    """A folder of its own holding a copy of ``source_dir``'s published build, so a stack that publishes
    there (the bench, tests) embeds only what it changes and leaves the shared index alone."""
    build = current_build(source_dir)
    if target_dir.is_symlink():
        target_dir.unlink()
    target_dir.mkdir(parents=True, exist_ok=True)
    if build is None:
        return
    copied = target_dir / BUILDS_DIR / build.name
    if not copied.exists():  # a build's name is its content hash: one there already is the same
        shutil.copytree(build, copied)
    link = target_dir / CURRENT_LINK
    if link.is_symlink():
        link.unlink()
    link.symlink_to(Path(BUILDS_DIR) / build.name)
