"""The published revision: a counter bumped in the same transaction as every change citizens see,
so a watcher comparing it with the index's build knows when to rebuild."""

from __future__ import annotations

from sqlalchemy import Connection, insert, select, update

from kb.content.tables import PUBLISHED_STATE, state_table


def bump_published(conn: Connection) -> None:
    """Add one to the published revision, inside the caller's transaction."""
    bumped = conn.execute(
        update(state_table).where(state_table.c.key == PUBLISHED_STATE).values(revision=state_table.c.revision + 1)
    )
    if bumped.rowcount == 0:  # the migration inserts the row; a database made otherwise starts here
        conn.execute(insert(state_table).values(key=PUBLISHED_STATE, revision=1))


def published_revision(conn: Connection) -> int:
    """The current published revision; 0 before anything was published."""
    value = conn.execute(select(state_table.c.revision).where(state_table.c.key == PUBLISHED_STATE)).scalar()
    return int(value or 0)
