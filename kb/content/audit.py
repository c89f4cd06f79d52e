"""The audit log: who did what to which guide, municipality or account, and when.

A row is written in the same transaction as the change it records, so the log never claims a
change that was rolled back nor misses one that was made. Details never hold passwords or citizen text.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, insert, select

from kb.content.tables import audit_table

# The content store's actions (dotted; the staff admin adds its own, such as "login.failed").
GUIDE_CREATE = "guide.create"
GUIDE_SAVE_DRAFT = "guide.save_draft"
GUIDE_ROLLBACK = "guide.rollback"
GUIDE_PUBLISH = "guide.publish"
GUIDE_RETIRE = "guide.retire"
GUIDE_RESTORE = "guide.restore"
MUNICIPALITY_SAVE = "municipality.save"
CONTENT_IMPORT = "content.import"


@dataclass(frozen=True)
class AuditEntry:
    """One audit row. ``municipality`` is the guide's scope ("national" or a slug), a slug, or None."""

    id: int
    at: datetime
    actor: str
    action: str
    target: str
    municipality: str | None
    details: dict[str, Any] | None


def record(
    conn: Connection,
    actor: str,
    action: str,
    target: str,
    municipality: str | None = None,
    details: dict[str, Any] | None = None,
) -> None:
    """Write one audit row on the caller's connection, inside the caller's transaction."""
    conn.execute(
        insert(audit_table).values(
            at=datetime.now(UTC),
            actor=actor,
            action=action,
            target=target,
            municipality=municipality,
            details=details,
        )
    )


def entries(engine: Engine, limit: int = 100, municipality: str | None = None) -> list[AuditEntry]:
    """The newest ``limit`` rows, newest first; only one municipality's when given."""
    query = select(audit_table).order_by(audit_table.c.id.desc()).limit(limit)
    if municipality is not None:
        query = query.where(audit_table.c.municipality == municipality)
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    return [
        AuditEntry(
            id=row.id,
            at=row.at,
            actor=row.actor,
            action=row.action,
            target=row.target,
            municipality=row.municipality,
            details=row.details,
        )
        for row in rows
    ]
