"""The staff tables (`admin_users`, `admin_sessions`, docs/admin.md "Data") and the `StaffUser` a row becomes.

The schema is made by the Alembic revisions in `ops/migrations`; these definitions are what the
code reads and writes, and must match them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeAlias

from sqlalchemy import Boolean, Column, ForeignKey, Integer, MetaData, Row, String, Table

from bot.admin.roles import Role
from kb.content.tables import UtcDateTime

metadata = MetaData()
users_table = Table(
    "admin_users",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("username", String(64), nullable=False, unique=True),
    Column("full_name", String(200), nullable=False),
    Column("password_hash", String(255), nullable=False),
    Column("role", String(32), nullable=False),
    Column("municipality", String(64), nullable=True),
    Column("failed_logins", Integer, nullable=False, default=0),
    Column("locked_until", UtcDateTime, nullable=True),
    Column("active", Boolean, nullable=False, default=True),
    Column("created_at", UtcDateTime, nullable=False),
)
sessions_table = Table(
    "admin_sessions",
    metadata,
    # sha256 (hex) of the cookie's value: the value itself is never stored.
    Column("token_hash", String(64), primary_key=True),
    Column("user_id", Integer, ForeignKey("admin_users.id"), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
    Column("last_seen_at", UtcDateTime, nullable=False),
)


# A row of any columns (SQLAlchemy 2.1 types a Row by its columns).
AnyRow: TypeAlias = Row[*tuple[Any, ...]]


@dataclass(frozen=True)
class StaffUser:
    """A staff account as the pages and the permission rules see it (no password hash)."""

    id: int
    username: str
    full_name: str
    role: Role
    municipality: str | None
    active: bool
    locked_until: datetime | None = None  # the end of a lockout (possibly past already), else None


# The columns a StaffUser is read from.
USER_COLUMNS = (
    users_table.c.id,
    users_table.c.username,
    users_table.c.full_name,
    users_table.c.role,
    users_table.c.municipality,
    users_table.c.active,
    users_table.c.locked_until,
)


def staff_user(row: AnyRow) -> StaffUser:
    """The StaffUser of a row selected with at least USER_COLUMNS."""
    return StaffUser(
        id=row.id,
        username=row.username,
        full_name=row.full_name,
        role=Role(row.role),
        municipality=row.municipality,
        active=bool(row.active),
        locked_until=row.locked_until,
    )
