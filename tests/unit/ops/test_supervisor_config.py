"""supervisord's config, written from the stack's process definitions and read back by supervisord's own parser."""

from __future__ import annotations

import shlex
import socket
from pathlib import Path
from typing import Any

import pytest
from supervisor.datatypes import RestartUnconditionally
from supervisor.options import ServerOptions

from core.settings import Settings
from ops.stack import process_specs
from ops.supervision import Policy
from ops.supervisor import environment_line, ports_in_use, socket_path, write_config

MODEL = Path("/models/borgerbot-0123456789abcdef.tar.gz")


def parsed(settings: Settings, inherited: dict[str, str]) -> dict[str, Any]:
    specs = process_specs(settings, MODEL)
    path = write_config(settings, specs, Policy(), inherited)
    options = ServerOptions()
    options.realize(args=["-c", str(path)])
    return {config.name: config for group in options.process_group_configs for config in group.process_configs}


def test_every_process_of_the_stack_is_a_supervised_program(settings: Settings) -> None:
    programs = parsed(settings, {"PATH": "/usr/bin"})
    specs = {spec.name: spec for spec in process_specs(settings, MODEL)}
    assert set(programs) == {"actions", "rasa", "gateway", "analytics"}
    for name, program in programs.items():
        spec = specs[name]
        assert shlex.split(program.command) == list(spec.child.argv)
        assert program.autorestart is RestartUnconditionally and program.autostart is True
        assert program.startretries == 3 and program.startsecs == spec.start_seconds
        assert program.stopsignal.name == "SIGTERM" and program.stopwaitsecs == 15
        assert program.stopasgroup is True and program.killasgroup is True
        assert program.redirect_stderr is True
        assert program.stdout_logfile == str(settings.log_dir / f"{name}.log")
        assert program.directory == str(settings.project_root)
    assert programs["rasa"].startsecs == 10, "loading the model is part of starting"


def test_gateway_starts_last_and_so_stops_first(settings: Settings) -> None:
    programs = parsed(settings, {})
    order = sorted(programs, key=lambda name: programs[name].priority)
    assert order == ["actions", "rasa", "gateway", "analytics"]


def test_environment_survives_supervisords_quoting_and_expansion(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    tricky = settings.model_copy(
        update={
            "database_url": 'postgresql://bot:50%rabat"x@db.local:5432/borgerbot',
            "cors_extra_origins": ["https://staging.kalundborg.dk"],
        }
    )
    programs = parsed(tricky, {"PATH": "/usr/bin", "LANG": "da_DK.UTF-8"})
    for program in programs.values():
        env = program.environment
        assert env["BORGERBOT_DATABASE_URL"] == 'postgresql://bot:50%rabat"x@db.local:5432/borgerbot'
        assert env["BORGERBOT_CORS_EXTRA_ORIGINS"] == '["https://staging.kalundborg.dk"]'
        assert env["BORGERBOT_VAR_DIR"] == str(settings.var_dir)
    # A child process reads the list back from its environment as the same setting.
    monkeypatch.setenv("BORGERBOT_CORS_EXTRA_ORIGINS", programs["gateway"].environment["BORGERBOT_CORS_EXTRA_ORIGINS"])
    assert Settings().cors_extra_origins == ["https://staging.kalundborg.dk"]
    assert programs["rasa"].environment["RASA_TELEMETRY_ENABLED"] == "false"


def test_only_what_differs_from_supervisords_own_environment_is_written(settings: Settings) -> None:
    assert environment_line({"A": "1", "B": "2"}, {"A": "1"}) == 'B="2"'
    with pytest.raises(ValueError, match="cannot drop"):
        environment_line({}, {"A": "1"})
    with pytest.raises(ValueError, match="both kinds of quotes"):
        environment_line({"A": 'it\'s "odd"'}, {})


def test_config_is_private_to_its_owner(settings: Settings) -> None:
    path = write_config(settings, process_specs(settings, MODEL), Policy(), {})
    assert path == settings.var_dir / "supervisord.conf"
    assert path.stat().st_mode & 0o777 == 0o600


def test_socket_moves_to_the_temp_folder_when_var_is_too_deep(settings: Settings, tmp_path: Path) -> None:
    assert socket_path(settings) == settings.var_dir / "supervisor.sock"
    deep = settings.model_copy(update={"var_dir": tmp_path / ("d" * 60) / ("e" * 60)})
    moved = socket_path(deep)
    assert len(str(moved)) <= 100 and moved.name.startswith("borgerbot-")
    assert socket_path(deep) == moved, "the same var folder always gets the same socket"


def test_a_port_held_by_another_program_is_named_before_anything_starts(settings: Settings) -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        busy = settings.model_copy(update={"rasa_port": port})
        problems = ports_in_use(busy, process_specs(busy, MODEL))
    assert problems == [f"The Rasa server cannot start: port {port} is already in use by another program."]
