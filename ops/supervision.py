"""What supervisord's reports mean, in plain words: a process exited and is restarted, it is back,
or it keeps crashing and is given up. Pure: fed with supervisord's process info, it decides.

supervisord itself restarts a process at once when it dies after having started, and after 1, 2,
3 s when it dies while starting (its backoff), then gives up (FATAL). A process that starts and
then keeps crashing would be restarted forever; `Policy.restart_burst` ends that, as systemd's
StartLimitBurst does on a server (deploy/systemd).
"""

from __future__ import annotations

import re
import signal
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from ops.stack import ProcessSpec, explain_exit


@dataclass(frozen=True)
class Policy:
    """How hard supervision tries before it gives up on a process."""

    # supervisord's startretries: starts that fail (exit before start_seconds) before FATAL.
    start_retries: int = 3
    # supervisord's stopwaitsecs: how long a stop waits after SIGTERM before SIGKILL.
    stop_wait_seconds: int = 15
    # More exits than this within restart_interval_seconds and the process is not restarted again.
    restart_burst: int = 5
    restart_interval_seconds: float = 300.0


@dataclass(frozen=True)
class Event:
    """Something an operator should know about one process, with the words to tell them."""

    kind: Literal["exited", "recovered", "fatal"]
    name: str
    message: str
    returncode: int | None = None  # exited/fatal: exit code, minus the signal, or None if unknown
    seconds: float | None = None  # recovered: how long it was down
    give_up: bool = False  # fatal: supervision must stop the process (supervisord would restart it)


# supervisord's own log line for every exit, e.g. "exited: rasa (terminated by SIGKILL; not expected)".
_EXITED = re.compile(
    r"exited: (?P<name>[\w.-]+) \((?:terminated by (?P<signal>SIG[A-Z0-9]+)|exit status (?P<code>\d+))"
)


def exit_cause(supervisord_log: str, name: str) -> int | None:
    """The last exit of ``name`` in supervisord's log: its exit code, or minus the signal; None if absent.

    supervisord's process info has only -1 for "killed by a signal"; its log names the signal.
    """
    returncode = None
    for match in _EXITED.finditer(supervisord_log):
        if match["name"] != name:
            continue
        if match["signal"]:
            try:
                returncode = -int(signal.Signals[match["signal"]])
            except KeyError:
                returncode = None
        else:
            returncode = int(match["code"])
    return returncode


def _minutes(seconds: float) -> str:
    return f"{seconds / 60:g} minute" + ("" if seconds == 60 else "s")


@dataclass
class _Watched:
    """What supervision remembers about one program between two looks."""

    last_stop: int | None = None  # supervisord's 'stop' time of the last exit it reported
    down_since: float | None = None
    exits: deque[float] = field(default_factory=deque)
    failed_starts: int = 0
    fatal: bool = False


class Supervision:
    """Turns successive snapshots of supervisord's process info into events (see `observe`)."""

    def __init__(self, specs: Sequence[ProcessSpec], policy: Policy) -> None:
        self.specs = {spec.name: spec for spec in specs}
        self.policy = policy
        self._watched = {name: _Watched() for name in self.specs}

    def observe(
        self,
        infos: Sequence[Mapping[str, Any]],
        now: float,
        read_log: Callable[[], str],
        healthy: Callable[[ProcessSpec], bool],
    ) -> list[Event]:
        """Events since the last look. ``infos`` is supervisor.getAllProcessInfo(); ``read_log`` gives the
        end of supervisord's own log (read only when something exited); ``healthy`` checks a process's
        health URL (only while it is coming back)."""
        events: list[Event] = []
        for info in infos:
            name = str(info["name"])
            spec = self.specs.get(name)
            if spec is None:
                continue
            watched = self._watched[name]
            state = str(info["statename"])
            stop = int(info["stop"])
            if state == "RUNNING":
                watched.failed_starts = 0  # as supervisord's backoff: counted anew once it has started
            if watched.last_stop is None:
                watched.last_stop = stop  # the first look: whatever happened before is not news
            elif stop != watched.last_stop and state not in ("STOPPING", "STOPPED"):
                watched.last_stop = stop
                self._record_exit(watched, now)
                # An exit that made supervisord give up is told once, by the FATAL event below.
                if state != "FATAL":
                    events.append(self._exited(spec, watched, state, exit_cause(read_log(), name)))
            if state == "FATAL" and not watched.fatal:
                watched.fatal = True
                returncode = exit_cause(read_log(), name)
                events.append(Event("fatal", name, self._fatal_message(spec, returncode), returncode))
            if state == "RUNNING" and watched.down_since is not None and healthy(spec):
                seconds = now - watched.down_since
                watched.down_since = None
                watched.fatal = False
                events.append(Event("recovered", name, f"{spec.label} is back after {seconds:.1f} s.", seconds=seconds))
        return events

    def _record_exit(self, watched: _Watched, now: float) -> None:
        if watched.down_since is None:
            watched.down_since = now
        watched.exits.append(now)
        while watched.exits and now - watched.exits[0] > self.policy.restart_interval_seconds:
            watched.exits.popleft()

    def _exited(self, spec: ProcessSpec, watched: _Watched, state: str, returncode: int | None) -> Event:
        policy = self.policy
        explanation = explain_exit(spec, returncode)
        if len(watched.exits) > policy.restart_burst:
            watched.fatal = True
            message = (
                f"{explanation}\n{spec.label} keeps crashing: it stopped {len(watched.exits)} times in "
                f"{_minutes(policy.restart_interval_seconds)}, so it is not restarted again. "
                f"{_meanwhile(spec)}"
            )
            return Event("fatal", spec.name, message, returncode, give_up=True)
        if state == "BACKOFF":
            watched.failed_starts += 1
            attempt = watched.failed_starts
            then = (
                f"It did not stay up {spec.start_seconds} s; supervisord starts it again in {attempt} s "
                f"(failed start {attempt} of at most {policy.start_retries + 1})."
            )
        else:
            then = (
                f"supervisord has restarted it (restart {len(watched.exits)} of at most {policy.restart_burst} "
                f"within {_minutes(policy.restart_interval_seconds)})."
            )
        return Event("exited", spec.name, f"{explanation}\n{then}", returncode)

    def _fatal_message(self, spec: ProcessSpec, returncode: int | None) -> str:
        return (
            f"{explain_exit(spec, returncode)}\n{spec.label} keeps crashing: it failed to start "
            f"{self.policy.start_retries + 1} times in a row, so supervisord does not restart it again. "
            f"{_meanwhile(spec)}"
        )


def _meanwhile(spec: ProcessSpec) -> str:
    if spec.name == "gateway" or spec.kind == "proxy":
        return "Citizens cannot reach the assistant now. Fix the cause, then start `make run` again."
    if spec.name != spec.kind:
        # A replica of the production shape (ops.production): the others carry its load.
        return (
            "The other replica takes its work over, so citizens are answered as before. "
            "Fix the cause, then start the production shape again."
        )
    if spec.kind == "analytics":
        return (
            "Citizens are answered as before; the weekly review's figures wait, and no event is lost "
            "(they wait in the event broker). Fix the cause, then start `make run` again."
        )
    return (
        "Meanwhile the gateway answers every message with a 503 and Den Digitale Hotline's number. "
        "Fix the cause, then start `make run` again."
    )
