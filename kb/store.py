"""The guide store contract, and the store that reads the shipped Markdown files.

The running system reads guides only through ``GuideStore``, so a database-backed
store for the staff editor can replace the file store without touching search.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from pydantic import ValidationError

from kb.schema import Guide, GuideFormatError, danish_problems, parse_guide


class InvalidGuideError(ValueError):
    """A guide the store cannot serve; the message names the file and every problem, in Danish."""


class GuideStore(Protocol):
    """Read access to the current set of guides."""

    def list_guides(self) -> list[Guide]:
        """Every guide, in a stable order (by id)."""
        ...


class FileGuideStore:
    """Guides from ``<folder>/*.md``, one guide per file, file name = id."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def list_guides(self) -> list[Guide]:
        guides = []
        for path in sorted(self.folder.glob("*.md")):
            try:
                guide = parse_guide(path.read_text(encoding="utf-8"))
            except GuideFormatError as exc:
                raise InvalidGuideError(f"{path}: {exc}") from exc
            except ValidationError as exc:
                problems = "; ".join(f"{field}: {message}" for field, message in danish_problems(exc))
                raise InvalidGuideError(f"{path}: {problems}") from exc
            if guide.id != path.stem:
                raise InvalidGuideError(f"{path}: id '{guide.id}' er ikke det samme som filnavnet")
            guides.append(guide)
        ids = [g.id for g in guides]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise InvalidGuideError(f"{self.folder}: samme id i flere vejledninger: {', '.join(duplicates)}")
        return guides


class InMemoryGuideStore:
    """A store over a given list: for tests and for imports before they are saved."""

    def __init__(self, guides: list[Guide]) -> None:
        self._guides = sorted(guides, key=lambda g: g.id)

    def list_guides(self) -> list[Guide]:
        return list(self._guides)
