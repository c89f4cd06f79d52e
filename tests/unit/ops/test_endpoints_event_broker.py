"""Rasa's event broker in the endpoints file: its SQL broker in a database of its own, or RabbitMQ."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
from pathlib import Path

import pytest
import yaml

from core.settings import Settings
from ops.endpoints import event_broker_config, write_endpoints

RABBITMQ = "amqp://guest:guest@127.0.0.1:5672/%2F"


def broker(settings: Settings) -> dict[str, object]:
    loaded: dict[str, object] = yaml.safe_load(write_endpoints(settings).read_text())["event_broker"]
    return loaded


def test_default_is_the_sql_broker_in_its_own_sqlite_file(settings: Settings) -> None:
    assert broker(settings) == {"type": "SQL", "dialect": "sqlite", "db": str(settings.var_dir / "events.db")}
    assert settings.broker_database_url == f"sqlite:///{settings.var_dir / 'events.db'}"
    assert settings.broker_database_url != settings.tracker_database_url


def test_postgresql_without_rabbitmq_keeps_the_sqlite_file_unless_an_events_database_is_named(
    settings: Settings,
) -> None:
    on_postgres = settings.model_copy(update={"database_url": "postgresql://bot:hemmelig@db.local:5433/borgerbot"})
    assert broker(on_postgres)["db"] == str(settings.var_dir / "events.db")
    named = on_postgres.model_copy(update={"events_database_url": "postgresql://ev:pw@db.local:5433/borgerbot_events"})
    assert broker(named) == {
        "type": "SQL",
        "dialect": "postgresql",
        "url": "db.local",
        "port": 5433,
        "db": "borgerbot_events",
        "username": "ev",
        "password": "pw",
    }


def test_the_tracker_stores_database_is_refused_for_the_events(settings: Settings) -> None:
    url = "postgresql://bot@db.local:5432/borgerbot"
    same = settings.model_copy(update={"database_url": url, "events_database_url": url})
    with pytest.raises(ValueError, match="both keep a table named `events`"):
        event_broker_config(same)
    with pytest.raises(ValueError, match="both keep a table named `events`"):
        event_broker_config(settings.model_copy(update={"events_database_url": settings.tracker_database_url}))


def test_rabbitmq_url_selects_the_pika_broker_and_a_durable_queue_of_our_own(settings: Settings) -> None:
    config = broker(settings.model_copy(update={"rabbitmq_url": RABBITMQ}))
    assert config == {
        "type": "ops.rasa_event_broker.DurablePikaEventBroker",
        "url": RABBITMQ,
        "username": "guest",
        "password": "guest",
        "port": 5672,
        "queues": ["borgerbot.events"],
        "exchange_name": "borgerbot.events.durable",
    }
    assert settings.model_copy(update={"rabbitmq_url": RABBITMQ}).broker_database_url is None


def test_rabbitmq_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("BORGERBOT_RABBITMQ_URL", RABBITMQ)
    monkeypatch.setenv("BORGERBOT_RABBITMQ_QUEUE", "borgerbot.test")
    monkeypatch.setenv("BORGERBOT_EVENTS_DATABASE_URL", "postgresql://ev@db.local/events")
    read = Settings(var_dir=tmp_path)
    assert (read.rabbitmq_url, read.rabbitmq_queue, read.events_database_url) == (
        RABBITMQ,
        "borgerbot.test",
        "postgresql://ev@db.local/events",
    )


def test_a_url_that_is_not_amqp_is_refused(settings: Settings) -> None:
    with pytest.raises(ValueError, match="amqp://"):
        event_broker_config(settings.model_copy(update={"rabbitmq_url": "http://127.0.0.1:15672"}))


def test_endpoints_file_stays_private(settings: Settings) -> None:
    path = write_endpoints(settings.model_copy(update={"rabbitmq_url": RABBITMQ}))
    assert path.stat().st_mode & 0o777 == 0o600


def run_in_rasa(settings: Settings, script: str) -> str:
    """A script in Rasa's own environment, reading the endpoints file as `rasa run` does."""
    python = settings.rasa_venv / "bin" / "python"
    env = {**os.environ, "PYTHONPATH": str(settings.project_root), "RASA_TELEMETRY_ENABLED": "false"}
    result = subprocess.run(
        [str(python), "-c", script], cwd=settings.var_dir, env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def test_rasa_builds_its_sql_broker_from_the_file_and_writes_events_there(settings: Settings) -> None:
    path = write_endpoints(settings)
    script = (
        "import asyncio; from rasa.utils.endpoints import read_endpoint_config as read; "
        "from rasa.core.brokers.broker import EventBroker; "
        f"b = asyncio.run(EventBroker.create(read({str(path)!r}, 'event_broker'))); "
        "print(type(b).__name__); b.publish({'sender_id': 's1', 'event': 'user', 'timestamp': 1.5})"
    )
    assert run_in_rasa(settings, script).strip() == "SQLEventBroker"
    with sqlite3.connect(settings.var_dir / "events.db") as conn:
        rows = conn.execute("SELECT sender_id, data FROM events").fetchall()
    assert [(sender, json.loads(data)["timestamp"]) for sender, data in rows] == [("s1", 1.5)]
    assert not (settings.var_dir / "tracker.db").exists(), "the tracker store's file is not touched"


def test_rasa_reads_the_pika_config_as_the_url_we_gave(settings: Settings) -> None:
    url = "amqp://bot:p%40ss@mq.local/borgerbot"
    path = write_endpoints(settings.model_copy(update={"rabbitmq_url": url}))
    script = (
        "from rasa.utils.endpoints import read_endpoint_config as read; "
        "from rasa.shared.utils.common import class_from_module_path as load; "
        f"c = read({str(path)!r}, 'event_broker'); "
        "b = load(c.type)(c.url, **c.kwargs); "
        "print(type(b).__name__, b._configure_url(), b.queues, b.exchange_name)"
    )
    assert run_in_rasa(settings, script).split() == [
        "DurablePikaEventBroker",
        "amqp://bot:p%40ss@mq.local:5672/borgerbot",
        "['borgerbot.events']",
        "borgerbot.events.durable",
    ]
