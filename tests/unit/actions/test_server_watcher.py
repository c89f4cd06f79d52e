"""The action server watches the content database only when it has the content tables."""

from __future__ import annotations

import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from actions import server
from core.settings import Settings, get_settings
from kb.content import SqlContentStore
from kb.content.engine import make_engine
from kb.publish import published_revision
from ops.database import upgrade
from tests.fakes import FakeEmbedder
from tests.unit.kb.test_publish import NLU


@pytest.fixture
def watched(settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Settings with a small NLU folder (the scope classifier trains in a blink) and a fake embedder."""
    nlu = tmp_path / "project" / "data" / "nlu"
    nlu.mkdir(parents=True)
    (nlu / "nlu.yml").write_text(NLU, encoding="utf-8")
    monkeypatch.setenv("BORGERBOT_PROJECT_ROOT", str(tmp_path / "project"))
    get_settings.cache_clear()
    monkeypatch.setattr(server, "guide_search", lambda: SimpleNamespace(embedder=FakeEmbedder()))
    return get_settings()


def test_no_content_tables_no_watcher(watched: Settings, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level("INFO")
    assert server.start_index_watcher() is None
    assert "actions.index_watcher.no_content_tables" in caplog.messages


def test_a_migrated_database_is_watched_and_published(watched: Settings) -> None:
    upgrade(watched.gateway_database_url)
    engine = make_engine(watched.gateway_database_url)
    try:
        revision = SqlContentStore(engine).revision()
    finally:
        engine.dispose()
    watcher = server.start_index_watcher()
    assert watcher is not None
    try:
        deadline = time.monotonic() + 30
        while published_revision(watched.index_dir) != revision:
            assert time.monotonic() < deadline, "the watcher did not publish"
            time.sleep(0.05)
    finally:
        watcher.stop()
