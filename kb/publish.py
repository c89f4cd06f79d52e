"""Publish what the content database publishes: build the index from it, and keep it built.

``publish_from_store`` builds the live guides, the municipality data, the fees and the scope
examples into the index folder under its build lock and records the store's revision in the
manifest. ``IndexWatcher`` does so whenever the store's revision is ahead of the published
build's, so a guide an editor publishes is in the citizen's next answer within seconds
(docs/admin.md, "Live in seconds"). ``draft_search`` is the same build for a draft, elsewhere.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from dataclasses import replace
from pathlib import Path
from typing import Protocol

from core.settings import Settings
from kb.confidence import Calibration
from kb.embedder import Embedder
from kb.fees import load_fees
from kb.index import BuildResult, build_index, build_lock
from kb.layout import current_build, read_manifest
from kb.municipalities import Municipality
from kb.prepare import scope_examples_for
from kb.schema import Guide
from kb.scope import ScopeExamples, ScopeModel
from kb.scope_cache import train_with_cache
from kb.search import GuideSearch
from kb.store import InMemoryGuideStore

logger = logging.getLogger(__name__)

# Trainings publish_from_store runs while the examples keep changing under it, before it gives up
# (the build stays published with the previous classifier; the watcher trains again).
SCOPE_ROUNDS = 3
# After a failed scope training, how long the watcher waits before it trains again.
TRAINING_RETRY_SECONDS = 60.0
# Longest pause between two checks while the database keeps failing.
MAX_RETRY_SECONDS = 30.0


class ContentSource(Protocol):
    """What the build reads from the content database (kb.content.SqlContentStore)."""

    def list_guides(self) -> list[Guide]: ...

    def municipalities(self) -> dict[str, Municipality]: ...

    def revision(self) -> int: ...


def publish_once(
    store: ContentSource, settings: Settings, embedder: Embedder, trained: ScopeModel | None = None
) -> tuple[BuildResult, ScopeExamples]:
    """One build of the store's live content under the build lock, and the scope examples it was for.

    A scope classifier is never trained here: when the examples changed and ``trained`` is not
    for them, the build keeps the published one and says ``scope_pending``.
    """
    with build_lock(settings.index_dir):
        # The revision before the content: a change saved in between is built on the next check, never skipped.
        revision = store.revision()
        guides = store.list_guides()
        # No municipality data in the database (not imported yet): the shipped files apply (kb.live).
        municipalities = store.municipalities() or None
        scope = scope_examples_for(guides, settings)
        result = build_index(
            InMemoryGuideStore(guides),
            settings.index_dir,
            embedder,
            scope,
            load_fees(settings.kb_dir),
            municipalities=municipalities,
            content_revision=revision,
            scope_model=trained,
            defer_scope_training=True,
        )
    return result, scope


def _log_rebuilt(result: BuildResult, seconds: float, live_seconds: float, scope_retrained: bool) -> None:
    if result.rebuilt:
        logger.info(
            "kb.publish.rebuilt",
            extra={
                "seconds": round(seconds, 2),
                "live_seconds": round(live_seconds, 2),
                "content_revision": result.content_revision,
                "embedded_chunks": result.embedded_chunks,
                "reused_chunks": result.reused_chunks,
                "removed_chunks": result.removed_chunks,
                "scope_pending": result.scope_pending,
                "scope_retrained": scope_retrained,
            },
        )


def publish_from_store(store: ContentSource, settings: Settings, embedder: Embedder) -> BuildResult:
    """Build and publish the store's live content, scope classifier included; cheap when it is published already.

    When the scope examples changed (a guide's questions), the change is published first with the
    current scope classifier, then again once one for the new examples is trained outside the lock.
    """
    started = time.monotonic()
    result, scope = publish_once(store, settings, embedder)
    live_seconds = time.monotonic() - started
    rounds, embedded, removed = 0, result.embedded_chunks, result.removed_chunks
    while result.scope_pending and rounds < SCOPE_ROUNDS:
        rounds += 1
        trained = train_with_cache(scope, embedder, current_build(settings.index_dir))
        result, scope = publish_once(store, settings, embedder, trained)
        embedded, removed = embedded + result.embedded_chunks, removed + result.removed_chunks
    if rounds:
        # Counted over the rounds: the first build embedded what changed, the next ones only the scope.
        chunks = result.embedded_chunks + result.reused_chunks
        result = replace(
            result, embedded_chunks=embedded, reused_chunks=max(chunks - embedded, 0), removed_chunks=removed
        )
    _log_rebuilt(result, time.monotonic() - started, live_seconds, rounds > 0)
    return result


def published_state(index_dir: Path) -> tuple[int | None, bool]:
    """The content revision the published build was made from (None: from the shipped files), and
    whether its scope classifier is behind the examples."""
    manifest = read_manifest(index_dir) or {}
    revision = manifest.get("content_revision")
    return (revision if isinstance(revision, int) else None), bool(manifest.get("scope_pending"))


def published_revision(index_dir: Path) -> int | None:
    """The content revision the published build was made from; None for a build from the shipped files."""
    return published_state(index_dir)[0]


class IndexWatcher:
    """A daemon thread that rebuilds the index whenever the store's revision differs from the published build's.

    A change is published at once; a scope classifier for changed questions is trained in a thread
    of its own and published when ready, so the next change never waits for a training.
    """

    def __init__(self, store: ContentSource, settings: Settings, embedder: Embedder, interval: float = 1.0) -> None:
        self.store = store
        self.settings = settings
        self.embedder = embedder
        self.interval = interval
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._training: threading.Thread | None = None
        self._trained: ScopeModel | None = None
        self._training_failed_at = -math.inf

    def check(self) -> BuildResult | None:
        """One comparison, and a build when the published index is behind (or ahead: a restored database)
        or a scope classifier it waits for is trained."""
        with self._lock:
            trained, self._trained = self._trained, None
        revision, scope_pending = published_state(self.settings.index_dir)
        # Nothing for the scope classifier to do now: none is behind, or one is in training (or just failed).
        scope_settled = not scope_pending or self._is_training() or self._training_failed_recently()
        if trained is None and scope_settled and self.store.revision() == revision:
            return None
        started = time.monotonic()
        result, scope = publish_once(self.store, self.settings, self.embedder, trained)
        _log_rebuilt(result, time.monotonic() - started, time.monotonic() - started, trained is not None)
        if result.scope_pending:
            self._train_in_background(scope)
        return result

    def _is_training(self) -> bool:
        return self._training is not None and self._training.is_alive()

    def _training_failed_recently(self) -> bool:
        return time.monotonic() - self._training_failed_at < TRAINING_RETRY_SECONDS

    def _train_in_background(self, scope: ScopeExamples) -> None:
        if self._is_training() or self._training_failed_recently():
            return
        base = current_build(self.settings.index_dir)

        def train() -> None:
            try:
                model = train_with_cache(scope, self.embedder, base)
            except Exception as exc:  # the published classifier stays; a later check tries again
                self._training_failed_at = time.monotonic()
                logger.error("kb.publish.scope_training_failed", extra={"error": f"{type(exc).__name__}: {exc}"})
                return
            with self._lock:
                self._trained = model

        self._training = threading.Thread(target=train, name="scope-training", daemon=True)
        self._training.start()

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="index-watcher", daemon=True)
        self._thread.start()
        logger.info("kb.publish.watching", extra={"interval": self.interval, "index_dir": str(self.settings.index_dir)})

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        for thread in (self._thread, self._training):
            if thread is not None:
                thread.join(timeout)

    def _run(self) -> None:
        pause = 0.0  # the first check at once: the database may have moved on while this process was down
        failures = 0
        while not self._stop.wait(pause):
            try:
                self.check()
            except Exception as exc:  # a database outage (or anything else) must not end the watching
                failures += 1
                logger.warning(
                    "kb.publish.watch_failed",
                    extra={"error": f"{type(exc).__name__}: {exc}", "failures": failures},
                    exc_info=failures == 1,
                )
                pause = min(self.interval * 2**failures, MAX_RETRY_SECONDS)
            else:
                if failures:
                    logger.info("kb.publish.watch_recovered", extra={"failures": failures})
                failures, pause = 0, self.interval


def draft_search(
    guides: list[Guide], settings: Settings, embedder: Embedder, calibration: Calibration, workdir: Path
) -> GuideSearch:
    """A search over the given guide set (a draft in place of its published version), built in ``workdir``.

    The published build's vectors are reused, so only the draft's chunks are embedded; its scope
    classifier too, even when the draft's questions differ (training one takes seconds).
    """
    with build_lock(workdir):
        build_index(
            InMemoryGuideStore(guides),
            workdir,
            embedder,
            scope_examples_for(guides, settings),
            load_fees(settings.kb_dir),
            base_dir=settings.index_dir,
            defer_scope_training=True,
        )
    return GuideSearch(workdir, embedder, calibration)
