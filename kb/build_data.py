"""What a build holds beside its vectors (guide records, fees, municipality data) and the hash over all of it."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from kb.chunks import chunk_id, guide_passages
from kb.fees import Fee
from kb.layout import GUIDES_FILE, INDEX_FORMAT
from kb.municipalities import Municipality
from kb.normalize import char_ngrams, tokenize
from kb.schema import Guide


def fees_json(fees: dict[str, Fee]) -> dict[str, Any]:
    """The fee table as the build stores it (and its hash covers)."""
    return {fee_id: fee.model_dump(mode="json") for fee_id, fee in sorted(fees.items())}


def municipalities_json(municipalities: dict[str, Municipality]) -> dict[str, Any]:
    """The municipality data as the build stores it (and its hash covers)."""
    return {slug: m.model_dump(mode="json") for slug, m in sorted(municipalities.items())}


def corpus_hash(
    guides: list[Guide],
    model_id: str,
    scope_fingerprint: str = "",
    fees: dict[str, Fee] | None = None,
    municipalities: dict[str, Municipality] | None = None,
) -> str:
    """Hash of the guides, fees, municipality data, model and scope examples: equal exactly when the index would be.

    The content revision is not in it: a revision that changes nothing citizens see builds nothing.
    """
    fee_text = json.dumps(fees_json(fees or {}), sort_keys=True)
    digest = hashlib.sha256(f"{INDEX_FORMAT}\0{model_id}\0{scope_fingerprint}\0{fee_text}".encode())
    if municipalities is not None:
        digest.update(b"\0municipalities\0" + json.dumps(municipalities_json(municipalities), sort_keys=True).encode())
    for content_hash in sorted(g.content_hash for g in guides):
        digest.update(content_hash.encode())
    return digest.hexdigest()


def guide_record(guide: Guide) -> dict[str, Any]:
    """What search returns for one guide version, and the tokens the lexical ranker indexes."""
    return {
        "guide_id": guide.id,
        "title": guide.title,
        "topic": guide.topic,
        "scope": guide.scope,
        "short_answer": guide.short_answer,
        # What the bot may reply with: the short answer first, then each section, by its chunk.
        "passages": [
            {"heading": p.heading, "text": p.text, "chunk": chunk_id(guide.content_hash, *p.chunk(guide))}
            for p in guide_passages(guide)
        ],
        "links": [link.model_dump(mode="json") for link in guide.links],
        "sources": [str(url) for url in guide.sources],
        "last_reviewed": guide.last_reviewed.isoformat(),
        "tokens": tokenize(guide.search_text()),
        "char_ngrams": char_ngrams(guide.search_text()),
    }


def guide_records(guides: list[Guide], base: Path | None) -> dict[str, Any]:
    """Each guide version's record, taken from the base build where it is unchanged (tokenising is the slow part)."""
    try:
        known: dict[str, Any] = json.loads((base / GUIDES_FILE).read_text(encoding="utf-8")) if base else {}
    except (OSError, ValueError):
        known = {}
    return {g.content_hash: known.get(g.content_hash) or guide_record(g) for g in guides}
