"""Build and publish the guide index: idempotent, content-addressed, atomic, incremental.

Layout under the index folder (names in kb.layout)::

    builds/<hash>/manifest.json   format, embedding model, corpus hash, counts, content revision
    builds/<hash>/vectors.faiss   IndexIDMap2(IndexFlatIP): one vector per chunk, id = chunk hash
    builds/<hash>/chunks.json     chunk id -> guide version (content hash) and kind
    builds/<hash>/guides.json     guide version -> what an answer shows (its passages), plus lexical tokens
    builds/<hash>/fees.json       the fee table the passages' {{gebyr:id}} are filled from (kb.fees)
    builds/<hash>/municipalities.json  municipality data (kb.live), when the build is made from the content database
    builds/<hash>/scope*.{json,npy} the in-scope classifier (kb.scope, kb.scope_cache), when scope examples are given
    current -> builds/<hash>      swapped in one rename when a build is complete

A build whose corpus hash and model match ``current`` is skipped (a new content revision
is only recorded). Otherwise the published build is copied, chunks of removed or changed
guides are deleted, and only new chunks are embedded, so editing one guide re-embeds that
guide alone; a change to municipality data or fees only copies the vectors. An index made
with another model or format is rebuilt, never silently used. Processes that share an
index folder build under ``build_lock``.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import faiss
import numpy as np

from kb.build_data import corpus_hash, fees_json, guide_records, municipalities_json
from kb.chunks import Chunk, guide_chunks
from kb.embedder import Embedder
from kb.fees import Fee
from kb.layout import (
    BUILDS_DIR,
    CHUNKS_FILE,
    CURRENT_LINK,
    FEES_BUILD_FILE,
    GUIDES_FILE,
    INDEX_FORMAT,
    LOCK_FILE,
    MANIFEST_FILE,
    MUNICIPALITIES_FILE,
    VECTORS_FILE,
    current_build,
    read_build_manifest,
    same_format_and_model,
)
from kb.municipalities import Municipality
from kb.scope import ScopeExamples, ScopeModel
from kb.scope_cache import choose_scope
from kb.store import GuideStore

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class BuildResult:
    corpus_hash: str
    path: Path
    rebuilt: bool
    embedded_chunks: int = 0
    reused_chunks: int = 0
    removed_chunks: int = 0
    content_revision: int | None = None
    # Built with the published scope classifier although its examples changed (defer_scope_training):
    # one for the new examples is still to be trained and published.
    scope_pending: bool = False


@contextmanager
def build_lock(index_dir: Path) -> Iterator[None]:
    """Held while reading what to build and building it, so two processes never build one folder at once."""
    index_dir.mkdir(parents=True, exist_ok=True)
    with (index_dir / LOCK_FILE).open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _is_complete(build: Path | None, expected_hash: str, model_id: str) -> bool:
    manifest = read_build_manifest(build) if build is not None else None
    return bool(
        build is not None
        and manifest
        and same_format_and_model(build, model_id)
        and manifest.get("corpus_hash") == expected_hash
        and (build / VECTORS_FILE).exists()
    )


def is_current(index_dir: Path, expected_hash: str, model_id: str) -> bool:
    return _is_complete(current_build(index_dir), expected_hash, model_id)


def _embed(embedder: Embedder, chunks: list[Chunk]) -> np.ndarray:
    """Vectors in chunk order: questions with the query prompt, the rest as passages."""
    vectors = np.zeros((len(chunks), embedder.dim), dtype=np.float32)
    for query_like in (True, False):
        rows = [i for i, c in enumerate(chunks) if c.is_query_like == query_like]
        if rows:
            texts = [chunks[i].text for i in rows]
            embed = embedder.embed_queries if query_like else embedder.embed_passages
            vectors[rows] = embed(texts)
    return vectors


def _base_vectors(base: Path | None, embedder: Embedder) -> tuple[faiss.Index, set[int]] | None:
    """The base build's vectors and chunk ids, if they were made by the same model and format."""
    if base is None or not same_format_and_model(base, embedder.model_id):
        return None
    try:
        vectors = faiss.read_index(str(base / VECTORS_FILE))
        chunks = json.loads((base / CHUNKS_FILE).read_text(encoding="utf-8"))
    except (OSError, RuntimeError, ValueError):
        logger.warning("kb.index.base_unreadable", extra={"build": str(base)})
        return None
    if vectors.d != embedder.dim or vectors.ntotal != len(chunks):
        return None
    return vectors, {int(c) for c in chunks}


def _write_vectors(staging: Path, base: Path | None, wanted: dict[int, Chunk], embedder: Embedder) -> tuple[int, int]:
    """The build's vectors from the base's, only new chunks embedded: (embedded, removed) chunks."""
    reusable = _base_vectors(base, embedder)
    vectors, present = reusable or (faiss.IndexIDMap2(faiss.IndexFlatIP(embedder.dim)), set())
    obsolete = sorted(present - wanted.keys())
    new_chunks = [wanted[i] for i in sorted(wanted.keys() - present)]
    if base is not None and reusable is not None and not obsolete and not new_chunks:
        # Only municipality data, fees or the scope classifier changed: the vectors are copied as they are.
        shutil.copyfile(base / VECTORS_FILE, staging / VECTORS_FILE)
        return 0, 0
    if obsolete:
        # faiss's Python layer accepts an id array here; its stubs only know IDSelector.
        vectors.remove_ids(np.asarray(obsolete, dtype=np.int64))  # type: ignore[arg-type]
    if new_chunks:
        vectors.add_with_ids(_embed(embedder, new_chunks), np.asarray([c.id for c in new_chunks], dtype=np.int64))
    faiss.write_index(vectors, str(staging / VECTORS_FILE))
    return len(new_chunks), len(obsolete)


def build_index(
    store: GuideStore,
    index_dir: Path,
    embedder: Embedder,
    scope: ScopeExamples | None = None,
    fees: dict[str, Fee] | None = None,
    *,
    municipalities: dict[str, Municipality] | None = None,
    content_revision: int | None = None,
    base_dir: Path | None = None,
    scope_model: ScopeModel | None = None,
    defer_scope_training: bool = False,
) -> BuildResult:
    """Publish an index of the store's guides, fees, municipality data (and scope classifier), unless one is current.

    ``base_dir``: the index folder whose published build is reused (default ``index_dir``), so a
    build elsewhere (an editor's draft) embeds only what differs. ``scope_model``: a classifier
    already trained for ``scope``. ``defer_scope_training``: keep the base's classifier when the
    examples changed (the result says ``scope_pending``), so a change is live before the slow training.
    """
    guides = store.list_guides()
    base = current_build(base_dir or index_dir)
    digest = corpus_hash(guides, embedder.model_id, scope.fingerprint() if scope else "", fees, municipalities)
    if is_current(index_dir, digest, embedder.model_id):
        return _up_to_date(index_dir, digest, content_revision, len(guides))
    chosen = choose_scope(scope, base, embedder, scope_model, defer_scope_training)
    if chosen.pending:
        digest = corpus_hash(guides, embedder.model_id, chosen.fingerprint, fees, municipalities)
        if is_current(index_dir, digest, embedder.model_id):
            return _up_to_date(index_dir, digest, content_revision, len(guides), scope_pending=True)

    builds = index_dir / BUILDS_DIR
    final = builds / digest[:16]
    wanted = {c.id: c for g in guides for c in guide_chunks(g)}
    if _is_complete(final, digest, embedder.model_id):
        # The same content was published a few builds ago (an edit undone): publish that build again.
        revision_and_scope = {"content_revision": content_revision, "scope_pending": chosen.pending}
        _write_manifest(final, {**(read_build_manifest(final) or {}), **revision_and_scope})
        os.utime(final)  # now recent: pruning keeps it
        _publish(index_dir, final)
        logger.info("kb.index.republished", extra={"corpus_hash": digest, "content_revision": content_revision})
        return BuildResult(digest, final, True, 0, len(wanted), 0, content_revision, chosen.pending)

    reusable_base = base if same_format_and_model(base, embedder.model_id) else None
    builds.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=builds))
    try:
        embedded, removed = _write_vectors(staging, reusable_base, wanted, embedder)
        chosen.write(scope, staging)
        chunk_map = {str(i): {"guide": c.guide_content_id, "kind": c.kind} for i, c in sorted(wanted.items())}
        _write_json(staging / CHUNKS_FILE, chunk_map)
        _write_json(staging / GUIDES_FILE, guide_records(guides, reusable_base))
        _write_json(staging / FEES_BUILD_FILE, fees_json(fees or {}))
        if municipalities is not None:
            _write_json(staging / MUNICIPALITIES_FILE, municipalities_json(municipalities))
        manifest = {
            "format": INDEX_FORMAT,
            "model_id": embedder.model_id,
            "dim": embedder.dim,
            "corpus_hash": digest,
            "guides": len(guides),
            "chunks": len(wanted),
            "scope_fingerprint": chosen.model.fingerprint if chosen.model else None,
            "municipalities": len(municipalities) if municipalities is not None else None,
            "content_revision": content_revision,
            "scope_pending": chosen.pending,
        }
        _write_json(staging / MANIFEST_FILE, manifest)
        if final.exists():
            shutil.rmtree(final)
        staging.rename(final)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    _publish(index_dir, final)
    _prune_builds(builds, keep=final)
    result = BuildResult(
        digest, final, True, embedded, len(wanted) - embedded, removed, content_revision, chosen.pending
    )
    logger.info(
        "kb.index.built",
        extra={
            "corpus_hash": digest,
            "guides": len(guides),
            "embedded_chunks": result.embedded_chunks,
            "reused_chunks": result.reused_chunks,
            "removed_chunks": result.removed_chunks,
            "content_revision": content_revision,
            "scope_pending": chosen.pending,
        },
    )
    return result


def _up_to_date(
    index_dir: Path, digest: str, content_revision: int | None, guides: int, scope_pending: bool = False
) -> BuildResult:
    """Nothing to build; a new content revision (a change with no effect on the index) is still recorded,
    and whether the build's scope classifier is behind the examples now."""
    build = current_build(index_dir)
    assert build is not None  # is_current held
    manifest = read_build_manifest(build) or {}
    recorded = {"content_revision": manifest.get("content_revision"), "scope_pending": manifest.get("scope_pending")}
    wanted = {"content_revision": content_revision, "scope_pending": scope_pending}
    if content_revision is None:
        wanted["content_revision"] = recorded["content_revision"]
    if recorded != wanted:
        _write_manifest(build, {**manifest, **wanted})
    logger.info("kb.index.up_to_date", extra={"corpus_hash": digest, "guides": guides})
    return BuildResult(digest, build, rebuilt=False, content_revision=content_revision, scope_pending=scope_pending)


def _write_json(path: Path, data: object) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def _write_manifest(build: Path, manifest: dict[str, Any]) -> None:
    """Replace a build's manifest in one rename (readers see the old or the new one whole)."""
    tmp = build / f".{MANIFEST_FILE}-{os.getpid()}"
    _write_json(tmp, manifest)
    os.replace(tmp, build / MANIFEST_FILE)


def _publish(index_dir: Path, build: Path) -> None:
    """Swap the ``current`` link in one rename, so readers never see a half index."""
    link_tmp = index_dir / f".{CURRENT_LINK}-{os.getpid()}"
    link_tmp.unlink(missing_ok=True)
    link_tmp.symlink_to(build.relative_to(index_dir))
    os.replace(link_tmp, index_dir / CURRENT_LINK)


def _prune_builds(builds: Path, keep: Path, max_old: int = 2) -> None:
    """Keep the published build and a few recent ones (readers may still hold them)."""
    old = sorted(
        (p for p in builds.iterdir() if p.is_dir() and p != keep and not p.name.startswith(".")),
        key=lambda p: p.stat().st_mtime,
        reverse=True,
    )
    for path in old[max_old:]:
        shutil.rmtree(path, ignore_errors=True)
