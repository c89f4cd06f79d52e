"""Split a guide into the pieces the vector index holds, each with a content-hash id.

A guide is found by the ways citizens ask it (its ``questions``), by its title and
short answer, and by each section of its body. The best piece speaks for the guide.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Literal

from kb.schema import Guide

ChunkKind = Literal["question", "answer", "section"]

_SECTION = re.compile(r"^##+\s+", re.MULTILINE)
# FAISS ids are signed 64-bit; 60 bits of the hash keep them positive with room to spare.
_ID_BITS = 60


@dataclass(frozen=True)
class Chunk:
    """One indexed piece of one guide version."""

    id: int
    guide_content_id: str
    kind: ChunkKind
    text: str

    @property
    def is_query_like(self) -> bool:
        """Questions are embedded like a citizen's query (e5's ``query:`` prompt), the rest as passages."""
        return self.kind == "question"


def chunk_id(guide_content_id: str, kind: str, text: str) -> int:
    """Stable id of a chunk: the same guide version and text always give the same id."""
    digest = hashlib.sha256(f"{guide_content_id}\0{kind}\0{text}".encode()).digest()
    return int.from_bytes(digest[:8], "big") >> (64 - _ID_BITS)


@dataclass(frozen=True)
class Passage:
    """A piece of a guide the bot can reply with: the short answer (no heading) or one section."""

    heading: str | None
    text: str  # Markdown as the editor wrote it

    def chunk(self, guide: Guide) -> tuple[ChunkKind, str]:
        """The indexed text of this passage (whitespace folded), and its kind."""
        if self.heading is None:
            return "answer", f"{guide.title}. {' '.join(self.text.split())}"
        return "section", f"{guide.title}: {self.heading} {' '.join(self.text.split())}"


def guide_passages(guide: Guide) -> list[Passage]:
    """The short answer, then each section of the body with its heading (empty sections skipped)."""
    passages = [Passage(None, guide.short_answer)]
    for part in _SECTION.split(guide.body)[1:]:
        heading, _, text = part.strip().partition("\n")
        if heading.strip() and text.strip():
            passages.append(Passage(heading.strip(), text.strip()))
    return passages


def guide_chunks(guide: Guide) -> list[Chunk]:
    """Every chunk of a guide: questions, then its passages (title with short answer, sections), deduplicated."""
    pieces: list[tuple[ChunkKind, str]] = [("question", q.strip()) for q in guide.questions]
    pieces += [passage.chunk(guide) for passage in guide_passages(guide)]
    seen: set[int] = set()
    chunks = []
    for kind, text in pieces:
        ident = chunk_id(guide.content_hash, kind, text)
        if text and ident not in seen:
            seen.add(ident)
            chunks.append(Chunk(ident, guide.content_hash, kind, text))
    return chunks
