"""Reading and inserting guide rows on a caller's connection: the building blocks of ``SqlContentStore``'s
transactions (which add the audit rows and the revision bumps)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, exists, insert, select

from kb.content.errors import GuideNotFoundError
from kb.content.records import GuideVersion
from kb.content.tables import guide_versions_table, guides_table, municipalities_table
from kb.schema import Guide


def guide_columns(guide: Guide) -> dict[str, Any]:
    """The guide's metadata as content_guides keeps it (from its latest version)."""
    return {
        "municipality": guide.scope,
        "topic": guide.topic,
        "title": guide.title,
        "owner": guide.owner,
        "last_reviewed": guide.last_reviewed,
    }


def guide_row(conn: Connection, guide_id: str) -> Row[Any] | None:
    return conn.execute(select(guides_table).where(guides_table.c.id == guide_id)).first()


def existing_guide(conn: Connection, guide_id: str) -> Row[Any]:
    """The guide's row; GuideNotFoundError when there is none."""
    row = guide_row(conn, guide_id)
    if row is None:
        raise GuideNotFoundError(guide_id)
    return row


def version_row(conn: Connection, guide_id: str, number: int) -> Row[Any] | None:
    table = guide_versions_table
    return conn.execute(select(table).where(table.c.guide_id == guide_id, table.c.number == number)).first()


def taken_ids(conn: Connection, guide_ids: list[str]) -> list[str]:
    """Which of these ids have a guide already, sorted."""
    query = select(guides_table.c.id).where(guides_table.c.id.in_(guide_ids))
    return sorted(conn.execute(query).scalars())


def store_is_empty(conn: Connection) -> bool:
    anything = exists(select(guides_table.c.id)) | exists(select(municipalities_table.c.slug))
    return not conn.execute(select(anything)).scalar()


def insert_version(
    conn: Connection, guide: Guide, source: str, number: int, actor: str, note: str, now: datetime
) -> GuideVersion:
    version = GuideVersion(guide.id, number, source, guide.content_hash, actor, now, note)
    conn.execute(
        insert(guide_versions_table).values(
            guide_id=version.guide_id,
            number=version.number,
            source=version.source,
            content_hash=version.content_hash,
            author=version.author,
            created_at=version.created_at,
            note=version.note,
        )
    )
    return version


def insert_guide(
    conn: Connection, guide: Guide, source: str, actor: str, note: str, published: bool, now: datetime
) -> GuideVersion:
    """A new guide at version 1 (published or a draft); the caller audits, and bumps when published."""
    conn.execute(
        insert(guides_table).values(
            id=guide.id,
            latest_version=1,
            published_version=1 if published else None,
            updated_at=now,
            updated_by=actor,
            **guide_columns(guide),
        )
    )
    return insert_version(conn, guide, source, 1, actor, note, now)
