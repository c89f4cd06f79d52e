"""Municipality data in the content database, versioned like the guides; the base of ``SqlContentStore``."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, Row, insert, select, update
from sqlalchemy.exc import IntegrityError

from kb.content import audit
from kb.content.errors import ConflictError, MunicipalityExistsError, MunicipalityNotFoundError
from kb.content.records import (
    MunicipalityRecord,
    MunicipalityVersion,
    municipality_record,
    municipality_version,
)
from kb.content.state import bump_published
from kb.content.tables import municipalities_table, municipality_versions_table
from kb.municipalities import Municipality

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


class MunicipalityStore:
    """Each municipality's data (phone, addresses, opening hours …); every save is live at once."""

    def __init__(self, engine: Engine, clock: Clock = utc_now) -> None:
        self.engine = engine
        self._clock = clock

    def municipalities(self) -> dict[str, Municipality]:
        """The current data of every municipality, by slug."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(municipalities_table)).all()
        return {row.slug: municipality_record(row).data for row in sorted(rows, key=lambda row: str(row.slug))}

    def municipality(self, slug: str) -> MunicipalityRecord | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(municipalities_table).where(municipalities_table.c.slug == slug)).first()
        return municipality_record(row) if row else None

    def municipality_versions(self, slug: str) -> list[MunicipalityVersion]:
        """Every saved version of one municipality's data, newest first."""
        table = municipality_versions_table
        with self.engine.connect() as conn:
            rows = conn.execute(select(table).where(table.c.slug == slug).order_by(table.c.number.desc())).all()
        return [municipality_version(row) for row in rows]

    def save_municipality(self, data: Municipality, actor: str, base_version: int | None) -> MunicipalityRecord:
        """Save a municipality's data (new when ``base_version`` is None); citizens see it at the next build.

        Identical data stores nothing; a stale ``base_version`` raises ConflictError and writes nothing.
        """
        try:
            with self.engine.begin() as conn:
                if base_version is None:
                    if self._municipality_row(conn, data.slug) is not None:
                        raise MunicipalityExistsError(data.slug)
                    self._insert_municipality(conn, data, actor)
                    audit.record(conn, actor, audit.MUNICIPALITY_SAVE, data.slug, data.slug, {"version": 1})
                    bump_published(conn)
                else:
                    self._update_municipality(conn, data, actor, base_version)
                row = self._municipality_row(conn, data.slug)
        except IntegrityError as exc:  # created by someone else between our check and our insert
            if base_version is None:
                raise MunicipalityExistsError(data.slug) from exc
            raise
        assert row is not None
        return municipality_record(row)

    def _update_municipality(self, conn: Connection, data: Municipality, actor: str, base_version: int) -> None:
        current = self._municipality_row(conn, data.slug)
        if current is None:
            raise MunicipalityNotFoundError(data.slug)
        payload = data.model_dump(mode="json")
        if payload == current.data:
            return
        number, now = base_version + 1, self._clock()
        updated = conn.execute(
            update(municipalities_table)
            .where(municipalities_table.c.slug == data.slug, municipalities_table.c.version == base_version)
            .values(data=payload, version=number, updated_at=now, updated_by=actor)
        )
        if updated.rowcount == 0:
            latest = self._municipality_row(conn, data.slug)
            assert latest is not None
            raise ConflictError(
                latest.version, latest.updated_by, latest.updated_at, subject="Kommunens oplysninger", pronoun="dem"
            )
        conn.execute(
            insert(municipality_versions_table).values(
                slug=data.slug, number=number, data=payload, author=actor, created_at=now
            )
        )
        audit.record(conn, actor, audit.MUNICIPALITY_SAVE, data.slug, data.slug, {"version": number})
        bump_published(conn)

    def _insert_municipality(self, conn: Connection, data: Municipality, actor: str) -> None:
        """Version 1 of a new municipality's data; the caller audits and bumps."""
        payload, now = data.model_dump(mode="json"), self._clock()
        conn.execute(
            insert(municipalities_table).values(
                slug=data.slug, data=payload, version=1, updated_at=now, updated_by=actor
            )
        )
        conn.execute(
            insert(municipality_versions_table).values(
                slug=data.slug, number=1, data=payload, author=actor, created_at=now
            )
        )

    @staticmethod
    def _municipality_row(conn: Connection, slug: str) -> Row[Any] | None:
        return conn.execute(select(municipalities_table).where(municipalities_table.c.slug == slug)).first()
