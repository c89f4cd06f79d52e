"""The engine for the content database: SQLite (the embedded default) or PostgreSQL."""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url

logger = logging.getLogger(__name__)

# How long a SQLite writer waits for another process's write to finish before giving up.
SQLITE_BUSY_TIMEOUT_SECONDS = 30


def make_engine(url: str) -> Engine:
    """An engine for ``url``; plain postgresql:// URLs use psycopg 3, SQLite folders are created.

    SQLite gets foreign keys enforced, a busy timeout and write-ahead logging, so the gateway,
    the staff admin's command line and an index build can read and write the file at once.
    """
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "postgresql" and parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    if backend != "sqlite":
        return create_engine(parsed, pool_pre_ping=True)
    in_memory = parsed.database in (None, "", ":memory:")
    if not in_memory and parsed.database:
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(parsed, pool_pre_ping=True, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS})

    @event.listens_for(engine, "connect")
    def _configure_sqlite(dbapi_connection: Any, connection_record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_SECONDS * 1000}")
        if not in_memory and cursor.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            try:
                cursor.execute("PRAGMA journal_mode = WAL")  # persistent: set once per file
            except sqlite3.OperationalError:
                # Another connection holds a lock (switching waits for no one); WAL only lets readers
                # and a writer overlap, correctness never depends on it, and the next connection sets it.
                logger.debug("content.sqlite_wal_deferred", extra={"database": parsed.database})
        cursor.close()

    return engine
