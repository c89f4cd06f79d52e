"""Shared fixtures: settings pointed at a temporary var/ folder, guide factories."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from core.settings import Settings, get_settings
from kb.municipalities import load_hotline, load_municipalities
from kb.prepare import default_search
from kb.schema import Guide


def make_guide(guide_id: str, topic: str = "pas", scope: str = "national", answer: str | None = None) -> Guide:
    """A valid guide with the given id; the answer text defaults to one naming the id."""
    return Guide.model_validate(
        {
            "id": guide_id,
            "title": f"Vejledning {guide_id}",
            "topic": topic,
            "scope": scope,
            "questions": [f"spørgsmål om {guide_id}", f"hvordan med {guide_id}", f"{guide_id} hjælp"],
            "links": [{"title": "borger.dk", "url": "https://www.borger.dk/"}],
            "sources": ["https://www.borger.dk/"],
            "last_reviewed": date(2026, 11, 1),
            "owner": "test",
            "body": (answer or f"Svaret om {guide_id}.") + "\n\n## Detaljer\nMere tekst.",
        }
    )


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Settings]:
    """Settings whose var/ folder is a fresh temporary folder, also for get_settings()."""
    monkeypatch.setenv("BORGERBOT_VAR_DIR", str(tmp_path / "var"))
    for cache in (get_settings, default_search, load_municipalities, load_hotline):
        cache.cache_clear()
    yield get_settings()
    for cache in (get_settings, default_search, load_municipalities, load_hotline):
        cache.cache_clear()
