"""The processes of the assistant (action server, Rasa server, gateway, analytics consumer): their one definition,
and `Stack`, which starts, watches and stops them without supervision (for tests, eval and bench).

`make run` supervises the same definitions with supervisord (ops.supervisor); a municipality's
server runs them under systemd (deploy/systemd, through ops.serve).
"""

from __future__ import annotations

import json
import logging
import os
import signal
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from core.settings import Settings
from ops.endpoints import LOCK_LIFETIME_SECONDS, write_endpoints
from ops.processes import Child, log_tail
from ops.training import rasa_env, rasa_server_argv

logger = logging.getLogger(__name__)


@dataclass
class ProcessSpec:
    """One process of the stack: what to run (its child, not started), where it answers its health check.

    A process without a port (the analytics consumer) has no health URL: it counts as started once
    it runs (under supervisord: once it has stayed up ``start_seconds``).
    """

    name: str
    child: Child
    health_url: str | None
    port: int | None
    # How long it must stay up to count as started (supervisord's startsecs); a crash sooner is a failed start.
    start_seconds: int = 5
    # The address its port is bound on (the one a citizen reaches may be public).
    host: str = "127.0.0.1"

    @property
    def kind(self) -> str:
        """What it is, whichever replica: ``rasa`` for ``rasa`` and ``rasa-2`` (ops.production)."""
        return self.name.split("-")[0]

    @property
    def label(self) -> str:
        return self.child.label

    @property
    def log_path(self) -> Path:
        return self.child.log_path


class ProcessDiedError(RuntimeError):
    """A process of the stack exited; the message says which one and why."""


def settings_env(settings: Settings) -> dict[str, str]:
    """The settings as BORGERBOT_* variables, so child processes read the same values."""
    env = {}
    for key, value in settings.model_dump(mode="json").items():
        if value is not None:
            # Lists as JSON, which is how pydantic-settings reads them back.
            env[f"BORGERBOT_{key.upper()}"] = json.dumps(value) if isinstance(value, list | dict) else str(value)
    return env


def explain_exit(spec: ProcessSpec, returncode: int | None) -> str:
    """Why a process stopped, in plain words, with the end of its log.

    ``returncode`` is the exit code, or minus the signal that killed it, or None when unknown.
    """
    tail = log_tail(spec.log_path)
    if returncode is not None and returncode < 0:
        # Before the log: a signal is the cause, whatever an earlier run left at the end of the log.
        try:
            name = signal.Signals(-returncode).name
        except ValueError:
            name = str(-returncode)
        cause = f"it was killed by signal {name}"
        if -returncode == signal.SIGKILL:
            cause += " (by someone, or by the kernel when memory ran out)"
    elif spec.port is not None and ("address already in use" in tail.lower() or "errno 98" in tail.lower()):
        cause = f"port {spec.port} is already in use by another program"
    elif returncode is None:
        cause = "it exited for a reason its supervisor did not record"
    else:
        cause = f"it exited with code {returncode}"
    return f"{spec.label} stopped: {cause}. Its log is {spec.log_path}; last lines:\n{tail}"


def process_specs(settings: Settings, model: Path) -> list[ProcessSpec]:
    """The processes in start order, with their command, environment, log and health check.

    The one place that says how each is run: `Stack`, the supervisord config and ops.serve all read it.
    Writes Rasa's endpoints file, which its command names.
    """
    endpoints = write_endpoints(settings)
    # PYTHONPATH for Rasa too: its tracker store class lives in ops/ (see ops.endpoints).
    ours = {**settings_env(settings), "PYTHONPATH": str(settings.project_root)}
    env = {**os.environ, **ours}
    logs = settings.log_dir
    root = settings.project_root
    lock_env = {"TICKET_LOCK_LIFETIME": str(LOCK_LIFETIME_SECONDS)} if settings.redis_url else {}
    rasa_argv = [
        *rasa_server_argv(settings),
        "run",
        "--model",
        str(model),
        "--endpoints",
        str(endpoints),
        "--credentials",
        str(root / "credentials.yml"),
        "--interface",
        "127.0.0.1",
        "--port",
        str(settings.rasa_port),
    ]
    gateway_argv = [sys.executable, "-m", "uvicorn", "--factory", "bot.main:create_app"]
    gateway_argv += ["--host", settings.gateway_host, "--port", str(settings.gateway_port), "--no-access-log"]
    actions_argv = [sys.executable, "-m", "actions.server", "--port", str(settings.action_port)]
    analytics_argv = [sys.executable, "-m", "bot.analytics", "consume"]
    return [
        ProcessSpec(
            "actions",
            Child("The action server", actions_argv, logs / "actions.log", root, env),
            f"http://127.0.0.1:{settings.action_port}/health",
            settings.action_port,
        ),
        ProcessSpec(
            "rasa",
            Child("The Rasa server", rasa_argv, logs / "rasa.log", root, {**rasa_env(settings), **ours, **lock_env}),
            f"{settings.rasa_url}/",
            settings.rasa_port,
            # Loading the model takes longer; a Rasa that dies while loading it has not started.
            start_seconds=10,
        ),
        ProcessSpec(
            "gateway",
            Child("The gateway", gateway_argv, logs / "gateway.log", root, env),
            f"http://127.0.0.1:{settings.gateway_port}/api/v1/health",
            settings.gateway_port,
            host=settings.gateway_host,
        ),
        # Rasa's events into the weekly review's tables (docs/review.md); citizens never wait on it.
        ProcessSpec(
            "analytics",
            Child("The analytics consumer", analytics_argv, logs / "analytics.log", root, env),
            None,
            None,
        ),
    ]


class Stack:
    """The whole assistant as plain child processes, each logging to var/log/<name>.log.

    Nothing restarts a process that dies: tests stop one on purpose and expect it to stay down.
    """

    def __init__(self, settings: Settings, model: Path, specs: list[ProcessSpec] | None = None) -> None:
        """The processes of ``process_specs``, or ``specs`` (the production shape, ops.production)."""
        self.settings = settings
        self.specs = specs if specs is not None else process_specs(settings, model)

    def spec(self, name: str) -> ProcessSpec:
        return next(s for s in self.specs if s.name == name)

    def start(self) -> None:
        for spec in self.specs:
            spec.child.start()

    def first_dead(self) -> ProcessSpec | None:
        for spec in self.specs:
            if spec.child.returncode is not None:
                return spec
        return None

    def raise_if_dead(self) -> None:
        dead = self.first_dead()
        if dead is not None and dead.child.returncode is not None:
            raise ProcessDiedError(explain_exit(dead, dead.child.returncode))

    def wait_until_healthy(self, timeout: float | None = None) -> None:
        """Block until every process answers its health check; raise if one dies."""
        deadline = time.monotonic() + (timeout or self.settings.startup_timeout_seconds)
        pending = list(self.specs)
        with httpx.Client() as http:
            while pending:
                self.raise_if_dead()
                for spec in list(pending):
                    try:
                        # No health URL: running is all it can say (raise_if_dead reports a death).
                        if spec.health_url is None or http.get(spec.health_url, timeout=2).status_code == 200:
                            pending.remove(spec)
                            logger.info("stack.healthy", extra={"component": spec.name})
                    except httpx.HTTPError:
                        pass
                if pending and time.monotonic() > deadline:
                    names = ", ".join(s.label for s in pending)
                    raise TimeoutError(f"{names} did not become healthy in time; see {self.settings.log_dir}")
                if pending:
                    time.sleep(0.5)

    def stop(self) -> None:
        """Stop in reverse order: the consumer, then the gateway, so no citizen reaches a half stack."""
        for spec in reversed(self.specs):
            spec.child.send(signal.SIGTERM)
        for spec in reversed(self.specs):
            spec.child.stop()
