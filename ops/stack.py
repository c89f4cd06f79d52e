"""Start, watch and stop the three processes: action server, Rasa server, gateway."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from ops.endpoints import write_endpoints
from core.settings import Settings
from ops.training import rasa_env, rasa_server_argv

logger = logging.getLogger(__name__)


@dataclass
class ProcessSpec:
    name: str
    label: str  # plain words for operators, e.g. "the Rasa server"
    argv: list[str]
    env: dict[str, str]
    health_url: str
    port: int
    log_path: Path
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)


class ProcessDiedError(RuntimeError):
    """A process of the stack exited; the message says which one and why."""


def settings_env(settings: Settings) -> dict[str, str]:
    """The settings as BORGERBOT_* variables, so child processes read the same values."""
    env = {}
    for key, value in settings.model_dump().items():
        if value is not None:
            env[f"BORGERBOT_{key.upper()}"] = str(value)
    return env


def log_tail(path: Path, lines: int = 12) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def wait_until_answering(
    process: subprocess.Popen[bytes],
    answers: Callable[[], bool],
    *,
    label: str,
    log_path: Path,
    timeout: float,
    interval: float = 0.5,
) -> None:
    """Poll ``answers()`` until it is true; raise with the log's end if the process exits or time runs out."""
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"{label} exited ({process.returncode}); see {log_path}:\n{log_tail(log_path)}")
        try:
            if answers():
                return
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            raise TimeoutError(f"{label} did not answer in {timeout:.0f} s; see {log_path}")
        time.sleep(interval)


def explain_exit(spec: ProcessSpec, returncode: int) -> str:
    """Why a process stopped, in plain words, with the end of its log."""
    tail = log_tail(spec.log_path)
    if "address already in use" in tail.lower() or "errno 98" in tail.lower():
        cause = f"port {spec.port} is already in use by another program"
    elif returncode < 0:
        cause = f"it was killed by signal {signal.Signals(-returncode).name}"
    else:
        cause = f"it exited with code {returncode}"
    return f"{spec.label} stopped: {cause}. Its log is {spec.log_path}; last lines:\n{tail}"


class Stack:
    """The whole assistant as child processes, each logging to var/log/<name>.log."""

    def __init__(self, settings: Settings, model: Path) -> None:
        self.settings = settings
        endpoints = write_endpoints(settings)
        env = {**os.environ, **settings_env(settings), "PYTHONPATH": str(settings.project_root)}
        logs = settings.log_dir
        self.specs = [
            ProcessSpec(
                name="actions",
                label="The action server",
                argv=[sys.executable, "-m", "actions.server", "--port", str(settings.action_port)],
                env=env,
                health_url=f"{settings.action_server_url}/health",
                port=settings.action_port,
                log_path=logs / "actions.log",
            ),
            ProcessSpec(
                name="rasa",
                label="The Rasa server",
                argv=[
                    *rasa_server_argv(settings),
                    "run",
                    "--model",
                    str(model),
                    "--endpoints",
                    str(endpoints),
                    "--credentials",
                    str(settings.project_root / "credentials.yml"),
                    "--interface",
                    "127.0.0.1",
                    "--port",
                    str(settings.rasa_port),
                ],
                env={**rasa_env(settings), **settings_env(settings)},
                health_url=f"{settings.rasa_url}/",
                port=settings.rasa_port,
                log_path=logs / "rasa.log",
            ),
            ProcessSpec(
                name="gateway",
                label="The gateway",
                argv=[
                    sys.executable,
                    "-m",
                    "uvicorn",
                    "--factory",
                    "bot.main:create_app",
                    "--host",
                    settings.gateway_host,
                    "--port",
                    str(settings.gateway_port),
                    "--no-access-log",
                ],
                env=env,
                health_url=f"http://127.0.0.1:{settings.gateway_port}/api/v1/health",
                port=settings.gateway_port,
                log_path=logs / "gateway.log",
            ),
        ]

    def start(self) -> None:
        self.settings.log_dir.mkdir(parents=True, exist_ok=True)
        for spec in self.specs:
            with spec.log_path.open("ab") as log:
                # A session of its own: Ctrl-C reaches the runner, which stops children in order.
                spec.process = subprocess.Popen(
                    spec.argv,
                    cwd=self.settings.project_root,
                    env=spec.env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            logger.info(
                "stack.started", extra={"component": spec.name, "pid": spec.process.pid, "log": str(spec.log_path)}
            )

    def first_dead(self) -> ProcessSpec | None:
        for spec in self.specs:
            if spec.process is not None and spec.process.poll() is not None:
                return spec
        return None

    def raise_if_dead(self) -> None:
        dead = self.first_dead()
        if dead is not None and dead.process is not None:
            raise ProcessDiedError(explain_exit(dead, dead.process.returncode))

    def wait_until_healthy(self, timeout: float | None = None) -> None:
        """Block until every process answers its health check; raise if one dies."""
        deadline = time.monotonic() + (timeout or self.settings.startup_timeout_seconds)
        pending = list(self.specs)
        with httpx.Client() as http:
            while pending:
                self.raise_if_dead()
                for spec in list(pending):
                    try:
                        if http.get(spec.health_url, timeout=2).status_code == 200:
                            pending.remove(spec)
                            logger.info("stack.healthy", extra={"component": spec.name})
                    except httpx.HTTPError:
                        pass
                if pending and time.monotonic() > deadline:
                    names = ", ".join(s.label for s in pending)
                    raise TimeoutError(f"{names} did not become healthy in time; see {self.settings.log_dir}")
                if pending:
                    time.sleep(0.5)

    def stop(self, grace: float = 15.0) -> None:
        """Stop in reverse order: gateway first, so no citizen reaches a half stack."""
        for spec in reversed(self.specs):
            if spec.process is not None and spec.process.poll() is None:
                os.killpg(spec.process.pid, signal.SIGTERM)
        deadline = time.monotonic() + grace
        for spec in reversed(self.specs):
            if spec.process is None:
                continue
            try:
                spec.process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(spec.process.pid, signal.SIGKILL)
                spec.process.wait()
            logger.info("stack.stopped", extra={"component": spec.name, "returncode": spec.process.returncode})
            spec.process = None
