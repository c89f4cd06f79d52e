"""What supervision makes of supervisord's process info: exits, recoveries, giving up, in plain words."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ops.processes import Child
from ops.stack import ProcessSpec, explain_exit
from ops.supervision import Policy, Supervision, exit_cause

SUPERVISORD_LOG = """\
2026-12-01 23:20:01,101 INFO spawned: 'actions' with pid 4101
2026-12-01 23:20:07,240 INFO success: actions entered RUNNING state, process has stayed up for > than 5 seconds
2026-12-01 23:21:13,512 WARN exited: actions (terminated by SIGKILL; not expected)
2026-12-01 23:21:14,515 INFO spawned: 'actions' with pid 4377
2026-12-01 23:25:40,001 WARN exited: rasa (exit status 1; not expected)
"""


@pytest.fixture
def specs(tmp_path: Path) -> list[ProcessSpec]:
    (tmp_path / "actions.log").write_text('{"event": "actions.server.started"}\n')
    (tmp_path / "rasa.log").write_text("Loading model…\n")
    return [
        ProcessSpec("actions", Child("The action server", [], tmp_path / "actions.log"), "", 5055),
        ProcessSpec("rasa", Child("The Rasa server", [], tmp_path / "rasa.log"), "", 5005, start_seconds=10),
    ]


def info(name: str, state: str, stop: int = 0, pid: int = 100) -> dict[str, Any]:
    return {"name": name, "statename": state, "stop": stop, "pid": pid}


class Look:
    """Feeds Supervision one snapshot at a time, as SupervisedStack.poll does."""

    def __init__(self, specs: list[ProcessSpec], policy: Policy | None = None) -> None:
        self.supervision = Supervision(specs, policy or Policy())
        self.healthy: set[str] = set()
        self.log = SUPERVISORD_LOG

    def __call__(self, now: float, *infos: dict[str, Any]) -> list[Any]:
        return self.supervision.observe(list(infos), now, lambda: self.log, lambda spec: spec.name in self.healthy)


def test_the_cause_of_an_exit_comes_from_supervisords_log() -> None:
    assert exit_cause(SUPERVISORD_LOG, "actions") == -9
    assert exit_cause(SUPERVISORD_LOG, "rasa") == 1
    assert exit_cause(SUPERVISORD_LOG, "gateway") is None


def test_a_killed_process_is_explained_restarted_and_seen_back(specs: list[ProcessSpec]) -> None:
    look = Look(specs)
    assert look(0.0, info("actions", "RUNNING"), info("rasa", "RUNNING")) == []

    (exited,) = look(10.0, info("actions", "STARTING", stop=1700000073, pid=0), info("rasa", "RUNNING"))
    assert exited.kind == "exited" and exited.name == "actions" and exited.returncode == -9
    assert exited.message.startswith("The action server stopped: it was killed by signal SIGKILL")
    assert "supervisord has restarted it (restart 1 of at most 5 within 5 minutes)" in exited.message

    assert look(12.0, info("actions", "RUNNING", stop=1700000073), info("rasa", "RUNNING")) == [], "not healthy yet"
    look.healthy.add("actions")
    (back,) = look(14.5, info("actions", "RUNNING", stop=1700000073), info("rasa", "RUNNING"))
    assert back.kind == "recovered" and back.seconds == pytest.approx(4.5)
    assert back.message == "The action server is back after 4.5 s."
    assert look(15.0, info("actions", "RUNNING", stop=1700000073), info("rasa", "RUNNING")) == []


def test_a_failed_start_says_when_supervisord_tries_again(specs: list[ProcessSpec]) -> None:
    look = Look(specs)
    look(0.0, info("rasa", "STARTING"))
    (first,) = look(1.0, info("rasa", "BACKOFF", stop=1))
    assert "It did not stay up 10 s; supervisord starts it again in 1 s (failed start 1 of at most 4)" in first.message
    (second,) = look(3.0, info("rasa", "BACKOFF", stop=3))
    assert "again in 2 s (failed start 2 of at most 4)" in second.message


def test_supervisord_giving_up_is_told_once_in_plain_words(specs: list[ProcessSpec]) -> None:
    look = Look(specs)
    look(0.0, info("rasa", "BACKOFF", stop=1))
    (fatal,) = look(9.0, info("rasa", "FATAL", stop=9))
    assert fatal.kind == "fatal" and fatal.returncode == 1 and not fatal.give_up
    assert fatal.message.startswith("The Rasa server stopped: it exited with code 1.")
    assert "keeps crashing: it failed to start 4 times in a row, so supervisord does not restart it again" in (
        fatal.message
    )
    assert "503 and Den Digitale Hotline's number" in fatal.message
    assert look(10.0, info("rasa", "FATAL", stop=9)) == []


def test_a_process_that_keeps_crashing_after_starting_is_given_up(specs: list[ProcessSpec]) -> None:
    look = Look(specs, Policy(restart_burst=2, restart_interval_seconds=60))
    look(0.0, info("actions", "RUNNING"))
    kinds = [look(t, info("actions", "STARTING", stop=int(t)))[0] for t in (10.0, 20.0, 30.0)]
    assert [(e.kind, e.give_up) for e in kinds] == [("exited", False), ("exited", False), ("fatal", True)]
    assert "keeps crashing: it stopped 3 times in 1 minute, so it is not restarted again" in kinds[2].message


def test_exits_long_apart_are_not_a_crash_loop(specs: list[ProcessSpec]) -> None:
    look = Look(specs, Policy(restart_burst=2, restart_interval_seconds=60))
    look(0.0, info("actions", "RUNNING"))
    events = [look(t, info("actions", "STARTING", stop=int(t)))[0] for t in (100.0, 200.0, 300.0, 400.0)]
    assert {e.kind for e in events} == {"exited"}


def test_a_stop_that_was_asked_for_is_not_news(specs: list[ProcessSpec]) -> None:
    look = Look(specs)
    look(0.0, info("actions", "RUNNING"))
    assert look(1.0, info("actions", "STOPPING", stop=0)) == []
    assert look(2.0, info("actions", "STOPPED", stop=2, pid=0)) == []


def test_a_signal_outweighs_what_an_earlier_run_left_in_the_log(tmp_path: Path) -> None:
    log = tmp_path / "rasa.log"
    log.write_text("OSError: [Errno 98] Address already in use\n...started again, then killed\n")
    spec = ProcessSpec("rasa", Child("The Rasa server", [], log), "", 5005)
    assert explain_exit(spec, -9).startswith(
        "The Rasa server stopped: it was killed by signal SIGKILL (by someone, or by the kernel when memory ran out)."
    )
    assert explain_exit(spec, -15).startswith("The Rasa server stopped: it was killed by signal SIGTERM.")
    assert explain_exit(spec, 1).startswith("The Rasa server stopped: port 5005 is already in use by another program")
    log.write_text("Traceback …\nValueError: no model\n")
    assert explain_exit(spec, 1).startswith("The Rasa server stopped: it exited with code 1.")
    assert explain_exit(spec, None).startswith("The Rasa server stopped: it exited for a reason its supervisor")
    assert explain_exit(spec, 1).endswith(f"Its log is {log}; last lines:\nTraceback …\nValueError: no model")
