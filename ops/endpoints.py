"""Write the endpoints file Rasa runs with, from the settings (ports, database, event broker, lock store)."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml
from sqlalchemy.engine import make_url

from core.settings import Settings

AMQP_PORTS = {"amqp": 5672, "amqps": 5671}


def sql_endpoint(url_text: str) -> dict[str, Any]:
    """Rasa's keys for an SQL tracker store or event broker: a sqlite:/// file or a postgresql:// database."""
    url = make_url(url_text)
    backend = url.get_backend_name()
    if backend == "sqlite":
        return {"type": "SQL", "dialect": "sqlite", "db": url.database}
    if backend != "postgresql":
        raise ValueError(f"{url.render_as_string(hide_password=True)}: only postgresql:// or sqlite:/// URLs")
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


def tracker_store_config(settings: Settings) -> dict[str, Any]:
    """Rasa's SQL tracker store: SQLite under var/ by default, else the configured database."""
    if settings.database_url and make_url(settings.database_url).get_backend_name() != "postgresql":
        raise ValueError("BORGERBOT_DATABASE_URL must be a postgresql:// URL (or unset for SQLite)")
    return sql_endpoint(settings.tracker_database_url)


# Rasa's Pika broker with a durable exchange and failed events retried (ops/rasa_event_broker.py), which
# Rasa imports by this path: with its own, a RabbitMQ restart lost events for the analytics.
DURABLE_PIKA_EVENT_BROKER = "ops.rasa_event_broker.DurablePikaEventBroker"


def pika_config(amqp_url: str, queue: str, exchange: str) -> dict[str, Any]:
    """Rasa's Pika broker publishing persistent messages to the durable queue ``queue``.

    The broker is ours (ops/rasa_event_broker.py: a durable exchange, nothing lost when RabbitMQ
    restarts). The queue gets a fanout exchange of its own, so no other Rasa's events reach it. Rasa uses
    the URL as it is when it holds the username and password it is given, so they are passed as the
    URL spells them (percent-encoded).
    """
    parts = urlsplit(amqp_url)
    if parts.scheme not in AMQP_PORTS or not parts.hostname:
        raise ValueError("BORGERBOT_RABBITMQ_URL must be an amqp:// or amqps:// URL with a host")
    credentials, _, _ = parts.netloc.rpartition("@")
    username, _, password = credentials.partition(":")
    return {
        "type": DURABLE_PIKA_EVENT_BROKER,
        "url": amqp_url,
        "username": username or "guest",
        "password": password or "guest",
        "port": parts.port or AMQP_PORTS[parts.scheme],
        "queues": [queue],
        "exchange_name": exchange,
    }


def event_broker_config(settings: Settings) -> dict[str, Any]:
    """Where Rasa publishes every event (docs/review.md): RabbitMQ when configured, else its SQL broker."""
    if settings.rabbitmq_url:
        return pika_config(settings.rabbitmq_url, settings.rabbitmq_queue, settings.rabbitmq_exchange)
    url = settings.broker_database_url
    assert url is not None  # None only with RabbitMQ
    if make_url(url) == make_url(settings.tracker_database_url):
        raise ValueError(
            "BORGERBOT_EVENTS_DATABASE_URL must name another database than the tracker store's: "
            "Rasa's event broker and tracker store both keep a table named `events`"
        )
    return sql_endpoint(url)


# How long a Rasa replica's ticket on a conversation lasts (Rasa's TICKET_LOCK_LIFETIME; its default is
# 60 s). A replica stopped in the middle of a message can leave its ticket behind, and the twin that
# takes the conversation over waits until it expires; far longer than a message takes (under a second,
# a few under heavy load). A killed replica's messages have still been seen to wait past the gateway's
# 20 s (deploy/README.md): rolling restarts drain a replica first (ops.rolling) so none is in hand.
LOCK_LIFETIME_SECONDS = 8


def lock_store_config(redis_url: str) -> dict[str, Any]:
    """Rasa's Redis lock store, so replicas sharing the tracker store never handle one conversation at once.

    It is only safe when every message of a conversation reaches the same Rasa (RasaHQ/rasa#9213):
    the gateways route by session (bot/rasa_pool.py); the lock covers a replica taking a conversation over.
    """
    parts = urlsplit(redis_url)
    if parts.scheme not in ("redis", "rediss") or not parts.hostname:
        raise ValueError("BORGERBOT_REDIS_URL must be a redis:// or rediss:// URL with a host")
    config: dict[str, Any] = {
        "type": "redis",
        "url": parts.hostname,
        "port": parts.port or 6379,
        "db": int(parts.path.strip("/") or 0),
        "key_prefix": "borgerbot",
        "use_ssl": parts.scheme == "rediss",
    }
    if parts.username:
        config["username"] = parts.username
    if parts.password:
        config["password"] = parts.password
    return config


# Rasa's SQL tracker store without its second read of the tracker per turn (ops/rasa_tracker_store.py),
# and on PostgreSQL with connections checked before use (without it, the first message after PostgreSQL
# dropped the connections fails). Rasa imports them by these paths.
COUNTING_SQL_TRACKER_STORE = "ops.rasa_tracker_store.CountingSQLTrackerStore"
PRE_PING_SQL_TRACKER_STORE = "ops.rasa_tracker_store.PrePingSQLTrackerStore"


def write_endpoints(settings: Settings) -> Path:
    """Runtime endpoints for `rasa run`; kept under var/ because it may hold a password."""
    settings.var_dir.mkdir(parents=True, exist_ok=True)
    path = settings.var_dir / "endpoints.yml"
    tracker_store = tracker_store_config(settings)
    # A SQLite file has no connection to lose.
    postgresql = tracker_store["dialect"] == "postgresql"
    tracker_store["type"] = PRE_PING_SQL_TRACKER_STORE if postgresql else COUNTING_SQL_TRACKER_STORE
    config = {
        "action_endpoint": {"url": f"{settings.action_server_url}/webhook"},
        "tracker_store": tracker_store,
        "event_broker": event_broker_config(settings),
    }
    if settings.redis_url:
        config["lock_store"] = lock_store_config(settings.redis_url)
    path.touch(mode=0o600)
    path.chmod(0o600)
    path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return path
