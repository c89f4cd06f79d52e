"""Guides as a zip of Markdown files (``guides/<id>.md``), the same format as ``kb/guides/``."""

from __future__ import annotations

import io
import zipfile

from kb.content.markdown import guide_to_markdown
from kb.schema import Guide

# A fixed timestamp for every entry, so the same guides always give the same bytes.
_ZIP_TIMESTAMP = (1980, 1, 1, 0, 0, 0)


def export_zip(guides: list[Guide]) -> bytes:
    """A deterministic zip with one ``guides/<id>.md`` per guide, sorted by id."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for guide in sorted(guides, key=lambda g: g.id):
            entry = zipfile.ZipInfo(f"guides/{guide.id}.md", date_time=_ZIP_TIMESTAMP)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16  # an ordinary readable file when unpacked
            archive.writestr(entry, guide_to_markdown(guide).encode("utf-8"))
    return buffer.getvalue()
