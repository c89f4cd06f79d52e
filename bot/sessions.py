"""Conversation sessions the gateway has issued, and their transcripts, kept in the database.

The transcript holds what the widget shows (masked citizen text, the bot's messages with
buttons and links), so a reload or a new page on the site shows the conversation again.
"""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import (
    JSON,
    Column,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    create_engine,
    delete,
    insert,
    select,
    update,
)
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DBAPIError

metadata = MetaData()
sessions_table = Table(
    "borgerbot_sessions",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("municipality", String(64), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("last_seen_at", DateTime(timezone=True), nullable=False),
)
messages_table = Table(
    "borgerbot_messages",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("session_id", String(32), nullable=False, index=True),
    Column("role", String(8), nullable=False),  # "citizen" or "bot"
    Column("body", JSON, nullable=False),  # text (masked), buttons, links, source, lang
    Column("created_at", DateTime(timezone=True), nullable=False),
)


@dataclass(frozen=True)
class Session:
    id: str
    municipality: str


class SessionStore(Protocol):
    def create(self, municipality: str) -> Session: ...

    def get(self, session_id: str) -> Session | None: ...

    def append(self, session_id: str, entries: list[tuple[str, dict[str, Any]]]) -> None:
        """Add (role, message) entries to the transcript, in order, and mark the session active (one transaction)."""
        ...

    def history(self, session_id: str) -> list[tuple[str, dict[str, Any]]]:
        """The transcript as (role, message), oldest first."""
        ...

    def forget_before(self, cutoff: datetime) -> int:
        """Delete conversations idle since before cutoff, transcript and all; how many."""
        ...


def create_tables(engine: Engine) -> None:
    """Make the session tables if missing. Gateways starting at once on a new PostgreSQL database race
    to make them and all but one fail (UniqueViolation on the type): they find them made on the retry."""
    try:
        metadata.create_all(engine)
    except DBAPIError:
        metadata.create_all(engine)


def make_engine(url: str) -> Engine:
    """An engine for the gateway database; creates the SQLite folder when needed."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database:
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    return create_engine(parsed, pool_pre_ping=True)


class SqlSessionStore:
    """Sessions in SQLite (embedded default) or PostgreSQL (production)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        create_tables(engine)

    def create(self, municipality: str) -> Session:
        now = datetime.now(UTC)
        session = Session(id=uuid.uuid4().hex, municipality=municipality)
        with self.engine.begin() as conn:
            conn.execute(
                insert(sessions_table).values(
                    id=session.id, municipality=municipality, created_at=now, last_seen_at=now
                )
            )
        return session

    def get(self, session_id: str) -> Session | None:
        with self.engine.connect() as conn:
            row = conn.execute(
                select(sessions_table.c.id, sessions_table.c.municipality).where(sessions_table.c.id == session_id)
            ).first()
        return Session(id=row.id, municipality=row.municipality) if row else None

    def append(self, session_id: str, entries: list[tuple[str, dict[str, Any]]]) -> None:
        now = datetime.now(UTC)
        rows = [{"session_id": session_id, "role": role, "body": body, "created_at": now} for role, body in entries]
        with self.engine.begin() as conn:
            conn.execute(insert(messages_table), rows)
            conn.execute(update(sessions_table).where(sessions_table.c.id == session_id).values(last_seen_at=now))

    def history(self, session_id: str) -> list[tuple[str, dict[str, Any]]]:
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(messages_table.c.role, messages_table.c.body)
                .where(messages_table.c.session_id == session_id)
                .order_by(messages_table.c.id)
            ).all()
        return [(row.role, row.body) for row in rows]

    def forget_before(self, cutoff: datetime) -> int:
        idle = select(sessions_table.c.id).where(sessions_table.c.last_seen_at < cutoff)
        with self.engine.begin() as conn:
            conn.execute(delete(messages_table).where(messages_table.c.session_id.in_(idle)))
            return int(conn.execute(delete(sessions_table).where(sessions_table.c.last_seen_at < cutoff)).rowcount)


def languages_redirected(engine: Engine, since: datetime) -> Counter[str]:
    """Messages answered in another language since a time, by language: the gateway's own
    replies to citizens who did not write Danish, which never reach Rasa's tracker store."""
    with engine.connect() as conn:
        bodies = conn.execute(
            select(messages_table.c.body).where(messages_table.c.role == "bot", messages_table.c.created_at >= since)
        ).scalars()
        return Counter(str(body["lang"]) for body in bodies if isinstance(body, dict) and body.get("lang"))
