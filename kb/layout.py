"""The published index folder's layout: its file names, its format and the ``current`` link.

Kept free of numpy and faiss, so the gateway can read a build's municipality data
(kb.live) without loading the search's libraries.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

INDEX_FORMAT = "borgerbot-hybrid-4"
CURRENT_LINK = "current"
BUILDS_DIR = "builds"
LOCK_FILE = ".build.lock"
# The files of one build; kb.index writes them, kb.search and kb.live read them by these names.
VECTORS_FILE = "vectors.faiss"
CHUNKS_FILE = "chunks.json"
FEES_BUILD_FILE = "fees.json"
GUIDES_FILE = "guides.json"
MANIFEST_FILE = "manifest.json"
MUNICIPALITIES_FILE = "municipalities.json"


def current_target(index_dir: Path) -> str | None:
    """Where ``current`` points (relative to the index folder), or None when nothing is published."""
    try:
        return os.readlink(index_dir / CURRENT_LINK)
    except OSError:
        return None


def current_build(index_dir: Path) -> Path | None:
    """The published build's folder, resolved once, so every file is read from the same build."""
    target = current_target(index_dir)
    return index_dir / target if target is not None else None


def read_build_manifest(build: Path) -> dict[str, Any] | None:
    """One build's manifest, or None when it has none usable."""
    try:
        manifest = json.loads((build / MANIFEST_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return manifest if isinstance(manifest, dict) else None


def read_manifest(index_dir: Path) -> dict[str, Any] | None:
    """The manifest of the published index, or None when there is none usable."""
    build = current_build(index_dir)
    return read_build_manifest(build) if build is not None else None


def same_format_and_model(build: Path | None, model_id: str) -> bool:
    """Whether a build was made in this format by this embedding model (else nothing of it is reused)."""
    manifest = read_build_manifest(build) if build is not None else None
    return bool(manifest and manifest.get("format") == INDEX_FORMAT and manifest.get("model_id") == model_id)
