"""Live in seconds, on the real stack: a guide published through the content store is in the next
answers within 10 s, and a municipality's new phone number in the gateway's municipality data."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
from psycopg import sql

from core.settings import Settings
from kb.content import SqlContentStore
from kb.content.engine import make_engine
from kb.prepare import ensure_index
from ops.bench.publish import marker, reply_text, with_sentence
from ops.ports import free_port
from ops.publishing import copy_published_index, publish_content
from tests.integration.conftest import ADMIN_POSTGRES_URL

pytestmark = pytest.mark.integration

LIVE_WITHIN_SECONDS = 10.0
QUESTION = "Hvad koster et pas til en voksen?"


@pytest.fixture(scope="module")
def shipped_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped guides indexed once for this module; each stack publishes into a copy of it."""
    var_dir = tmp_path_factory.mktemp("shipped")
    settings = Settings(var_dir=var_dir)
    ensure_index(settings)
    return settings.index_dir


@pytest.fixture
def content_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str | None]:
    """None (SQLite in the stack's var folder) or a fresh PostgreSQL database of this test alone."""
    if request.param == "sqlite":
        yield None
        return
    name = f"borgerbot_live_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(ADMIN_POSTGRES_URL, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    yield f"postgresql://postgres@127.0.0.1:5432/{name}"
    with psycopg.connect(ADMIN_POSTGRES_URL, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def chat(settings: Settings, message: str) -> dict[str, Any]:
    body = {"municipality": "kalundborg", "message": message}
    response = httpx.post(f"http://127.0.0.1:{settings.gateway_port}/api/v1/chat", json=body, timeout=60)
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()
    return data


def seconds_until(condition: Callable[[], bool], deadline: float) -> float:
    """Seconds until the condition holds, checked every 0.25 s; fails the test at the deadline."""
    started = time.monotonic()
    while not condition():
        waited = time.monotonic() - started
        assert waited < deadline, f"not live after {waited:.1f} s"
        time.sleep(0.25)
    return time.monotonic() - started


@pytest.mark.parametrize("content_database", ["sqlite", "postgresql"], indirect=True)
def test_published_guide_and_municipality_data_are_live_within_seconds(
    content_database: str | None, shipped_index: Path, tmp_path: Path, trained_model: Path, start_stack: Any
) -> None:
    settings = Settings(
        var_dir=tmp_path / "var",
        rasa_port=free_port(),
        action_port=free_port(),
        gateway_port=free_port(),
        database_url=content_database,
        # This test asks many times from one address.
        rate_limit_per_client=1_000,
    )
    copy_published_index(shipped_index, settings.index_dir)
    publish_content(settings)  # as make run: migrate, import kb/, publish
    start_stack(settings, trained_model)
    engine = make_engine(settings.gateway_database_url)
    store = SqlContentStore(engine)
    try:
        sources = [m["source"] for m in chat(settings, QUESTION)["messages"] if m["source"]]
        guide_id = sources[-1]["guide_id"]
        record = store.record(guide_id)
        assert record is not None and record.published_version is not None
        published = store.version(guide_id, record.published_version)
        assert published is not None
        sentence = marker()
        assert sentence not in reply_text(chat(settings, QUESTION))

        store.save(with_sentence(published.source, sentence), "test", record.latest_version, publish=True)
        waited = seconds_until(lambda: sentence in reply_text(chat(settings, QUESTION)), LIVE_WITHIN_SECONDS)
        assert waited < LIVE_WITHIN_SECONDS

        municipality = store.municipality("kalundborg")
        assert municipality is not None
        url = f"http://127.0.0.1:{settings.gateway_port}/api/v1/municipalities/kalundborg"
        assert httpx.get(url, timeout=10).json()["phone"] != "12 34 56 78"
        changed = municipality.data.model_copy(update={"phone": "12 34 56 78"})
        store.save_municipality(changed, "test", municipality.version)
        seconds_until(lambda: httpx.get(url, timeout=10).json()["phone"] == "12 34 56 78", LIVE_WITHIN_SECONDS)
    finally:
        engine.dispose()
