"""Child processes of the tooling: start one in a session of its own, wait until it answers, stop it.

The one place that knows SIGTERM-then-SIGKILL and the health wait; the stack, the benchmark's
floor, the evaluation's FAQ peer and the start-up timing all use it.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

logger = logging.getLogger(__name__)

# What a stop sends, in order, and how long it waits after each for the process to exit.
GRACEFUL: tuple[tuple[signal.Signals, float], ...] = ((signal.SIGTERM, 15.0), (signal.SIGKILL, 15.0))


def log_tail(path: Path, lines: int = 12) -> str:
    """The last lines of a log, for an error message that says why."""
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


@dataclass
class Child:
    """One child process: its command, its log file and, once started, the running process."""

    label: str  # plain words for operators, e.g. "the Rasa server"
    argv: Sequence[str]
    log_path: Path
    cwd: Path | None = None
    env: Mapping[str, str] | None = None
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)
    started_at: float = 0.0

    def start(self, *, append: bool = True) -> Child:
        """Start it in a session of its own (so Ctrl-C reaches only the parent), output to its log."""
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("ab" if append else "wb") as log:
            self.process = subprocess.Popen(
                list(self.argv),
                cwd=self.cwd,
                env=dict(self.env) if self.env is not None else None,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.started_at = time.monotonic()
        logger.info("process.started", extra={"label": self.label, "pid": self.process.pid, "log": str(self.log_path)})
        return self

    @property
    def pid(self) -> int:
        if self.process is None:
            raise RuntimeError(f"{self.label} was not started")
        return self.process.pid

    @property
    def returncode(self) -> int | None:
        """None while it runs (or before it started); its exit code once it exited."""
        return self.process.poll() if self.process is not None else None

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def wait_until(self, answers: Callable[[], bool], *, timeout: float, interval: float = 0.5) -> None:
        """Poll ``answers()`` until true; raise with the log's end if the process exits or time runs out."""
        deadline = time.monotonic() + timeout
        while True:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(
                    f"{self.label} exited ({self.process.returncode}); see {self.log_path}:\n{log_tail(self.log_path)}"
                )
            try:
                if answers():
                    return
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise TimeoutError(f"{self.label} did not answer in {timeout:.0f} s; see {self.log_path}")
            time.sleep(interval)

    def wait_until_healthy(self, url: str, *, timeout: float, interval: float = 0.5) -> None:
        """Wait until a GET of ``url`` answers 200."""
        with httpx.Client() as http:
            self.wait_until(lambda: http.get(url, timeout=2).status_code == 200, timeout=timeout, interval=interval)

    def send(self, sig: signal.Signals) -> None:
        """Send a signal to the whole process group (a server and the workers it spawned)."""
        if self.running():
            os.killpg(self.pid, sig)

    def stop(self, steps: Sequence[tuple[signal.Signals, float]] = GRACEFUL) -> int | None:
        """Send each signal in turn until the process exits; its exit code (None if it was never started)."""
        if self.process is None:
            return None
        for sig, grace in steps:
            if self.process.poll() is not None:
                break
            self.send(sig)
            try:
                self.process.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                logger.warning("process.stop_slow", extra={"label": self.label, "signal": sig.name})
        returncode = self.process.poll()
        logger.info("process.stopped", extra={"label": self.label, "returncode": returncode})
        return returncode


@contextmanager
def running(child: Child, *, append: bool = True) -> Iterator[Child]:
    """Start the child for the block and stop it afterwards, whatever happens inside."""
    child.start(append=append)
    try:
        yield child
    finally:
        child.stop()
