"""Time from `make run` to ready on an existing install (model trained, index built), and to the first answer."""

from __future__ import annotations

import logging
import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from core.settings import Settings
from ops.bench.ours import bench_settings
from ops.processes import Child, log_tail
from ops.publishing import copy_published_index

logger = logging.getLogger(__name__)

READY_LINE = "Borgerbot is ready"
FIRST_QUESTION = "Hvad koster et pas?"
STOP_GRACE_SECONDS = 60.0


@dataclass(frozen=True)
class Startup:
    """What the start-up took, in seconds from launching the command; None where it did not get that far."""

    command: str
    ready_seconds: float | None = None
    health_seconds: float | None = None
    first_answer_seconds: float | None = None
    first_answer_status: int | None = None
    stop_seconds: float | None = None
    returncode: int | None = None
    note: str = ""


def setup_is_current(root: Path) -> bool:
    """Whether `make run`'s setup prerequisite would install nothing (both environments match their locks)."""
    make = shutil.which("make")
    if make is None:
        return False
    probe = subprocess.run(
        [make, "-q", ".venv-rasa/.installed", ".venv/.installed"], cwd=root, capture_output=True, check=False
    )
    return probe.returncode == 0


def _command(root: Path) -> tuple[list[str], str, str]:
    if setup_is_current(root):
        return ["make", "run"], "make run", ""
    # Never let a timing run install packages: with a stale lock stamp, time the runner that `make run` starts.
    note = "make run's setup would reinstall an environment (a lock file is newer than its stamp); timed the runner"
    return [sys.executable, "-m", "ops.run"], "python -m ops.run", note


# As Ctrl-C in a terminal first; harder only if the command does not stop by itself.
STOP_STEPS = ((signal.SIGINT, STOP_GRACE_SECONDS), (signal.SIGTERM, 15.0), (signal.SIGKILL, 15.0))


def time_startup(base: Settings, run_dir: Path) -> Startup:
    """Run the command on free ports with a var folder holding a copy of the published index; time ready and
    first answer (make run migrates a fresh content database, imports kb/ and publishes, all in the timing)."""
    settings = bench_settings(base, run_dir)
    # make run publishes from its content database into its index folder: a copy, so the shared one stays.
    copy_published_index(base.index_dir, settings.index_dir)
    argv, command, note = _command(settings.project_root)
    env = {key: value for key, value in os.environ.items() if key != "BORGERBOT_DATABASE_URL"}
    env |= {
        "BORGERBOT_GATEWAY_PORT": str(settings.gateway_port),
        "BORGERBOT_RASA_PORT": str(settings.rasa_port),
        "BORGERBOT_ACTION_PORT": str(settings.action_port),
        "BORGERBOT_VAR_DIR": str(run_dir),
        "PYTHONPATH": str(settings.project_root),
    }
    log_path = run_dir / "command.log"
    health_url = f"http://127.0.0.1:{settings.gateway_port}/api/v1/health"
    chat_url = f"http://127.0.0.1:{settings.gateway_port}/api/v1/chat"
    ready: float | None = None
    health: float | None = None
    first: float | None = None
    first_status: int | None = None
    logger.info("bench.startup.started", extra={"command": command, "log": str(log_path)})
    started = time.monotonic()
    command_process = Child(command, argv, log_path, settings.project_root, env).start(append=False)
    deadline = started + settings.startup_timeout_seconds + 120
    try:
        with httpx.Client() as http:
            while ready is None or health is None:
                if command_process.returncode is not None:
                    note = (
                        f"{command} exited with {command_process.returncode} before it was ready:\n{log_tail(log_path)}"
                    )
                    break
                if time.monotonic() > deadline:
                    note = f"{command} was not ready in time; see {log_path}"
                    break
                if ready is None and READY_LINE in log_path.read_text(errors="replace"):
                    ready = time.monotonic() - started
                if health is None:
                    try:
                        if http.get(health_url, timeout=2).status_code == 200:
                            health = time.monotonic() - started
                    except httpx.HTTPError:
                        pass
                time.sleep(0.1)
            else:
                asked = time.monotonic()
                try:
                    reply = http.post(
                        chat_url, json={"municipality": "kalundborg", "message": FIRST_QUESTION}, timeout=60
                    )
                    first_status = reply.status_code
                except httpx.HTTPError as exc:
                    note = f"the first question failed: {type(exc).__name__}"
                first = time.monotonic() - asked
    finally:
        stopping = time.monotonic()
        returncode = command_process.stop(STOP_STEPS)
        stop = time.monotonic() - stopping
    logger.info("bench.startup.done", extra={"command": command, "ready_seconds": ready, "returncode": returncode})
    return Startup(command, ready, health, first, first_status, stop, returncode, note)
