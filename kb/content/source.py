"""A guide's Markdown source as staff submit it: size-checked, parsed and validated into a ``Guide``."""

from __future__ import annotations

from pydantic import ValidationError
from sqlalchemy import Column, String

from kb.content.errors import GuideValidationError
from kb.content.tables import guide_versions_table, guides_table
from kb.schema import Guide, GuideFormatError, danish_problems, parse_guide

# Longest source accepted: the longest shipped guide is a few thousand characters.
MAX_SOURCE_CHARS = 100_000
# The field a problem of the whole file is reported under (as kb.schema.danish_problems does).
FILE_FIELD = "(fil)"
# Fields kept in columns of limited length, checked here so SQLite and PostgreSQL refuse alike.
_COLUMNS: dict[str, Column[str]] = {
    "id": guides_table.c.id,
    "scope": guides_table.c.municipality,
    "title": guides_table.c.title,
    "owner": guides_table.c.owner,
}
NOTE_FIELD = "note"


def _max_length(column: Column[str]) -> int:
    assert isinstance(column.type, String) and column.type.length is not None
    return column.type.length


def parse_source(source: str) -> Guide:
    """The guide in ``source``; GuideValidationError with (field, Danish message) pairs otherwise."""
    if len(source) > MAX_SOURCE_CHARS:
        size, limit = f"{len(source):,}".replace(",", "."), f"{MAX_SOURCE_CHARS:,}".replace(",", ".")
        raise GuideValidationError([(FILE_FIELD, f"vejledningen er for lang: {size} tegn, højst {limit}")])
    try:
        guide = parse_guide(source)
    except GuideFormatError as exc:
        raise GuideValidationError([(FILE_FIELD, str(exc))]) from exc
    except ValidationError as exc:
        raise GuideValidationError(danish_problems(exc)) from exc
    too_long = [
        (field, f"må højst være {_max_length(column)} tegn")
        for field, column in _COLUMNS.items()
        if len(getattr(guide, field)) > _max_length(column)
    ]
    if too_long:
        raise GuideValidationError(too_long)
    return guide


def check_note(note: str) -> None:
    """A version's note fits its column; GuideValidationError otherwise."""
    limit = _max_length(guide_versions_table.c.note)
    if len(note) > limit:
        raise GuideValidationError([(NOTE_FIELD, f"må højst være {limit} tegn")])
