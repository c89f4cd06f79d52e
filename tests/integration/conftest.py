"""Real processes on free ports: Rasa server, action server and gateway, real databases."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from core.log import configure_logging
from core.settings import Settings
from kb.prepare import ensure_index
from ops.ports import free_port
from ops.stack import Stack
from ops.training import ensure_model

ADMIN_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/postgres"


@pytest.fixture(scope="session")
def trained_model() -> Path:
    """The real Rasa model for the current data (trained once, reused when unchanged)."""
    configure_logging("INFO")
    return ensure_model(Settings())


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A fresh PostgreSQL database on the machine's server, dropped afterwards."""
    name = f"borgerbot_it_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(ADMIN_POSTGRES_URL, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    yield f"postgresql://postgres@127.0.0.1:5432/{name}"
    with psycopg.connect(ADMIN_POSTGRES_URL, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def stack_settings(var_dir: Path, database_url: str | None) -> Settings:
    """Settings for one test stack: its own ports, var/ folder and database."""
    settings = Settings(
        var_dir=var_dir,
        rasa_port=free_port(),
        action_port=free_port(),
        gateway_port=free_port(),
        database_url=database_url,
    )
    ensure_index(settings)
    return settings


@pytest.fixture
def start_stack() -> Iterator[object]:
    """Start a stack and stop whatever is still running at the end of the test."""
    started: list[Stack] = []

    def start(settings: Settings, model: Path) -> Stack:
        stack = Stack(settings, model)
        started.append(stack)
        stack.start()
        stack.wait_until_healthy()
        return stack

    yield start
    for stack in started:
        stack.stop()
