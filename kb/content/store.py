"""Guides in the content database: versioned drafts, the published version citizens get, and the
editing API of the staff admin (docs/admin.md, "SqlContentStore API").

Every write is one transaction with its audit row, and bumps the published revision when what
citizens see changes. Saves carry the version the editor opened (``base_version``): a save on top
of someone else's newer version is refused with ConflictError instead of overwriting it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, and_, select, update
from sqlalchemy.exc import IntegrityError

from kb.content import audit
from kb.content.errors import (
    ConflictError,
    GuideExistsError,
    GuideRetiredError,
    GuideValidationError,
    VersionNotFoundError,
)
from kb.content.guide_rows import (
    existing_guide,
    guide_columns,
    guide_row,
    insert_guide,
    insert_version,
    store_is_empty,
    taken_ids,
    version_row,
)
from kb.content.municipality_store import MunicipalityStore
from kb.content.records import GuideRecord, GuideVersion, guide_record, guide_version
from kb.content.source import MAX_SOURCE_CHARS, check_note, parse_source
from kb.content.state import bump_published, published_revision
from kb.content.tables import guide_versions_table, guides_table
from kb.municipalities import Municipality
from kb.schema import Guide, parse_guide

__all__ = ["MAX_SOURCE_CHARS", "SqlContentStore"]

_guides, _versions = guides_table, guide_versions_table


class SqlContentStore(MunicipalityStore):
    """Guides and municipality data in SQLite or PostgreSQL; a ``kb.store.GuideStore`` for the index."""

    def is_empty(self) -> bool:
        with self.engine.connect() as conn:
            return store_is_empty(conn)

    def list_guides(self) -> list[Guide]:
        """The published version of every guide that is published and not retired, by id: what citizens get."""
        published = and_(_versions.c.guide_id == _guides.c.id, _versions.c.number == _guides.c.published_version)
        query = (
            select(_versions.c.source)
            .select_from(_guides.join(_versions, published))
            .where(_guides.c.retired_at.is_(None))
        )
        with self.engine.connect() as conn:
            sources = conn.execute(query).scalars().all()
        # Sorted here, not by the database: PostgreSQL's collation may order hyphens differently.
        return sorted((parse_guide(source) for source in sources), key=lambda guide: guide.id)

    def records(self) -> list[GuideRecord]:
        """Every guide, drafts and retired ones included, by id."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(_guides)).all()
        return sorted((guide_record(row) for row in rows), key=lambda record: record.id)

    def record(self, guide_id: str) -> GuideRecord | None:
        with self.engine.connect() as conn:
            row = guide_row(conn, guide_id)
        return guide_record(row) if row else None

    def versions(self, guide_id: str) -> list[GuideVersion]:
        """Every version of a guide, newest first."""
        query = select(_versions).where(_versions.c.guide_id == guide_id).order_by(_versions.c.number.desc())
        with self.engine.connect() as conn:
            return [guide_version(row) for row in conn.execute(query).all()]

    def version(self, guide_id: str, number: int) -> GuideVersion | None:
        with self.engine.connect() as conn:
            row = version_row(conn, guide_id, number)
        return guide_version(row) if row else None

    def revision(self) -> int:
        """The published revision: bumped by every change citizens see."""
        with self.engine.connect() as conn:
            return published_revision(conn)

    def save(
        self,
        source: str,
        actor: str,
        base_version: int | None,
        note: str = "",
        publish: bool = False,
        guide_id: str | None = None,
    ) -> GuideVersion:
        """Save a guide's Markdown source as its next version (a new guide when ``base_version`` is None).

        Refused, writing nothing: an invalid source (GuideValidationError), a new guide whose id is
        taken (GuideExistsError), a source whose id is not ``guide_id``, a stale ``base_version``
        (ConflictError). A source equal to the latest version stores nothing, but is still published
        when ``publish`` is set.
        """
        guide = parse_source(source)
        check_note(note)
        if guide_id is not None and guide.id != guide_id:
            raise GuideValidationError([("id", f"id kan ikke ændres: vejledningen hedder '{guide_id}'")])
        try:
            with self.engine.begin() as conn:
                if base_version is None:
                    if guide_row(conn, guide.id) is not None:
                        raise GuideExistsError(guide.id)
                    version = insert_guide(conn, guide, source, actor, note, False, self._clock())
                    audit.record(conn, actor, audit.GUIDE_CREATE, guide.id, guide.scope, {"version": 1, "note": note})
                else:
                    version = self._add_version(conn, guide, source, actor, base_version, note, audit.GUIDE_SAVE_DRAFT)
                if publish:
                    self._publish(conn, guide.id, actor, version.number)
        except IntegrityError as exc:  # created by someone else between our check and our insert
            if base_version is None:
                raise GuideExistsError(guide.id) from exc
            raise
        return version

    def publish(self, guide_id: str, actor: str, number: int | None = None) -> GuideRecord:
        """Make version ``number`` (the latest when None) the one citizens get."""
        with self.engine.begin() as conn:
            self._publish(conn, guide_id, actor, number)
            return guide_record(existing_guide(conn, guide_id))

    def retire(self, guide_id: str, actor: str) -> GuideRecord:
        """Take a guide away from citizens; its versions stay, and ``restore`` brings it back."""
        return self._set_retired(guide_id, actor, retired=True)

    def restore(self, guide_id: str, actor: str) -> GuideRecord:
        """Bring a retired guide back: citizens get its published version again."""
        return self._set_retired(guide_id, actor, retired=False)

    def rollback(self, guide_id: str, number: int, actor: str, base_version: int) -> GuideVersion:
        """A new draft version with version ``number``'s source; publishing it is a separate step."""
        with self.engine.begin() as conn:
            existing_guide(conn, guide_id)
            old = version_row(conn, guide_id, number)
            if old is None:
                raise VersionNotFoundError(guide_id, number)
            guide = parse_source(old.source)
            note = f"Gendannet fra version {number}"
            return self._add_version(
                conn, guide, old.source, actor, base_version, note, audit.GUIDE_ROLLBACK, {"from_version": number}
            )

    def save_new_drafts(self, sources: list[str], actor: str, note: str) -> list[GuideVersion]:
        """New guides as drafts, all or none (a spreadsheet import): GuideExistsError when an id is taken."""
        guides = [parse_source(source) for source in sources]
        check_note(note)
        ids = [guide.id for guide in guides]
        repeated = sorted({guide_id for guide_id in ids if ids.count(guide_id) > 1})
        if repeated:
            raise GuideValidationError([("id", f"samme id flere gange: {', '.join(repeated)}")])
        try:
            with self.engine.begin() as conn:
                taken = taken_ids(conn, ids)
                if taken:
                    raise GuideExistsError(taken[0])
                versions = []
                for guide, source in zip(guides, sources, strict=True):
                    versions.append(insert_guide(conn, guide, source, actor, note, False, self._clock()))
                    audit.record(conn, actor, audit.GUIDE_CREATE, guide.id, guide.scope, {"version": 1, "note": note})
        except IntegrityError as exc:  # created by someone else meanwhile
            with self.engine.connect() as conn:
                taken = taken_ids(conn, ids)
            raise GuideExistsError(taken[0] if taken else ids[0]) from exc
        return versions

    def import_content(self, sources: list[str], municipalities: list[Municipality], actor: str, note: str) -> bool:
        """Into an empty store only: every guide published as version 1, every municipality saved,
        one audit row and one revision bump, all in one transaction. False (nothing written) otherwise."""
        guides = [parse_source(source) for source in sources]
        try:
            with self.engine.begin() as conn:
                if not store_is_empty(conn):
                    return False
                for guide, source in zip(guides, sources, strict=True):
                    insert_guide(conn, guide, source, actor, note, True, self._clock())
                for data in municipalities:
                    self._insert_municipality(conn, data, actor)
                counts = {"guides": len(guides), "municipalities": len(municipalities)}
                audit.record(conn, actor, audit.CONTENT_IMPORT, "kb", None, {**counts, "note": note})
                bump_published(conn)
        except IntegrityError:  # another process imported at the same moment; its import stands
            return False
        return True

    def _add_version(
        self,
        conn: Connection,
        guide: Guide,
        source: str,
        actor: str,
        base_version: int,
        note: str,
        action: str,
        details: dict[str, Any] | None = None,
    ) -> GuideVersion:
        """The next version of an existing guide, unless it equals the latest; the conditional
        update makes two saves on the same base a conflict even when they run at once."""
        current = existing_guide(conn, guide.id)
        latest = version_row(conn, guide.id, current.latest_version)
        assert latest is not None
        if latest.content_hash == guide.content_hash:
            return guide_version(latest)
        number, now = base_version + 1, self._clock()
        updated = conn.execute(
            update(_guides)
            .where(_guides.c.id == guide.id, _guides.c.latest_version == base_version)
            .values(latest_version=number, updated_at=now, updated_by=actor, **guide_columns(guide))
        )
        if updated.rowcount == 0:
            newest = version_row(conn, guide.id, existing_guide(conn, guide.id).latest_version)
            assert newest is not None
            raise ConflictError(newest.number, newest.author, newest.created_at)
        version = insert_version(conn, guide, source, number, actor, note, now)
        audit.record(conn, actor, action, guide.id, guide.scope, {"version": number, "note": note, **(details or {})})
        return version

    def _publish(self, conn: Connection, guide_id: str, actor: str, number: int | None) -> None:
        current = existing_guide(conn, guide_id)
        if current.retired_at is not None:
            raise GuideRetiredError(guide_id)
        number = current.latest_version if number is None else number
        if version_row(conn, guide_id, number) is None:
            raise VersionNotFoundError(guide_id, number)
        if current.published_version == number:
            return
        conn.execute(
            update(_guides)
            .where(_guides.c.id == guide_id)
            .values(published_version=number, updated_at=self._clock(), updated_by=actor)
        )
        details = {"version": number, "previous_version": current.published_version}
        audit.record(conn, actor, audit.GUIDE_PUBLISH, guide_id, current.municipality, details)
        bump_published(conn)

    def _set_retired(self, guide_id: str, actor: str, retired: bool) -> GuideRecord:
        with self.engine.begin() as conn:
            current = existing_guide(conn, guide_id)
            if (current.retired_at is not None) != retired:
                now = self._clock()
                conn.execute(
                    update(_guides)
                    .where(_guides.c.id == guide_id)
                    .values(retired_at=now if retired else None, updated_at=now, updated_by=actor)
                )
                action = audit.GUIDE_RETIRE if retired else audit.GUIDE_RESTORE
                audit.record(conn, actor, action, guide_id, current.municipality)
                if current.published_version is not None:  # a draft was never visible to citizens
                    bump_published(conn)
            return guide_record(existing_guide(conn, guide_id))
