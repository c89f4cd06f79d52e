"""The supervisord driver with real supervisord and real processes: small web servers and one that
cannot start stand in for the stack's three, so a restart and giving up take seconds, not minutes.
The real stack's faults are in test_faults.py."""

from __future__ import annotations

import os
import signal
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from core.settings import Settings
from ops.ports import free_port
from ops.processes import Child
from ops.stack import ProcessDiedError, ProcessSpec
from ops.supervision import Event, Policy
from ops.supervisor import SupervisedStack

pytestmark = pytest.mark.integration


def web(name: str, label: str, log_dir: Path) -> ProcessSpec:
    port = free_port()
    argv = [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"]
    child = Child(label, argv, log_dir / f"{name}.log", env=dict(os.environ))
    return ProcessSpec(name, child, f"http://127.0.0.1:{port}/", port, start_seconds=1)


CANNOT_START = "raise SystemExit(3)"
# Up longer than its start_seconds, so supervisord counts it as started each time, then it crashes.
CRASHES_AFTER_STARTING = "import time; time.sleep(1.5); raise SystemExit(4)"


@pytest.fixture
def supervise(tmp_path: Path) -> Iterator[Callable[[str, Policy], SupervisedStack]]:
    """Factory: supervisord running two web servers (actions, gateway) and a Rasa that runs ``rasa_code``."""
    started: list[SupervisedStack] = []

    def start(rasa_code: str, policy: Policy) -> SupervisedStack:
        settings = Settings(var_dir=tmp_path / "var")
        logs = settings.log_dir
        rasa = ProcessSpec(
            "rasa",
            Child("The Rasa server", [sys.executable, "-c", rasa_code], logs / "rasa.log"),
            "http://127.0.0.1:1/",
            1,
            start_seconds=1,
        )
        specs = [web("actions", "The action server", logs), rasa, web("gateway", "The gateway", logs)]
        stack = SupervisedStack(settings, Path("unused"), policy, specs=specs)
        started.append(stack)
        stack.start()
        return stack

    yield start
    for stack in started:
        stack.stop()


@pytest.fixture
def supervised(supervise: Callable[[str, Policy], SupervisedStack]) -> SupervisedStack:
    return supervise(CANNOT_START, Policy(start_retries=1, stop_wait_seconds=5))


def wait_healthy(stack: SupervisedStack, spec: ProcessSpec, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not stack.healthy(spec):
        assert time.monotonic() < deadline, f"{spec.label} did not answer in {timeout} s"
        time.sleep(0.2)


def poll_until(stack: SupervisedStack, wanted: Callable[[Event], bool], timeout: float = 30.0) -> list[Event]:
    """Every event until one is wanted (that one last)."""
    seen: list[Event] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for event in stack.poll():
            seen.append(event)
            if wanted(event):
                return seen
        time.sleep(0.2)
    raise AssertionError(f"not seen in {timeout} s; saw {[(e.kind, e.name) for e in seen]}")


def test_restarts_the_killed_gives_up_on_the_crashing_and_keeps_the_rest(supervised: SupervisedStack) -> None:
    with pytest.raises(ProcessDiedError) as failed:
        supervised.wait_until_healthy(timeout=60)
    message = str(failed.value)
    assert message.startswith("The Rasa server stopped: it exited with code 3.")
    assert "keeps crashing: it failed to start 2 times in a row, so supervisord does not restart it again" in message
    assert supervised.info("rasa")["statename"] == "FATAL"

    gateway = supervised.spec("gateway")
    assert supervised.healthy(gateway), "a neighbour given up on does not stop the gateway"
    gateway_pid = supervised.pid("gateway")
    wait_healthy(supervised, supervised.spec("actions"))
    killed_pid = supervised.pid("actions")
    os.kill(killed_pid, signal.SIGKILL)
    killed_at = time.monotonic()

    events = poll_until(supervised, lambda e: e.kind == "recovered" and e.name == "actions")
    exited = next(e for e in events if e.kind == "exited" and e.name == "actions")
    assert exited.returncode == -signal.SIGKILL
    assert exited.message.startswith("The action server stopped: it was killed by signal SIGKILL")
    assert "supervisord has restarted it (restart 1 of at most 5 within 5 minutes)" in exited.message
    assert events[-1].seconds is not None and events[-1].seconds <= time.monotonic() - killed_at
    assert supervised.pid("actions") not in (0, killed_pid)
    assert supervised.pid("gateway") == gateway_pid, "the gateway was never restarted"
    assert gateway.health_url is not None and httpx.get(gateway.health_url, timeout=5).status_code == 200


def test_stop_ends_every_program_and_supervisord(supervised: SupervisedStack) -> None:
    actions = supervised.spec("actions")
    assert actions.health_url is not None
    wait_healthy(supervised, actions)
    pids = [supervised.pid(name) for name in ("actions", "gateway")]
    assert all(pids)
    supervised.stop()
    assert not supervised.supervisord.running()
    for pid in pids:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
    with pytest.raises(httpx.ConnectError):
        httpx.get(actions.health_url, timeout=2)
    log = (supervised.settings.log_dir / "supervisord.log").read_text()
    assert log.index("stopped: gateway") < log.index("stopped: actions"), "the gateway stops first"


def test_a_process_that_keeps_crashing_after_starting_is_stopped_not_restarted_forever(
    supervise: Callable[[str, Policy], SupervisedStack],
) -> None:
    stack = supervise(CRASHES_AFTER_STARTING, Policy(restart_burst=2, restart_interval_seconds=60, stop_wait_seconds=5))
    events = poll_until(stack, lambda e: e.kind == "fatal", timeout=60)
    assert [e.kind for e in events if e.name == "rasa"] == ["exited", "exited", "fatal"]
    assert events[0].message.startswith("The Rasa server stopped: it exited with code 4.")
    fatal = events[-1]
    assert fatal.give_up and "keeps crashing: it stopped 3 times in 1 minute, so it is not restarted again" in (
        fatal.message
    )
    time.sleep(3)  # longer than the crashing program lives: had it been restarted, it would show
    assert stack.info("rasa")["statename"] == "STOPPED"
    assert [e for e in stack.poll() if e.name == "rasa"] == []
    assert stack.healthy(stack.spec("gateway"))
