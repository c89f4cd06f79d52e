"""The production shape for the bench (ops.production): two action servers, two Rasa replicas and two gateways
behind nginx, and the analytics consumer, on a PostgreSQL database and a RabbitMQ queue of its own, both
made for the run and removed after it; Redis for the lock store and the rate limits.

The servers are the ones the settings name, else this machine's (as deploy/local-prod.env).
"""

from __future__ import annotations

import logging
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from core.settings import Settings
from ops.bench.ours import RunningStack, bench_settings, run_ours
from ops.ports import free_port_block
from ops.production import REPLICAS, production_specs, unreachable_servers
from ops.publishing import copy_published_index, publish_content

logger = logging.getLogger(__name__)

# This machine's servers (trust authentication on localhost), when the settings name none.
POSTGRES_SERVER_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
# A Redis database of its own, apart from make run-prod's (1) and the integration tests' (3).
REDIS_URL = "redis://127.0.0.1:6379/4"
RABBITMQ_URL = "amqp://guest:guest@127.0.0.1:5672/%2F"
PORT_ATTEMPTS = 20


@dataclass(frozen=True)
class Servers:
    """Where the production shape's PostgreSQL (its maintenance database), Redis and RabbitMQ are."""

    postgres: str
    redis: str
    rabbitmq: str

    def database_url(self, name: str) -> str:
        """The URL of database ``name`` on the same PostgreSQL server."""
        from sqlalchemy.engine import make_url

        return make_url(self.postgres).set(database=name).render_as_string(hide_password=False)


def servers(base: Settings) -> Servers:
    """The servers the settings name (a database URL: its server), else this machine's."""
    from sqlalchemy.engine import make_url

    postgres = POSTGRES_SERVER_URL
    if base.database_url:
        # psycopg takes libpq URLs only: no SQLAlchemy driver suffix.
        url = make_url(base.database_url).set(drivername="postgresql", database="postgres")
        postgres = url.render_as_string(hide_password=False)
    return Servers(postgres, base.redis_url or REDIS_URL, base.rabbitmq_url or RABBITMQ_URL)


def disjoint(bases: list[int], sizes: tuple[int, ...]) -> bool:
    """Whether the port blocks starting at ``bases`` with ``sizes`` share no port."""
    taken = [set(range(base, base + size)) for base, size in zip(bases, sizes, strict=True)]
    return sum(len(t) for t in taken) == len(set().union(*taken))


def port_blocks(*sizes: int) -> list[int]:
    """Disjoint blocks of consecutive free ports, one per size."""
    for _ in range(PORT_ATTEMPTS):
        bases = [free_port_block(size) for size in sizes]
        if disjoint(bases, sizes):
            return bases
    raise RuntimeError(f"no disjoint free port blocks of sizes {sizes} found")


def production_settings(base: Settings, var_dir: Path, found: Servers, database: str, queue: str) -> Settings:
    """A fresh var folder with a copy of the published index, free ports for nginx and every replica,
    the run's database and queue, both rate limits lifted (every simulated citizen is 127.0.0.1)."""
    settings = bench_settings(base, var_dir)
    copy_published_index(base.index_dir, settings.index_dir)
    # nginx and a replica per port above it (gateways, action servers); the Rasa replicas side by side.
    gateway, action, rasa = port_blocks(REPLICAS + 1, REPLICAS + 1, REPLICAS)
    return settings.model_copy(
        update={
            "gateway_port": gateway,
            "action_port": action,
            "rasa_port": rasa,
            "database_url": found.database_url(database),
            "redis_url": found.redis,
            "rabbitmq_url": found.rabbitmq,
            "rabbitmq_queue": queue,
        }
    )


def problems(base: Settings) -> list[str]:
    """Why the production shape cannot run here (no nginx, a server that does not answer); empty: it can."""
    found = servers(base)
    missing = [] if shutil.which("nginx") or Path("/usr/sbin/nginx").exists() else ["nginx is not installed"]
    update = {"database_url": found.postgres, "redis_url": found.redis, "rabbitmq_url": found.rabbitmq}
    probe = base.model_copy(update=update)
    return missing + unreachable_servers(probe)


def _create_database(server: str, name: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def _drop_database(server: str, name: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def _create_gateway_tables(settings: Settings) -> None:
    """The gateway's session tables made once before the gateways start: two gateways on a fresh database
    would otherwise both create them at start-up, and the one that loses the race exits."""
    from bot.sessions import SqlSessionStore, make_engine

    engine = make_engine(settings.gateway_database_url)
    try:
        SqlSessionStore(engine)
    finally:
        engine.dispose()


def _delete_queue(rabbitmq: str, queue: str, exchange: str) -> None:
    import pika

    try:
        with pika.BlockingConnection(pika.URLParameters(rabbitmq)) as connection:
            channel = connection.channel()
            channel.queue_delete(queue)
            channel.exchange_delete(exchange)
    except pika.exceptions.AMQPError as exc:
        logger.warning("bench.production.queue_not_deleted", extra={"queue": queue, "error": repr(exc)})


@contextmanager
def run_production(base: Settings, model: Path, var_dir: Path) -> Iterator[RunningStack]:
    """The production shape, healthy, for the block: its database and queue made first, removed after."""
    found = servers(base)
    suffix = uuid.uuid4().hex[:8]
    database, queue = f"borgerbot_bench_{suffix}", f"borgerbot.bench.{suffix}"
    _create_database(found.postgres, database)
    logger.info("bench.production.database_created", extra={"database": database, "queue": queue})
    try:
        settings = production_settings(base, var_dir, found, database, queue)
        publish_content(settings)
        _create_gateway_tables(settings)
        with run_ours(settings, model, production_specs(settings, model)) as stack:
            logger.info("bench.production.healthy", extra={"url": stack.url, "processes": sorted(stack.pids)})
            yield stack
    finally:
        _delete_queue(found.rabbitmq, queue, base.model_copy(update={"rabbitmq_queue": queue}).rabbitmq_exchange)
        _drop_database(found.postgres, database)
        logger.info("bench.production.removed", extra={"database": database, "queue": queue})
