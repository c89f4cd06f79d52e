"""Rasa's tracker store on PostgreSQL checks a pooled connection before use; Rasa finds the class."""

from __future__ import annotations

import os
import subprocess

import pytest
import yaml

from core.settings import Settings
from ops.endpoints import COUNTING_SQL_TRACKER_STORE, PRE_PING_SQL_TRACKER_STORE, write_endpoints


def test_postgresql_tracker_store_is_the_pre_ping_subclass(settings: Settings) -> None:
    configured = settings.model_copy(update={"database_url": "postgresql://bot:hemmelig@db.local:5433/borgerbot"})
    store = yaml.safe_load(write_endpoints(configured).read_text())["tracker_store"]
    assert store["type"] == PRE_PING_SQL_TRACKER_STORE
    assert (store["dialect"], store["url"], store["port"], store["db"]) == ("postgresql", "db.local", 5433, "borgerbot")


def test_sqlite_tracker_store_is_the_counting_subclass(settings: Settings) -> None:
    store = yaml.safe_load(write_endpoints(settings).read_text())["tracker_store"]
    assert store == {
        "type": COUNTING_SQL_TRACKER_STORE,
        "dialect": "sqlite",
        "db": str(settings.var_dir / "tracker.db"),
    }


@pytest.mark.parametrize("path", [COUNTING_SQL_TRACKER_STORE, PRE_PING_SQL_TRACKER_STORE])
def test_rasa_resolves_the_class_as_it_does_at_start(settings: Settings, path: str) -> None:
    # Rasa silently falls back to an in-memory store when a custom class cannot be imported:
    # resolve it here the way Rasa 3.6 does, in Rasa's own environment, with the stack's PYTHONPATH.
    python = settings.rasa_venv / "bin" / "python"
    probe = (
        "import sys; from rasa.shared.utils.common import class_from_module_path as load; "
        "from rasa.core.tracker_store import SQLTrackerStore; "
        f"cls = load({path!r}); sys.exit(0 if issubclass(cls, SQLTrackerStore) else 3)"
    )
    env = {**os.environ, "PYTHONPATH": str(settings.project_root)}
    result = subprocess.run(
        [str(python), "-c", probe], cwd=settings.var_dir.parent, env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr[-2000:]
