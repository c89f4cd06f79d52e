"""The app database's migrations on SQLite: to head, twice harmlessly, all or nothing, from the command line."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

from bot.analytics.tables import metadata as analytics_metadata
from core.settings import PROJECT_ROOT
from kb.content.engine import make_engine
from kb.content.markdown import guide_to_markdown
from kb.content.store import SqlContentStore
from kb.content.tables import metadata
from ops import database
from ops.database import MIGRATIONS_DIR, upgrade
from tests.conftest import make_guide

BROKEN_REVISION = """
import sqlalchemy as sa
from alembic import op

revision = "9999"
down_revision = "{head}"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("half_made", sa.Column("id", sa.Integer, primary_key=True))
    raise RuntimeError("this revision fails half-way")
"""


def head() -> str:
    script = ScriptDirectory(str(MIGRATIONS_DIR))
    revision = script.get_current_head()
    assert revision is not None
    return revision


def current_revision(url: str) -> str | None:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            if not inspect(conn).has_table("alembic_version"):
                return None
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    finally:
        engine.dispose()


def tables(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_upgrade_creates_every_table_in_a_new_folder(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'new' / 'folder' / 'borgerbot.db'}"
    upgrade(url)
    expected = set(metadata.tables) | set(analytics_metadata.tables) | {"admin_users", "admin_sessions"}
    assert expected | {"alembic_version"} == tables(url)
    assert current_revision(url) == head()


def test_upgrading_twice_is_harmless_and_keeps_the_data(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'borgerbot.db'}"
    upgrade(url)
    engine = make_engine(url)
    SqlContentStore(engine).save(guide_to_markdown(make_guide("pas-test")), "anna", None, publish=True)
    engine.dispose()
    upgrade(url)
    engine = make_engine(url)
    store = SqlContentStore(engine)
    assert [g.id for g in store.list_guides()] == ["pas-test"] and store.revision() == 1
    engine.dispose()
    assert current_revision(url) == head()


def test_two_processes_migrating_at_once_both_succeed(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'borgerbot.db'}"
    errors: list[BaseException] = []

    def migrate() -> None:
        try:
            upgrade(url)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=migrate) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert current_revision(url) == head()


@pytest.fixture
def broken_migrations(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The real revisions plus one that fails after creating a table."""
    folder = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS_DIR, folder, ignore=shutil.ignore_patterns("__pycache__"))
    (folder / "versions" / "9999_broken.py").write_text(BROKEN_REVISION.replace("{head}", head()), encoding="utf-8")
    monkeypatch.setattr(database, "MIGRATIONS_DIR", folder)
    return folder


@pytest.mark.usefixtures("broken_migrations")
def test_a_failing_revision_leaves_nothing_half_made(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'borgerbot.db'}"
    with pytest.raises(RuntimeError, match="half-way"):
        upgrade(url)
    assert tables(url) == set()  # not even the first revision's tables: one transaction


def test_a_failing_revision_keeps_the_database_at_its_revision(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, broken_migrations: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'borgerbot.db'}"
    monkeypatch.setattr(database, "MIGRATIONS_DIR", MIGRATIONS_DIR)
    upgrade(url)
    monkeypatch.setattr(database, "MIGRATIONS_DIR", broken_migrations)
    with pytest.raises(RuntimeError):
        upgrade(url)
    assert current_revision(url) == head() and "half_made" not in tables(url)


def test_the_command_line_migrates_the_configured_database(tmp_path: Path) -> None:
    environment = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT), "BORGERBOT_VAR_DIR": str(tmp_path / "var")}
    environment.pop("BORGERBOT_DATABASE_URL", None)
    for _ in range(2):
        subprocess.run(
            [sys.executable, "-m", "ops.database", "upgrade"],
            cwd=PROJECT_ROOT,
            env=environment,
            check=True,
            capture_output=True,
            timeout=120,
        )
    url = f"sqlite:///{tmp_path / 'var' / 'borgerbot.db'}"
    assert current_revision(url) == head()
