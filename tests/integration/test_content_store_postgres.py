"""The content store's contract on the real PostgreSQL server: a fresh database for the session,
migrated by ops.database.upgrade, emptied before every test."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator

import psycopg
import pytest
from psycopg import sql
from sqlalchemy import Engine, text

from kb.content.engine import make_engine
from kb.content.store import SqlContentStore
from kb.content.tables import PUBLISHED_STATE, metadata
from ops.database import upgrade
from tests.unit.kb.content.store_contract import *  # noqa: F403  (the contract's tests, run here)
from tests.unit.kb.content.store_contract import municipality

pytestmark = pytest.mark.integration

SERVER_URL = "postgresql://127.0.0.1:5432/test"


@pytest.fixture(scope="session")
def content_database_url() -> Iterator[str]:
    """A new, uniquely named database on the local server, migrated to head; dropped afterwards."""
    name = f"borgerbot_content_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(SERVER_URL, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    url = SERVER_URL.rsplit("/", 1)[0] + f"/{name}"
    upgrade(url)
    yield url
    with psycopg.connect(SERVER_URL, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@pytest.fixture(scope="session")
def content_engine(content_database_url: str) -> Iterator[Engine]:
    engine = make_engine(content_database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def store(content_engine: Engine) -> SqlContentStore:
    """An empty store: every content row removed, the published revision back at 0."""
    content = ", ".join(table.name for table in metadata.sorted_tables)
    with content_engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {content} RESTART IDENTITY CASCADE"))
        conn.execute(text("INSERT INTO content_state (key, revision) VALUES (:key, 0)"), {"key": PUBLISHED_STATE})
    return SqlContentStore(content_engine)


def test_upgrading_again_is_harmless(content_database_url: str, store: SqlContentStore) -> None:
    store.save_municipality(municipality(), "anna", base_version=None)
    upgrade(content_database_url)
    upgrade(content_database_url)
    assert list(store.municipalities()) == ["kalundborg"] and store.revision() == 1


def test_two_processes_migrating_at_once_both_succeed() -> None:
    """The advisory lock: the second waits for the first, then finds the database at head."""
    name = f"borgerbot_migrate_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(SERVER_URL, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    url = SERVER_URL.rsplit("/", 1)[0] + f"/{name}"
    errors: list[BaseException] = []

    def migrate() -> None:
        try:
            upgrade(url)
        except BaseException as exc:
            errors.append(exc)

    try:
        threads = [threading.Thread(target=migrate) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        assert errors == []
        engine = make_engine(url)
        with engine.connect() as connection:
            assert connection.execute(text("SELECT revision FROM content_state")).scalar() == 0
        engine.dispose()
    finally:
        with psycopg.connect(SERVER_URL, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
