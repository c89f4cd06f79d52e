"""The content store's contract on SQLite: a file in tmp_path, migrated by ops.database.upgrade."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kb.content.engine import make_engine
from kb.content.store import SqlContentStore
from ops.database import upgrade
from tests.unit.kb.content.store_contract import *  # noqa: F403  (the contract's tests, run here)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SqlContentStore]:
    url = f"sqlite:///{tmp_path / 'var' / 'borgerbot.db'}"
    upgrade(url)
    engine = make_engine(url)
    yield SqlContentStore(engine)
    engine.dispose()
