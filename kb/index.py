"""Build and publish the guide index: idempotent, content-addressed, atomic.

Layout under the index folder::

    builds/<corpus-hash>/manifest.json   what was indexed, and how
    builds/<corpus-hash>/guides.json     one record per guide (id = content hash)
    current -> builds/<corpus-hash>      swapped atomically when a build is done

A build whose corpus hash matches ``current`` is skipped; a mismatched or
unreadable index is rebuilt, never silently used.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from kb.normalize import tokenize
from kb.schema import Guide
from kb.store import FileGuideStore, GuideStore

logger = logging.getLogger(__name__)

INDEX_FORMAT = "borgerbot-lexical-1"


@dataclass(frozen=True)
class BuildResult:
    corpus_hash: str
    path: Path
    rebuilt: bool


def corpus_hash(guides: list[Guide]) -> str:
    """Hash of the whole corpus: equal exactly when every guide is equal."""
    digest = hashlib.sha256(INDEX_FORMAT.encode())
    for content_hash in sorted(g.content_hash for g in guides):
        digest.update(content_hash.encode())
    return digest.hexdigest()


def guide_record(guide: Guide) -> dict[str, object]:
    """The metadata stored beside the index for one guide."""
    return {
        "id": guide.content_hash,
        "guide_id": guide.id,
        "title": guide.title,
        "topic": guide.topic,
        "scope": guide.scope,
        "short_answer": guide.short_answer,
        "links": [link.model_dump(mode="json") for link in guide.links],
        "sources": [str(url) for url in guide.sources],
        "last_reviewed": guide.last_reviewed.isoformat(),
        "tokens": tokenize(guide.search_text()),
    }


def read_manifest(index_dir: Path) -> dict[str, object] | None:
    """The manifest of the published index, or None when there is none usable."""
    try:
        manifest = json.loads((index_dir / "current" / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return manifest if isinstance(manifest, dict) else None


def is_current(index_dir: Path, expected_hash: str) -> bool:
    manifest = read_manifest(index_dir)
    return bool(manifest and manifest.get("format") == INDEX_FORMAT and manifest.get("corpus_hash") == expected_hash)


def build_index(store: GuideStore, index_dir: Path) -> BuildResult:
    """Publish an index of the store's guides, unless an identical one is current."""
    guides = store.list_guides()
    digest = corpus_hash(guides)
    final = index_dir / "builds" / digest[:16]
    if is_current(index_dir, digest):
        logger.info("kb.index.up_to_date", extra={"corpus_hash": digest, "guides": len(guides)})
        return BuildResult(digest, final, rebuilt=False)

    builds = index_dir / "builds"
    builds.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=builds))
    try:
        (staging / "guides.json").write_text(
            json.dumps([guide_record(g) for g in guides], ensure_ascii=False), encoding="utf-8"
        )
        manifest = {"format": INDEX_FORMAT, "corpus_hash": digest, "guides": len(guides)}
        (staging / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
        if final.exists():
            shutil.rmtree(final)
        staging.rename(final)
    finally:
        shutil.rmtree(staging, ignore_errors=True)

    # Swap the "current" link in one rename, so readers never see a half index.
    link_tmp = index_dir / f".current-{os.getpid()}"
    link_tmp.unlink(missing_ok=True)
    link_tmp.symlink_to(final.relative_to(index_dir))
    os.replace(link_tmp, index_dir / "current")
    _prune_builds(builds, keep=final)
    logger.info("kb.index.built", extra={"corpus_hash": digest, "guides": len(guides)})
    return BuildResult(digest, final, rebuilt=True)


def _prune_builds(builds: Path, keep: Path, max_old: int = 2) -> None:
    """Keep the published build and a few recent ones (readers may still hold them)."""
    old = sorted(
        (p for p in builds.iterdir() if p.is_dir() and p != keep and not p.name.startswith(".")),
        key=lambda p: p.stat().st_mtime,
        reverse=True,
    )
    for path in old[max_old:]:
        shutil.rmtree(path, ignore_errors=True)


def main() -> None:
    """``python -m kb.index build``: build the index if the guides changed."""
    from bot.logging_setup import configure_logging
    from bot.settings import get_settings

    parser = argparse.ArgumentParser(description="Build the Borgerbot guide index.")
    parser.add_argument("command", choices=["build"])
    parser.parse_args()
    settings = get_settings()
    configure_logging(settings.log_level)
    build_index(FileGuideStore(settings.kb_dir / "guides"), settings.index_dir)


if __name__ == "__main__":
    main()
