"""Write the endpoints file Rasa runs with, from the settings (ports and database)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from sqlalchemy.engine import make_url

from core.settings import Settings


def tracker_store_config(settings: Settings) -> dict[str, Any]:
    """Rasa's SQL tracker store: SQLite under var/ by default, else the configured database."""
    if not settings.database_url:
        return {"type": "SQL", "dialect": "sqlite", "db": str(settings.var_dir / "tracker.db")}
    url = make_url(settings.database_url)
    if url.get_backend_name() != "postgresql":
        raise ValueError("BORGERBOT_DATABASE_URL must be a postgresql:// URL (or unset for SQLite)")
    config: dict[str, Any] = {
        "type": "SQL",
        "dialect": "postgresql",
        "url": url.host or "127.0.0.1",
        "port": url.port or 5432,
        "db": url.database,
    }
    if url.username:
        config["username"] = url.username
    if url.password:
        config["password"] = url.password
    return config


# Rasa's SQL tracker store with connections checked before use (ops/rasa_tracker_store.py), which
# Rasa imports by this path: without it, the first message after PostgreSQL dropped the connections fails.
PRE_PING_SQL_TRACKER_STORE = "ops.rasa_tracker_store.PrePingSQLTrackerStore"


def write_endpoints(settings: Settings) -> Path:
    """Runtime endpoints for `rasa run`; kept under var/ because it may hold a password."""
    settings.var_dir.mkdir(parents=True, exist_ok=True)
    path = settings.var_dir / "endpoints.yml"
    tracker_store = tracker_store_config(settings)
    if tracker_store["dialect"] == "postgresql":
        # A SQLite file has no connection to lose.
        tracker_store["type"] = PRE_PING_SQL_TRACKER_STORE
    config = {
        "action_endpoint": {"url": f"{settings.action_server_url}/webhook"},
        "tracker_store": tracker_store,
    }
    path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    path.chmod(0o600)
    return path
