"""Our stack for the bench: action server, Rasa server and gateway on free ports with a fresh SQLite var folder."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from core.settings import Settings
from ops.eval.driver import eval_settings
from ops.stack import ProcessSpec, Stack

UNLIMITED = 1_000_000


def bench_settings(base: Settings, var_dir: Path) -> Settings:
    """As make eval's stack, with both rate limits lifted: every simulated citizen comes from 127.0.0.1."""
    settings = eval_settings(base, var_dir)
    return settings.model_copy(update={"rate_limit_per_client": UNLIMITED, "rate_limit_per_session": UNLIMITED})


@dataclass(frozen=True)
class RunningStack:
    """Our stack, healthy: the URL citizens reach (gateway, or nginx in front of gateways) and each process's pid."""

    url: str
    pids: dict[str, int]
    startup_seconds: float


@contextmanager
def run_ours(settings: Settings, model: Path, specs: list[ProcessSpec] | None = None) -> Iterator[RunningStack]:
    """Start the processes (the single stack's, or ``specs``), wait until each is healthy, stop them after."""
    started = time.monotonic()
    stack = Stack(settings, model, specs)
    stack.start()
    try:
        stack.wait_until_healthy()
        pids = {spec.name: spec.child.pid for spec in stack.specs if spec.child.running()}
        url = f"http://127.0.0.1:{settings.gateway_port}"
        yield RunningStack(url=url, pids=pids, startup_seconds=time.monotonic() - started)
    finally:
        stack.stop()
