"""Guides, municipality data and the searchable guide index."""

from __future__ import annotations

from kb.search import GuideSearch, SearchHit


def search(query: str, municipality: str, topic: str | None = None, k: int = 5) -> list[SearchHit]:
    """Scored guides for a citizen's question: national ones plus that municipality's own."""
    from kb.prepare import default_search

    return default_search().search(query, municipality=municipality, topic=topic, k=k)


__all__ = ["GuideSearch", "SearchHit", "search"]
