"""Fixtures of the unit tests: the shipped guides indexed once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.settings import Settings
from kb.prepare import ensure_index


@pytest.fixture(scope="session")
def shipped_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped guides indexed once for the whole session (embedding them takes seconds)."""
    index_dir = tmp_path_factory.mktemp("index")
    ensure_index(Settings(var_dir=index_dir))
    return index_dir / "index"


@pytest.fixture
def indexed(settings: Settings, shipped_index: Path) -> Settings:
    """Settings whose var/ folder holds the shipped index."""
    (settings.var_dir).mkdir(parents=True, exist_ok=True)
    (settings.var_dir / "index").symlink_to(shipped_index, target_is_directory=True)
    return settings
