"""The scope classifier a build gets, and its examples' query vectors kept in the build by text hash.

Editing one guide's questions changes the scope examples; without this the scope
classifier (kb.scope) would embed all ~1,600 examples again (about 11 s on 2 cores).
With it, training embeds only the examples that are new.
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from kb.embedder import Embedder, Vectors
from kb.layout import same_format_and_model
from kb.scope import NEGATIVES_FILE, POSITIVES_FILE, SCOPE_FILE, ScopeExamples, ScopeModel, train_scope_model

logger = logging.getLogger(__name__)

# The text hash of each row of the scope model's example vectors (positives, then negatives).
SCOPE_KEYS_FILE = "scope-keys.json"
SCOPE_FILES = (SCOPE_FILE, POSITIVES_FILE, NEGATIVES_FILE, SCOPE_KEYS_FILE)


def text_key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def save_scope(model: ScopeModel, examples: ScopeExamples, folder: Path) -> None:
    """The classifier and the hash of the example behind each of its vectors."""
    model.save(folder)
    keys = {"in": [text_key(t) for t in examples.in_scope], "out": [text_key(t) for t in examples.out_of_scope]}
    (folder / SCOPE_KEYS_FILE).write_text(json.dumps(keys), encoding="utf-8")


def copy_scope(source: Path, folder: Path) -> None:
    """A build's scope files as they are (the classifier is reused, not retrained)."""
    for name in SCOPE_FILES:
        if (source / name).exists():
            shutil.copyfile(source / name, folder / name)


def cached_vectors(build: Path | None) -> dict[str, Vectors]:
    """Example vectors by text hash from a build's scope files; empty when it has none."""
    if build is None:
        return {}
    model = ScopeModel.load(build)
    try:
        keys = json.loads((build / SCOPE_KEYS_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if model is None or len(keys["in"]) != len(model.positives) or len(keys["out"]) != len(model.negatives):
        return {}
    rows = np.vstack([model.positives, model.negatives])
    return dict(zip([*keys["in"], *keys["out"]], rows, strict=True))


class CachedQueryEmbedder:
    """An embedder that takes query vectors from a cache where it has them and embeds the rest."""

    def __init__(self, embedder: Embedder, cache: dict[str, Vectors]) -> None:
        self.embedder = embedder
        self.cache = dict(cache)
        self.embedded = 0

    @property
    def model_id(self) -> str:
        return self.embedder.model_id

    @property
    def dim(self) -> int:
        return self.embedder.dim

    def embed_queries(self, texts: Sequence[str]) -> Vectors:
        keys = [text_key(t) for t in texts]
        missing = list({k: t for k, t in zip(keys, texts, strict=True) if k not in self.cache}.items())
        if missing:
            fresh = self.embedder.embed_queries([t for _, t in missing])
            self.cache.update((k, row) for (k, _), row in zip(missing, fresh, strict=True))
            self.embedded += len(missing)
        if not keys:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.ascontiguousarray(np.vstack([self.cache[k] for k in keys]), dtype=np.float32)

    def embed_passages(self, texts: Sequence[str]) -> Vectors:
        return self.embedder.embed_passages(texts)


def train_with_cache(examples: ScopeExamples, embedder: Embedder, base: Path | None) -> ScopeModel:
    """A scope classifier for the examples, embedding only those the base build's classifier lacks."""
    usable = base if same_format_and_model(base, embedder.model_id) else None
    cached = CachedQueryEmbedder(embedder, cached_vectors(usable))
    model = train_scope_model(examples, cached)
    logger.info(
        "kb.scope.trained",
        extra={"examples": len(examples.in_scope) + len(examples.out_of_scope), "embedded": cached.embedded},
    )
    return model


@dataclass(frozen=True)
class BuildScope:
    """The classifier a build gets, the build its files are copied from, and whether it is behind the examples."""

    model: ScopeModel | None
    copy_from: Path | None = None
    pending: bool = False

    @property
    def fingerprint(self) -> str:
        return self.model.fingerprint if self.model else ""

    def write(self, examples: ScopeExamples | None, folder: Path) -> None:
        if self.copy_from is not None:
            copy_scope(self.copy_from, folder)
        elif self.model is not None and examples is not None:
            save_scope(self.model, examples, folder)


def choose_scope(
    examples: ScopeExamples | None,
    base: Path | None,
    embedder: Embedder,
    trained: ScopeModel | None = None,
    defer_training: bool = False,
) -> BuildScope:
    """The base build's classifier when its examples are unchanged (or training is deferred), else a new one.

    ``trained``: a classifier already trained for these examples (outside the build lock).
    """
    if examples is None:
        return BuildScope(None)
    wanted = examples.fingerprint()
    if trained is not None and trained.fingerprint == wanted:
        return BuildScope(trained)
    usable = base if same_format_and_model(base, embedder.model_id) else None
    published = ScopeModel.load(usable) if usable is not None else None
    if published is not None and published.fingerprint == wanted:
        return BuildScope(published, copy_from=usable)
    if published is not None and defer_training:
        return BuildScope(published, copy_from=usable, pending=True)
    return BuildScope(train_with_cache(examples, embedder, base))
