"""Fixtures of the staff-account tests: a migrated SQLite file and an account store with a fast hasher."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from sqlalchemy import Engine

from bot.admin.accounts import AccountStore
from kb.content.engine import make_engine
from ops.database import upgrade


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'admin.db'}"
    upgrade(url)  # the schema as every deploy gets it
    return url


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


# Real argon2id, with parameters cheap enough for a test to hash dozens of times.
FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


@pytest.fixture
def store(engine: Engine) -> AccountStore:
    return AccountStore(engine, hasher=FAST_HASHER)
