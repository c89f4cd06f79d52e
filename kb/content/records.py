"""What the content store hands out: guide and municipality records and versions, made from rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal

from sqlalchemy import Row

from kb.municipalities import Municipality

GuideStatus = Literal["draft", "published", "retired"]


@dataclass(frozen=True)
class GuideVersion:
    """One saved version of a guide: the whole Markdown source, who saved it and why."""

    guide_id: str
    number: int
    source: str
    content_hash: str
    author: str
    created_at: datetime
    note: str


@dataclass(frozen=True)
class GuideRecord:
    """A guide's current state: its latest version's metadata and which version citizens get."""

    id: str
    municipality: str
    topic: str
    title: str
    owner: str
    last_reviewed: date
    latest_version: int
    published_version: int | None
    retired: bool
    updated_at: datetime
    updated_by: str

    @property
    def status(self) -> GuideStatus:
        if self.retired:
            return "retired"
        return "published" if self.published_version is not None else "draft"

    @property
    def has_unpublished_changes(self) -> bool:
        return self.latest_version != self.published_version


@dataclass(frozen=True)
class MunicipalityRecord:
    """A municipality's current data and its version, for optimistic concurrency."""

    data: Municipality
    version: int
    updated_at: datetime
    updated_by: str


@dataclass(frozen=True)
class MunicipalityVersion:
    """One saved version of a municipality's data."""

    slug: str
    number: int
    data: Municipality
    author: str
    created_at: datetime


def guide_record(row: Row[Any]) -> GuideRecord:
    return GuideRecord(
        id=row.id,
        municipality=row.municipality,
        topic=row.topic,
        title=row.title,
        owner=row.owner,
        last_reviewed=row.last_reviewed,
        latest_version=row.latest_version,
        published_version=row.published_version,
        retired=row.retired_at is not None,
        updated_at=row.updated_at,
        updated_by=row.updated_by,
    )


def guide_version(row: Row[Any]) -> GuideVersion:
    return GuideVersion(
        guide_id=row.guide_id,
        number=row.number,
        source=row.source,
        content_hash=row.content_hash,
        author=row.author,
        created_at=row.created_at,
        note=row.note,
    )


def municipality_record(row: Row[Any]) -> MunicipalityRecord:
    return MunicipalityRecord(
        data=Municipality.model_validate(row.data),
        version=row.version,
        updated_at=row.updated_at,
        updated_by=row.updated_by,
    )


def municipality_version(row: Row[Any]) -> MunicipalityVersion:
    return MunicipalityVersion(
        slug=row.slug,
        number=row.number,
        data=Municipality.model_validate(row.data),
        author=row.author,
        created_at=row.created_at,
    )
