"""The content database's engine: psycopg for PostgreSQL, and SQLite set up for several writers."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import insert, text
from sqlalchemy.exc import IntegrityError, StatementError

from kb.content.engine import SQLITE_BUSY_TIMEOUT_SECONDS, make_engine
from kb.content.tables import guide_versions_table, metadata


def test_sqlite_enforces_foreign_keys_waits_for_writers_and_logs_ahead(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'missing' / 'folder' / 'content.db'}")
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() == SQLITE_BUSY_TIMEOUT_SECONDS * 1000
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    assert (tmp_path / "missing" / "folder").is_dir()
    engine.dispose()


def test_a_version_of_a_missing_guide_is_refused(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'content.db'}")
    metadata.create_all(engine)
    row = {
        "guide_id": "pas-ukendt",
        "number": 1,
        "source": "x",
        "content_hash": "0" * 64,
        "author": "anna",
        "created_at": datetime.now(UTC),
        "note": "",
    }
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(insert(guide_versions_table).values(**row))
    engine.dispose()


def test_naive_datetimes_are_refused() -> None:
    engine = make_engine("sqlite://")
    metadata.create_all(engine)
    with pytest.raises(StatementError, match="timezone-aware"), engine.begin() as conn:
        conn.execute(text("PRAGMA foreign_keys = OFF"))
        conn.execute(
            insert(guide_versions_table).values(
                guide_id="pas", number=1, source="x", content_hash="0", author="a", created_at=datetime.now(), note=""
            )
        )
    engine.dispose()


@pytest.mark.parametrize(
    ("url", "driver"),
    [
        ("postgresql://user:secret@db.example:5432/borgerbot", "postgresql+psycopg"),
        ("postgresql+psycopg://user@db.example/borgerbot", "postgresql+psycopg"),
        ("sqlite://", "sqlite"),
    ],
)
def test_the_driver(url: str, driver: str) -> None:
    engine = make_engine(url)  # no connection is made until one is needed
    assert engine.url.drivername == driver
    engine.dispose()
