"""The content database's tables: guides with their versions, municipality data, the published
revision and the audit log, on one ``MetaData`` (docs/admin.md, "Data").

The schema itself is made by the Alembic revisions in ``ops/migrations``; these definitions are
what the code reads and writes, and must match them.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    Date,
    DateTime,
    Dialect,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
)


class UtcDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC datetime on every backend: SQLite keeps no offset, so one is put back on read."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("only timezone-aware datetimes are stored")
        return value.astimezone(UTC)

    def process_result_value(self, value: Any | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


# The content_state row bumped whenever what citizens see changes.
PUBLISHED_STATE = "published"

metadata = MetaData()

guides_table = Table(
    "content_guides",
    metadata,
    Column("id", String(100), primary_key=True),
    # The guide's scope: "national" or a municipality slug.
    Column("municipality", String(64), nullable=False, index=True),
    Column("topic", String(32), nullable=False),
    Column("title", String(300), nullable=False),
    Column("owner", String(200), nullable=False),
    Column("last_reviewed", Date, nullable=False),
    Column("latest_version", Integer, nullable=False),
    Column("published_version", Integer, nullable=True),
    Column("retired_at", UtcDateTime, nullable=True),
    Column("updated_at", UtcDateTime, nullable=False),
    Column("updated_by", String(64), nullable=False),
)

guide_versions_table = Table(
    "content_guide_versions",
    metadata,
    Column("guide_id", String(100), ForeignKey("content_guides.id"), primary_key=True),
    Column("number", Integer, primary_key=True),
    Column("source", Text, nullable=False),
    Column("content_hash", String(64), nullable=False),
    Column("author", String(64), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("note", String(200), nullable=False),
)

municipalities_table = Table(
    "content_municipalities",
    metadata,
    Column("slug", String(64), primary_key=True),
    Column("data", JSON, nullable=False),
    Column("version", Integer, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Column("updated_by", String(64), nullable=False),
)

municipality_versions_table = Table(
    "content_municipality_versions",
    metadata,
    Column("slug", String(64), ForeignKey("content_municipalities.slug"), primary_key=True),
    Column("number", Integer, primary_key=True),
    Column("data", JSON, nullable=False),
    Column("author", String(64), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
)

state_table = Table(
    "content_state",
    metadata,
    Column("key", String(32), primary_key=True),
    Column("revision", Integer, nullable=False),
)

audit_table = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", UtcDateTime, nullable=False, index=True),
    Column("actor", String(64), nullable=False),
    Column("action", String(64), nullable=False),
    Column("target", String(200), nullable=False),
    Column("municipality", String(64), nullable=True),
    Column("details", JSON, nullable=True),
)
