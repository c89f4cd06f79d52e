from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from core.settings import Settings
from ops.endpoints import tracker_store_config, write_endpoints
from ops.processes import Child
from ops.stack import ProcessSpec, explain_exit
from ops.training import training_fingerprint


def test_embedded_default_is_sqlite_under_var(settings: Settings) -> None:
    config = tracker_store_config(settings)
    assert config == {"type": "SQL", "dialect": "sqlite", "db": str(settings.var_dir / "tracker.db")}


def test_postgres_url_becomes_rasa_sql_tracker_store(settings: Settings) -> None:
    configured = settings.model_copy(update={"database_url": "postgresql://bot:hemmelig@db.local:5433/borgerbot"})
    assert tracker_store_config(configured) == {
        "type": "SQL",
        "dialect": "postgresql",
        "url": "db.local",
        "port": 5433,
        "db": "borgerbot",
        "username": "bot",
        "password": "hemmelig",
    }


def test_endpoints_file_points_at_the_action_server(settings: Settings) -> None:
    endpoints = yaml.safe_load(write_endpoints(settings.model_copy(update={"action_port": 6123})).read_text())
    assert endpoints["action_endpoint"]["url"] == "http://127.0.0.1:6123/webhook"


def test_production_requires_a_database() -> None:
    with pytest.raises(ValueError, match="BORGERBOT_DATABASE_URL"):
        Settings(environment="production")


def test_fingerprint_follows_training_data(tmp_path: Path) -> None:
    shutil.copy("config.yml", tmp_path / "config.yml")
    shutil.copytree("domain", tmp_path / "domain")
    (tmp_path / "data" / "nlu").mkdir(parents=True)
    (tmp_path / "data" / "nlu" / "pas.yml").write_text("nlu: []\n")
    before = training_fingerprint(tmp_path)
    assert training_fingerprint(tmp_path) == before
    (tmp_path / "data" / "nlu" / "pas.yml").write_text("nlu: [] # changed\n")
    assert training_fingerprint(tmp_path) != before


def test_a_dead_process_is_explained_in_plain_words(tmp_path: Path) -> None:
    log = tmp_path / "rasa.log"
    log.write_text("...\nOSError: [Errno 98] Address already in use\n")
    spec = ProcessSpec("rasa", Child("The Rasa server", [], log), "", 5005)
    assert explain_exit(spec, 1).startswith("The Rasa server stopped: port 5005 is already in use")


def test_missing_python_is_reported_clearly() -> None:
    result = subprocess.run(["scripts/find-python.sh", "3.99"], capture_output=True, text=True, check=False)
    assert result.returncode == 1
    assert "Python 3.99 was not found" in result.stderr
