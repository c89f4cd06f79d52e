"""The production shape on one machine (`make run-prod`): two of each server behind nginx, on PostgreSQL,
Redis and RabbitMQ; the same process definitions as `make run` (ops.stack), one per replica.

Ports: the settings' ports are where each kind is *reached* (nginx on ``gateway_port`` for citizens,
nginx on ``action_port`` for Rasa's action calls, Rasa replicas from ``rasa_port`` up, as the gateways
route to them themselves); the replicas behind nginx take the ports just above.
"""

from __future__ import annotations

import dataclasses
import shutil
from dataclasses import dataclass
from pathlib import Path

from core.settings import Settings
from ops.processes import Child
from ops.proxy import nginx_main_config
from ops.stack import ProcessSpec, process_specs

REPLICAS = 2
# The shared servers the production shape needs; `make run-prod` checks each answers before it starts.
REQUIRED = ("database_url", "redis_url", "rabbitmq_url")


@dataclass(frozen=True)
class Layout:
    """Which port each replica listens on, from the settings' ports and the replica count."""

    settings: Settings
    replicas: int = REPLICAS

    @property
    def gateway_ports(self) -> list[int]:
        return [self.settings.gateway_port + 1 + i for i in range(self.replicas)]

    @property
    def action_ports(self) -> list[int]:
        return [self.settings.action_port + 1 + i for i in range(self.replicas)]

    @property
    def rasa_ports(self) -> list[int]:
        return [self.settings.rasa_port + i for i in range(self.replicas)]

    def shared(self) -> Settings:
        """What every replica is told: the Rasa replicas to route to, the actions behind nginx."""
        return self.settings.model_copy(
            update={
                "rasa_urls": [f"http://127.0.0.1:{port}" for port in self.rasa_ports],
                "actions_url": f"http://127.0.0.1:{self.settings.action_port}",
            }
        )


def missing_servers(settings: Settings) -> list[str]:
    """The shared servers the production shape needs that the settings do not name."""
    return [f"BORGERBOT_{name.upper()}" for name in REQUIRED if not getattr(settings, name)]


def unreachable_servers(settings: Settings) -> list[str]:
    """Plain words for each shared server that does not answer (PostgreSQL, Redis, RabbitMQ), checked once."""
    import pika
    import redis
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import DBAPIError

    problems = []
    assert settings.database_url and settings.redis_url and settings.rabbitmq_url  # missing_servers first
    database = make_url(settings.database_url)
    # The server, through its maintenance database: ours may not exist yet (ops.database.ensure_database).
    engine = create_engine(database.set(database="postgres"), connect_args={"connect_timeout": 5})
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except DBAPIError as exc:
        problems.append(f"PostgreSQL at {database.host}:{database.port or 5432} does not answer: {exc}")
    finally:
        engine.dispose()
    try:
        redis.Redis.from_url(settings.redis_url, socket_timeout=5).ping()
    except redis.RedisError as exc:
        problems.append(f"Redis at {settings.redis_url.rpartition('@')[2]} does not answer: {exc}")
    try:
        parameters = pika.URLParameters(settings.rabbitmq_url)
        parameters.socket_timeout = 5
        pika.BlockingConnection(parameters).close()
    except pika.exceptions.AMQPError as exc:
        problems.append(f"RabbitMQ at {parameters.host}:{parameters.port} does not answer: {exc!r}")
    return problems


def _replica(spec: ProcessSpec, number: int) -> ProcessSpec:
    """``spec`` as replica ``number``: its own name (``rasa-2``), label and log file."""
    child = dataclasses.replace(
        spec.child,
        label=f"{spec.child.label} {number}",
        log_path=spec.child.log_path.with_name(f"{spec.name}-{number}.log"),
    )
    return dataclasses.replace(spec, name=f"{spec.name}-{number}", child=child)


def _one(settings: Settings, model: Path, name: str) -> ProcessSpec:
    return next(s for s in process_specs(settings, model) if s.name == name)


def proxy_spec(layout: Layout) -> ProcessSpec:
    """nginx in the foreground with the rendered configuration (ops.proxy), logging under var/log/."""
    settings = layout.settings
    config = nginx_main_config(settings, layout.gateway_ports, layout.action_ports)
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    argv = [nginx, "-p", str(config.parent), "-c", str(config), "-g", "daemon off;"]
    child = Child("The reverse proxy (nginx)", argv, settings.log_dir / "proxy.log", settings.project_root, None)
    health = f"http://127.0.0.1:{settings.gateway_port}/api/v1/health"
    # Healthy once it passes the gateways' health through: nginx itself starts in milliseconds.
    return ProcessSpec("proxy", child, health, settings.gateway_port, start_seconds=2, host=settings.gateway_host)


def production_specs(settings: Settings, model: Path, replicas: int = REPLICAS) -> list[ProcessSpec]:
    """Every process of the production shape in start order: action servers, Rasa, gateways, consumer, nginx."""
    layout = Layout(settings, replicas)
    shared = layout.shared()
    specs: list[ProcessSpec] = []
    for number, port in enumerate(layout.action_ports, start=1):
        specs.append(_replica(_one(shared.model_copy(update={"action_port": port}), model, "actions"), number))
    for number, port in enumerate(layout.rasa_ports, start=1):
        specs.append(_replica(_one(shared.model_copy(update={"rasa_port": port}), model, "rasa"), number))
    for number, port in enumerate(layout.gateway_ports, start=1):
        replica = shared.model_copy(update={"gateway_port": port, "gateway_host": "127.0.0.1"})
        specs.append(_replica(_one(replica, model, "gateway"), number))
    specs.append(_one(shared, model, "analytics"))
    specs.append(proxy_spec(layout))
    return specs
