"""Guides, municipality data and the searchable guide index."""

from kb.search import GuideSearch, SearchHit

__all__ = ["GuideSearch", "SearchHit"]
