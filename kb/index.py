"""Build and publish the guide index: idempotent, content-addressed, atomic, incremental.

Layout under the index folder::

    builds/<hash>/manifest.json   format, embedding model, corpus hash, counts
    builds/<hash>/vectors.faiss   IndexIDMap2(IndexFlatIP): one vector per chunk, id = chunk hash
    builds/<hash>/chunks.json     chunk id -> guide version (content hash) and kind
    builds/<hash>/guides.json     guide version -> what an answer shows (its passages), plus lexical tokens
    builds/<hash>/fees.json       the fee table the passages' {{gebyr:id}} are filled from (kb.fees)
    builds/<hash>/scope*.{json,npy} the in-scope classifier (see kb.scope), when scope examples are given
    current -> builds/<hash>      swapped in one rename when a build is complete

A build whose corpus hash and model match ``current`` is skipped. Otherwise the
published build is copied, chunks of removed or changed guides are deleted, and
only new chunks are embedded, so editing one guide re-embeds that guide alone.
An index made with another model or format is rebuilt, never silently used.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import faiss
import numpy as np

from kb.chunks import Chunk, chunk_id, guide_chunks, guide_passages
from kb.embedder import Embedder
from kb.fees import Fee
from kb.normalize import char_ngrams, tokenize
from kb.schema import Guide
from kb.scope import ScopeExamples, ScopeModel, train_scope_model
from kb.store import GuideStore

logger = logging.getLogger(__name__)

INDEX_FORMAT = "borgerbot-hybrid-4"
# The files of one published index folder; kb.search reads them by these names.
VECTORS_FILE = "vectors.faiss"
CHUNKS_FILE = "chunks.json"
FEES_BUILD_FILE = "fees.json"
GUIDES_FILE = "guides.json"
MANIFEST_FILE = "manifest.json"


@dataclass(frozen=True)
class BuildResult:
    corpus_hash: str
    path: Path
    rebuilt: bool
    embedded_chunks: int = 0
    reused_chunks: int = 0
    removed_chunks: int = 0


def fees_json(fees: dict[str, Fee]) -> dict[str, Any]:
    """The fee table as the build stores it (and its hash covers)."""
    return {fee_id: fee.model_dump(mode="json") for fee_id, fee in sorted(fees.items())}


def corpus_hash(
    guides: list[Guide], model_id: str, scope_fingerprint: str = "", fees: dict[str, Fee] | None = None
) -> str:
    """Hash of the corpus, fees, model and scope examples: equal exactly when the index would be equal."""
    fee_text = json.dumps(fees_json(fees or {}), sort_keys=True)
    digest = hashlib.sha256(f"{INDEX_FORMAT}\0{model_id}\0{scope_fingerprint}\0{fee_text}".encode())
    for content_hash in sorted(g.content_hash for g in guides):
        digest.update(content_hash.encode())
    return digest.hexdigest()


def guide_record(guide: Guide) -> dict[str, Any]:
    """What search returns for one guide version, and the tokens the lexical ranker indexes."""
    return {
        "guide_id": guide.id,
        "title": guide.title,
        "topic": guide.topic,
        "scope": guide.scope,
        "short_answer": guide.short_answer,
        # What the bot may reply with: the short answer first, then each section, by its chunk.
        "passages": [
            {"heading": p.heading, "text": p.text, "chunk": chunk_id(guide.content_hash, *p.chunk(guide))}
            for p in guide_passages(guide)
        ],
        "links": [link.model_dump(mode="json") for link in guide.links],
        "sources": [str(url) for url in guide.sources],
        "last_reviewed": guide.last_reviewed.isoformat(),
        "tokens": tokenize(guide.search_text()),
        "char_ngrams": char_ngrams(guide.search_text()),
    }


def read_manifest(index_dir: Path) -> dict[str, Any] | None:
    """The manifest of the published index, or None when there is none usable."""
    try:
        manifest = json.loads((index_dir / "current" / MANIFEST_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return manifest if isinstance(manifest, dict) else None


def is_current(index_dir: Path, expected_hash: str, model_id: str) -> bool:
    manifest = read_manifest(index_dir)
    return bool(
        manifest
        and manifest.get("format") == INDEX_FORMAT
        and manifest.get("model_id") == model_id
        and manifest.get("corpus_hash") == expected_hash
        and (index_dir / "current" / VECTORS_FILE).exists()
    )


def _reusable_base(index_dir: Path, model_id: str, dim: int) -> tuple[faiss.Index, set[int]] | None:
    """The published vectors, if they were made by the same model and format."""
    manifest = read_manifest(index_dir)
    if not manifest or manifest.get("format") != INDEX_FORMAT or manifest.get("model_id") != model_id:
        return None
    try:
        vectors = faiss.read_index(str(index_dir / "current" / VECTORS_FILE))
        chunks = json.loads((index_dir / "current" / CHUNKS_FILE).read_text(encoding="utf-8"))
    except (OSError, RuntimeError, ValueError):
        logger.warning("kb.index.base_unreadable", extra={"index_dir": str(index_dir)})
        return None
    if vectors.d != dim or vectors.ntotal != len(chunks):
        return None
    return vectors, {int(c) for c in chunks}


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


def _scope_model(index_dir: Path, examples: ScopeExamples, embedder: Embedder) -> ScopeModel:
    """The published scope classifier when its examples are unchanged, else a new one."""
    published = ScopeModel.load(index_dir / "current")
    manifest = read_manifest(index_dir) or {}
    if published and published.fingerprint == examples.fingerprint() and manifest.get("model_id") == embedder.model_id:
        return published
    return train_scope_model(examples, embedder)


def build_index(
    store: GuideStore,
    index_dir: Path,
    embedder: Embedder,
    scope: ScopeExamples | None = None,
    fees: dict[str, Fee] | None = None,
) -> BuildResult:
    """Publish an index of the store's guides, fees (and scope classifier), unless an identical one is current."""
    guides = store.list_guides()
    digest = corpus_hash(guides, embedder.model_id, scope.fingerprint() if scope else "", fees)
    final = index_dir / "builds" / digest[:16]
    if is_current(index_dir, digest, embedder.model_id):
        logger.info("kb.index.up_to_date", extra={"corpus_hash": digest, "guides": len(guides)})
        return BuildResult(digest, final, rebuilt=False)

    wanted = {c.id: c for g in guides for c in guide_chunks(g)}
    base = _reusable_base(index_dir, embedder.model_id, embedder.dim)
    if base is None:
        vectors: faiss.Index = faiss.IndexIDMap2(faiss.IndexFlatIP(embedder.dim))
        present: set[int] = set()
    else:
        vectors, present = base
    obsolete = sorted(present - wanted.keys())
    if obsolete:
        # faiss's Python layer accepts an id array here; its stubs only know IDSelector.
        vectors.remove_ids(np.asarray(obsolete, dtype=np.int64))  # type: ignore[arg-type]
    new_chunks = [wanted[i] for i in sorted(wanted.keys() - present)]
    if new_chunks:
        vectors.add_with_ids(_embed(embedder, new_chunks), np.asarray([c.id for c in new_chunks], dtype=np.int64))

    scope_model = _scope_model(index_dir, scope, embedder) if scope else None
    builds = index_dir / "builds"
    builds.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=builds))
    try:
        faiss.write_index(vectors, str(staging / VECTORS_FILE))
        if scope_model is not None:
            scope_model.save(staging)
        chunk_map = {str(i): {"guide": c.guide_content_id, "kind": c.kind} for i, c in sorted(wanted.items())}
        _write_json(staging / CHUNKS_FILE, chunk_map)
        _write_json(staging / GUIDES_FILE, {g.content_hash: guide_record(g) for g in guides})
        _write_json(staging / FEES_BUILD_FILE, fees_json(fees or {}))
        manifest = {
            "format": INDEX_FORMAT,
            "model_id": embedder.model_id,
            "dim": embedder.dim,
            "corpus_hash": digest,
            "guides": len(guides),
            "chunks": len(wanted),
            "scope_fingerprint": scope_model.fingerprint if scope_model else None,
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
        digest,
        final,
        rebuilt=True,
        embedded_chunks=len(new_chunks),
        reused_chunks=len(wanted) - len(new_chunks),
        removed_chunks=len(obsolete),
    )
    logger.info(
        "kb.index.built",
        extra={
            "corpus_hash": digest,
            "guides": len(guides),
            "embedded_chunks": result.embedded_chunks,
            "reused_chunks": result.reused_chunks,
            "removed_chunks": result.removed_chunks,
        },
    )
    return result


def _write_json(path: Path, data: object) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def _publish(index_dir: Path, build: Path) -> None:
    """Swap the ``current`` link in one rename, so readers never see a half index."""
    link_tmp = index_dir / f".current-{os.getpid()}"
    link_tmp.unlink(missing_ok=True)
    link_tmp.symlink_to(build.relative_to(index_dir))
    os.replace(link_tmp, index_dir / "current")


def _prune_builds(builds: Path, keep: Path, max_old: int = 2) -> None:
    """Keep the published build and a few recent ones (readers may still hold them)."""
    old = sorted(
        (p for p in builds.iterdir() if p.is_dir() and p != keep and not p.name.startswith(".")),
        key=lambda p: p.stat().st_mtime,
        reverse=True,
    )
    for path in old[max_old:]:
        shutil.rmtree(path, ignore_errors=True)
