"""The content database: guides with their versions, municipality data and the audit log,
edited by staff in the admin and read by the index build (docs/admin.md)."""

from kb.content.errors import (
    ConflictError,
    ContentError,
    GuideExistsError,
    GuideNotFoundError,
    GuideRetiredError,
    GuideValidationError,
    MunicipalityExistsError,
    MunicipalityNotFoundError,
    VersionNotFoundError,
)
from kb.content.records import GuideRecord, GuideVersion, MunicipalityRecord, MunicipalityVersion
from kb.content.store import MAX_SOURCE_CHARS, SqlContentStore

__all__ = [
    "MAX_SOURCE_CHARS",
    "ConflictError",
    "ContentError",
    "GuideExistsError",
    "GuideNotFoundError",
    "GuideRecord",
    "GuideRetiredError",
    "GuideValidationError",
    "GuideVersion",
    "MunicipalityExistsError",
    "MunicipalityNotFoundError",
    "MunicipalityRecord",
    "MunicipalityVersion",
    "SqlContentStore",
    "VersionNotFoundError",
]
