"""The floor: a bare ``rasa init`` assistant (the moodbot), trained once and cached under var/bench/floor/.

It is what any Rasa 3.6 bot costs on this machine, so our figures can be read as ratios to it.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from core.settings import Settings
from ops.ports import free_port
from ops.processes import Child, log_tail, running
from ops.training import rasa_env, rasa_executable

logger = logging.getLogger(__name__)

INIT_TIMEOUT_SECONDS = 1200.0
# Only the REST channel: the scaffold's `rasa:` entry is for Rasa Enterprise and not wanted here.
CREDENTIALS = "rest:\n"


@dataclass(frozen=True)
class RunningFloor:
    """The floor's Rasa server, up and answering on 127.0.0.1."""

    url: str
    pid: int
    startup_seconds: float


def floor_model(floor_dir: Path) -> Path | None:
    """The newest trained moodbot model in the cache, if any."""
    models = sorted((floor_dir / "models").glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
    return models[-1] if models else None


def ensure_floor(settings: Settings, floor_dir: Path) -> Path:
    """The trained floor model: reused from the cache, else made by `rasa init --no-prompt` (trains it)."""
    cached = floor_model(floor_dir)
    if cached is not None:
        logger.info("bench.floor.cached", extra={"model": str(cached)})
        (floor_dir / "credentials.yml").write_text(CREDENTIALS, encoding="utf-8")
        return cached
    shutil.rmtree(floor_dir, ignore_errors=True)
    floor_dir.mkdir(parents=True)
    log_path = floor_dir.parent / "log" / "floor-init.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    logger.info("bench.floor.init_started", extra={"dir": str(floor_dir), "log": str(log_path)})
    started = time.monotonic()
    with log_path.open("w") as log:
        result = subprocess.run(
            [str(rasa_executable(settings)), "init", "--no-prompt", "--init-dir", str(floor_dir)],
            cwd=floor_dir,
            env=rasa_env(settings),
            stdout=log,
            stderr=subprocess.STDOUT,
            timeout=INIT_TIMEOUT_SECONDS,
            check=False,
        )
    model = floor_model(floor_dir)
    if result.returncode != 0 or model is None:
        raise RuntimeError(f"rasa init failed (exit {result.returncode}); see {log_path}:\n{log_tail(log_path)}")
    (floor_dir / "credentials.yml").write_text(CREDENTIALS, encoding="utf-8")
    logger.info("bench.floor.init_finished", extra={"model": str(model), "seconds": round(time.monotonic() - started)})
    return model


@contextmanager
def run_floor(settings: Settings, floor_dir: Path, model: Path) -> Iterator[RunningFloor]:
    """Serve the floor model with `rasa run` (REST channel, in-memory tracker) until the block ends."""
    port = free_port()
    log_path = floor_dir.parent / "log" / "floor.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    argv = [
        str(rasa_executable(settings)),
        "run",
        "--model",
        str(model),
        "--credentials",
        "credentials.yml",
        "--interface",
        "127.0.0.1",
        "--port",
        str(port),
    ]
    started = time.monotonic()
    floor = Child("the floor's Rasa server", argv, log_path, floor_dir, rasa_env(settings))
    url = f"http://127.0.0.1:{port}"
    with running(floor):
        floor.wait_until_healthy(f"{url}/", timeout=settings.startup_timeout_seconds)
        logger.info("bench.floor.healthy", extra={"url": url, "pid": floor.pid})
        yield RunningFloor(url=url, pid=floor.pid, startup_seconds=time.monotonic() - started)
