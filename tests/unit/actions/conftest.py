"""Fixtures of the action tests: a fake guide search where what it finds is not the point."""

from __future__ import annotations

import pytest

from actions import context
from core.settings import Settings
from tests.fakes import FakeGuideSearch


@pytest.fixture
def fake_search(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> FakeGuideSearch:
    """The actions' guide search, replaced by canned hits (none until a test adds them)."""
    search = FakeGuideSearch()
    monkeypatch.setattr(context, "default_search", lambda: search)
    return search
