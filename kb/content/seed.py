"""The first start of a new database: the guides and municipality data shipped in ``kb/`` imported once."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from kb.content.markdown import guide_to_markdown
from kb.content.store import SqlContentStore
from kb.municipalities import load_municipalities
from kb.store import FileGuideStore

logger = logging.getLogger(__name__)

SEED_ACTOR = "system"
SEED_NOTE = "Importeret fra kb/"


@dataclass(frozen=True)
class ImportCounts:
    """How many guides and municipalities were imported (both 0 when the store already had content)."""

    guides: int
    municipalities: int


def import_shipped(store: SqlContentStore, kb_dir: Path) -> ImportCounts:
    """When the store is empty, every ``kb_dir/guides/*.md`` published as version 1 by "system" and
    every ``kb_dir/municipalities/*.yml`` saved, in one transaction with one revision bump."""
    if not store.is_empty():
        return ImportCounts(0, 0)
    guides = FileGuideStore(kb_dir / "guides").list_guides()
    municipalities = list(load_municipalities(kb_dir).values())
    sources = [guide_to_markdown(guide) for guide in guides]
    if not store.import_content(sources, municipalities, SEED_ACTOR, SEED_NOTE):
        return ImportCounts(0, 0)
    counts = ImportCounts(len(guides), len(municipalities))
    logger.info("content.imported", extra={"guides": counts.guides, "municipalities": counts.municipalities})
    return counts
