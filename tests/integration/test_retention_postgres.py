"""Retention on the real PostgreSQL server, laid out as in production: the app database (migrated by
ops.database.upgrade) also holds Rasa's tracker store; the SQL event broker has a database of its own."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator

import psycopg
import pytest
from psycopg import sql

from bot.analytics.retention import CONVERSATION_DELETE, apply_retention, delete_conversation
from kb.content.audit import entries
from kb.content.engine import make_engine
from ops.database import upgrade
from tests.unit.bot.analytics.conversations import (
    NOW,
    QUESTION,
    RETENTION,
    Databases,
    conversation_id,
    due_ids,
    left,
    municipalities,
    seed_scenario,
)

pytestmark = pytest.mark.integration

SERVER_URL = "postgresql://127.0.0.1:5432/test"


def _database(name: str, create: bool) -> None:
    statement = "CREATE DATABASE {}" if create else "DROP DATABASE IF EXISTS {} WITH (FORCE)"
    with psycopg.connect(SERVER_URL, autocommit=True) as conn:
        conn.execute(sql.SQL(statement).format(sql.Identifier(name)))


@pytest.fixture
def db() -> Iterator[Databases]:
    """Two new, uniquely named databases (app with tracker, broker), dropped afterwards."""
    suffix = uuid.uuid4().hex[:8]
    names = [f"borgerbot_retention_{suffix}", f"borgerbot_retention_events_{suffix}"]
    for name in names:
        _database(name, create=True)
    base = SERVER_URL.rsplit("/", 1)[0]
    try:
        upgrade(f"{base}/{names[0]}")
        app = make_engine(f"{base}/{names[0]}")
        databases = Databases(app=app, tracker=app, broker=make_engine(f"{base}/{names[1]}"))
        databases.prepare()
        yield databases
        app.dispose()
        databases.broker.dispose()
    finally:
        for name in names:
            _database(name, create=False)


def test_exactly_what_is_due_is_deleted_from_every_store(db: Databases, caplog: pytest.LogCaptureFixture) -> None:
    keep = seed_scenario(db)
    every_id = set().union(*left(db).values())
    with caplog.at_level(logging.INFO, logger="bot.analytics"):
        report = apply_retention(db.stores(), municipalities(RETENTION), NOW)
    assert left(db) == keep
    assert not due_ids() & set().union(*left(db).values())
    assert report.due == {"hoeje-taastrup": 1, "kalundborg": 2, "unknown": 1}
    assert report.rows == {"tracker": 6, "broker": 6, "analytics": 3, "gateway": 6}
    assert report.failed == ()
    text = "\n".join(str(record.__dict__) for record in caplog.records)
    assert "retention.deleted" in text and QUESTION not in text
    assert not any(cid in text for cid in every_id)


def test_a_conversation_is_deleted_everywhere_on_request_and_audited(db: Databases) -> None:
    seed_scenario(db)
    before = left(db)
    target = conversation_id("taastrup-kept")
    rows = delete_conversation(db.stores(), target, "admin", db.app)
    assert rows == {"tracker": 2, "broker": 2, "analytics": 1, "gateway": 3}
    assert left(db) == {table: ids - {target} for table, ids in before.items()}
    [entry] = entries(db.app)
    assert (entry.action, entry.target, entry.municipality) == (CONVERSATION_DELETE, target, "hoeje-taastrup")
