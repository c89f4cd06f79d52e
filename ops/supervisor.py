"""The stack under supervisord, as `make run` runs it: a process that dies is restarted, the others
(the gateway above all) keep running, and one that keeps crashing is reported and left stopped.

supervisord's config is written under var/ from ops.stack's process definitions; this module
drives it over its XML-RPC interface on a unix socket under var/ (the interface supervisorctl
uses, so `supervisorctl -c var/supervisord.conf status` works by hand too).
"""

from __future__ import annotations

import hashlib
import logging
import os
import shlex
import signal
import socket
import sys
import tempfile
import time
import xmlrpc.client
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import httpx
from supervisor.xmlrpc import Faults, SupervisorTransport  # type: ignore[import-untyped]

from core.settings import Settings
from ops.processes import Child, log_tail
from ops.stack import ProcessDiedError, ProcessSpec, process_specs
from ops.supervision import Event, Policy, Supervision

logger = logging.getLogger(__name__)

# A unix socket's path must fit in sockaddr_un (108 bytes on Linux, with the final NUL).
MAX_SOCKET_PATH = 100
# Start order is priority order; supervisord stops in the reverse, so the gateway stops first.
PRIORITIES = {"actions": 100, "rasa": 200, "gateway": 300, "analytics": 400, "proxy": 500}


def config_path(settings: Settings) -> Path:
    return settings.var_dir / "supervisord.conf"


def socket_path(settings: Settings) -> Path:
    """supervisord's socket under var/, or in the temp folder when var/'s path is too long for one."""
    path = settings.var_dir / "supervisor.sock"
    if len(str(path)) <= MAX_SOCKET_PATH:
        return path
    digest = hashlib.sha256(str(settings.var_dir.resolve()).encode()).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"borgerbot-{digest}.sock"


def _value(text: str) -> str:
    """A config value as supervisord reads it: it expands %(name)s, so a literal % is doubled."""
    if "\n" in text or "\r" in text:
        raise ValueError(f"a supervisord config value cannot hold a line break: {text!r}")
    return text.replace("%", "%%")


def _quoted(key: str, value: str) -> str:
    # supervisord splits `environment` with a non-POSIX shlex and strips quotes from each end.
    for quote in ('"', "'"):
        if quote not in value and not value.endswith(("'", '"')) and not value.startswith(("'", '"')):
            return f"{key}={quote}{value}{quote}"
    raise ValueError(f"{key}: supervisord cannot pass a value that holds both kinds of quotes or ends in one")


def environment_line(env: Mapping[str, str], inherited: Mapping[str, str]) -> str:
    """What a program's environment adds to supervisord's own (which its programs inherit)."""
    removed = sorted(key for key in inherited if key not in env)
    if removed:
        raise ValueError(f"supervisord passes its whole environment on; a program cannot drop {', '.join(removed)}")
    return ",".join(_quoted(key, value) for key, value in sorted(env.items()) if inherited.get(key) != value)


def render_config(
    settings: Settings, specs: Sequence[ProcessSpec], policy: Policy, inherited: Mapping[str, str]
) -> str:
    """supervisord's config for the stack; ``inherited`` is the environment supervisord will run with."""
    logs = settings.log_dir
    sock = socket_path(settings)
    lines = [
        "; Written by ops/supervisor.py from the settings for each `make run`; edits are overwritten.",
        "[unix_http_server]",
        f"file={_value(str(sock))}",
        "chmod=0700",
        "",
        "[rpcinterface:supervisor]",
        "supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface",
        "",
        "[supervisorctl]",
        f"serverurl=unix://{_value(str(sock))}",
        "",
        "[supervisord]",
        "nodaemon=true",
        # Its own log goes to the file only; make run's terminal gets the plain-words version.
        "silent=true",
        f"logfile={_value(str(logs / 'supervisord.log'))}",
        "logfile_maxbytes=5MB",
        "logfile_backups=2",
        "loglevel=info",
        f"pidfile={_value(str(settings.var_dir / 'supervisord.pid'))}",
        f"childlogdir={_value(str(logs))}",
        "",
    ]
    for spec in specs:
        child = spec.child
        env = child.env if child.env is not None else inherited
        lines += [
            f"[program:{spec.name}]",
            f"command={_value(' '.join(shlex.quote(arg) for arg in child.argv))}",
            f"directory={_value(str(child.cwd or settings.project_root))}",
            f"environment={_value(environment_line(env, inherited))}",
            f"priority={PRIORITIES.get(spec.kind, 900)}",
            "autostart=true",
            "autorestart=true",
            f"startsecs={spec.start_seconds}",
            f"startretries={policy.start_retries}",
            "stopsignal=TERM",
            f"stopwaitsecs={policy.stop_wait_seconds}",
            # The whole process group, so no worker a server spawned outlives it.
            "stopasgroup=true",
            "killasgroup=true",
            "redirect_stderr=true",
            f"stdout_logfile={_value(str(child.log_path))}",
            "stdout_logfile_maxbytes=20MB",
            "stdout_logfile_backups=3",
            "",
        ]
    return "\n".join(lines)


def write_config(
    settings: Settings, specs: Sequence[ProcessSpec], policy: Policy, inherited: Mapping[str, str]
) -> Path:
    """Write var/supervisord.conf; only its owner may read it, as it may hold the database password."""
    path = config_path(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    settings.log_dir.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o600)
    path.chmod(0o600)
    path.write_text(render_config(settings, specs, policy, inherited), encoding="utf-8")
    return path


def ports_in_use(settings: Settings, specs: Sequence[ProcessSpec]) -> list[str]:
    """Plain words for each port of the stack that another program holds already."""
    problems = []
    for spec in specs:
        if spec.port is None:
            continue
        host = spec.host
        with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as sock:
            # As the servers bind: a port left in TIME_WAIT by an earlier run is free.
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                sock.bind((host, spec.port))
            except OSError:
                problems.append(f"{spec.label} cannot start: port {spec.port} is already in use by another program.")
    return problems


def supervisord_argv(config: Path) -> list[str]:
    """supervisord from the environment make run runs in, in the foreground (-n) with our config."""
    script = Path(sys.executable).parent / "supervisord"
    command = [str(script)] if script.exists() else [sys.executable, "-m", "supervisor.supervisord"]
    return [*command, "-n", "-c", str(config)]


class SupervisedStack:
    """The stack's processes under one supervisord: start, wait until healthy, watch (`poll`), stop."""

    def __init__(
        self, settings: Settings, model: Path, policy: Policy | None = None, specs: Sequence[ProcessSpec] | None = None
    ) -> None:
        """The stack's processes (ops.stack.process_specs); ``specs`` replaces them in supervision's own tests."""
        self.settings = settings
        self.policy = policy or Policy()
        self.specs = list(specs) if specs is not None else process_specs(settings, model)
        self.socket = socket_path(settings)
        self.config = write_config(settings, self.specs, self.policy, os.environ)
        self.supervisord = Child(
            "supervisord",
            supervisord_argv(self.config),
            settings.log_dir / "supervisord.out.log",
            settings.project_root,
            dict(os.environ),
        )
        self.supervision = Supervision(self.specs, self.policy)
        self._pids: dict[str, int] = {}

    def spec(self, name: str) -> ProcessSpec:
        return next(s for s in self.specs if s.name == name)

    def call(self, method: str, *args: Any) -> Any:
        """One XML-RPC call on supervisord's socket, e.g. ``call("supervisor.getState")``; a connection of
        its own each time, as a proxy is not safe to share between threads."""
        transport = SupervisorTransport(None, None, f"unix://{self.socket}")
        with xmlrpc.client.ServerProxy("http://127.0.0.1", transport=transport) as proxy:
            return getattr(proxy, method)(*args)

    def _answering(self) -> bool:
        try:
            return bool(self.call("supervisor.getState")["statename"] == "RUNNING")
        except (OSError, xmlrpc.client.Error):
            return False

    def start(self, timeout: float = 30.0) -> None:
        """Start supervisord (which starts the programs) and wait until its socket answers."""
        if self._answering():
            pid = self.call("supervisor.getPID")
            raise ProcessDiedError(
                f"A supervisord from an earlier `make run` still runs the stack (pid {pid}). Stop it with "
                f"`{Path(sys.executable).parent / 'supervisorctl'} -c {self.config} shutdown`, then start again."
            )
        self.supervisord.start()
        self.supervisord.wait_until(self._answering, timeout=timeout, interval=0.2)
        logger.info("supervisor.started", extra={"pid": self.supervisord.pid, "config": str(self.config)})

    def infos(self) -> list[dict[str, Any]]:
        if not self.supervisord.running():
            raise ProcessDiedError(
                f"supervisord stopped (exit {self.supervisord.returncode}); see {self.supervisord.log_path}:\n"
                f"{log_tail(self.supervisord.log_path)}"
            )
        infos: list[dict[str, Any]] = self.call("supervisor.getAllProcessInfo")
        # Only the pids running now: a stopped program's old pid may soon be another process's.
        self._pids = {str(i["name"]): int(i["pid"]) for i in infos if i["pid"]}
        return infos

    def info(self, name: str) -> dict[str, Any]:
        return next(i for i in self.infos() if i["name"] == name)

    def pid(self, name: str) -> int:
        """The program's pid now (0 while it is not running)."""
        return int(self.info(name)["pid"])

    def healthy(self, spec: ProcessSpec, timeout: float = 2.0) -> bool:
        if spec.health_url is None:
            # RUNNING: supervisord saw it stay up its startsecs.
            return bool(self.info(spec.name)["statename"] == "RUNNING")
        try:
            return httpx.get(spec.health_url, timeout=timeout).status_code == 200
        except httpx.HTTPError:
            return False

    def _supervisord_log(self) -> str:
        try:
            return str(self.call("supervisor.readLog", -32_768, 0))
        except (OSError, xmlrpc.client.Error):
            return log_tail(self.settings.log_dir / "supervisord.log", lines=200)

    def poll(self) -> list[Event]:
        """What happened since the last poll; a process that keeps crashing is stopped here."""
        events = self.supervision.observe(
            self.infos(), time.monotonic(), self._supervisord_log, lambda spec: self.healthy(spec, timeout=1.0)
        )
        for event in events:
            if event.give_up:
                self._stop_program(event.name, wait=False)
        return events

    def wait_until_healthy(self, timeout: float | None = None, on_event: Callable[[Event], None] | None = None) -> None:
        """Block until every process answers its health check; raise if one is given up on."""
        deadline = time.monotonic() + (timeout or self.settings.startup_timeout_seconds)
        pending = list(self.specs)
        while pending:
            for event in self.poll():
                (on_event or _log_event)(event)
                if event.kind == "fatal":
                    raise ProcessDiedError(event.message)
            for spec in list(pending):
                if self.healthy(spec):
                    pending.remove(spec)
                    logger.info("stack.healthy", extra={"component": spec.name})
            if pending and time.monotonic() > deadline:
                names = ", ".join(s.label for s in pending)
                raise TimeoutError(f"{names} did not become healthy in time; see {self.settings.log_dir}")
            if pending:
                time.sleep(0.5)

    def _stop_program(self, name: str, *, wait: bool) -> None:
        try:
            self.call("supervisor.stopProcess", name, wait)
        except xmlrpc.client.Fault as fault:
            if fault.faultCode != Faults.NOT_RUNNING:
                raise

    def stop(self) -> None:
        """Gateway first, so no citizen reaches a half stack; then Rasa, the action server, supervisord."""
        if self.supervisord.process is None or (self.supervisord.returncode is not None and not self._pids):
            return  # never started, or stopped already
        try:
            for spec in reversed(self.specs):
                self._stop_program(spec.name, wait=True)
                logger.info("supervisor.stopped", extra={"component": spec.name})
            self.call("supervisor.shutdown")
        except (OSError, xmlrpc.client.Error) as exc:
            # supervisord is gone or stuck: stop the programs it started ourselves, gateway first.
            logger.warning("supervisor.unreachable", extra={"error": str(exc)})
            for spec in reversed(self.specs):
                _kill_group(self._pids.get(spec.name), self.policy.stop_wait_seconds)
        # Forget the pids: once these processes are gone their numbers may belong to others.
        self._pids.clear()
        self.supervisord.stop()


def _kill_group(pid: int | None, grace: float) -> None:
    """SIGTERM to a program's process group (supervisord makes each program a group), SIGKILL if it lingers."""
    if not pid:
        return
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(pid, sig)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + grace
        while time.monotonic() < deadline:
            try:
                os.killpg(pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.2)


def _log_event(event: Event) -> None:
    log = logger.info if event.kind == "recovered" else logger.warning
    log(f"supervisor.process_{event.kind}", extra={"component": event.name, "explanation": event.message})
