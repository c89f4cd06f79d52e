"""The systemd units in deploy/systemd run the same three processes as make run, supervised alike."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.settings import PROJECT_ROOT, Settings
from ops.production import Layout
from ops.serve import PROGRAMS
from ops.stack import process_specs

UNITS = PROJECT_ROOT / "deploy" / "systemd"


def read_unit(path: Path) -> dict[str, dict[str, list[str]]]:
    """A unit file as section -> key -> every value given (systemd allows a key more than once)."""
    sections: dict[str, dict[str, list[str]]] = {}
    current: dict[str, list[str]] = {}
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1], {})
            continue
        key, _, value = line.partition("=")
        current.setdefault(key.strip(), []).append(value.strip())
    return sections


def test_one_unit_per_process_of_the_stack(tmp_path: Path) -> None:
    names = [spec.name for spec in process_specs(Settings(var_dir=tmp_path), tmp_path / "model.tar.gz")]
    assert list(PROGRAMS) == names
    single = [p.name for p in UNITS.glob("*.service") if "@" not in p.name]
    assert sorted(single) == sorted(f"borgerbot-{n}.service" for n in names)
    target = read_unit(UNITS / "borgerbot.target")
    assert target["Unit"]["Wants"] == [" ".join(f"borgerbot-{n}.service" for n in names)]
    assert "Requires" not in target["Unit"], "one service failing must not stop the others"


@pytest.mark.parametrize("name", PROGRAMS)
def test_each_unit_restarts_its_process_and_gives_up_on_a_crash_loop(name: str) -> None:
    unit = read_unit(UNITS / f"borgerbot-{name}.service")
    service = unit["Service"]
    assert service["ExecStart"] == [f"/opt/borgerbot/.venv/bin/python -m ops.serve {name}"]
    assert service["Restart"] == ["on-failure"]
    assert float(service["RestartSec"][0]) > 0
    assert unit["Unit"]["StartLimitIntervalSec"] == ["300"] and unit["Unit"]["StartLimitBurst"] == ["5"]
    assert unit["Unit"]["PartOf"] == ["borgerbot.target"]
    assert service["User"] == ["borgerbot"] and service["EnvironmentFile"] == ["/etc/borgerbot/env"]
    assert service["KillSignal"] == ["SIGTERM"] and service["TimeoutStopSec"] == ["15"]
    for hardening in ("NoNewPrivileges=yes", "ProtectSystem=strict", "ProtectHome=yes", "PrivateTmp=yes"):
        key, value = hardening.split("=")
        assert service[key] == [value], hardening
    assert not {"Requires", "BindsTo", "Requisite"} & set(unit["Unit"]), "a dying neighbour must not stop this one"
    assert unit["Install"]["WantedBy"] == ["borgerbot.target"]


REPLICATED = {"actions": "BORGERBOT_ACTION_PORT", "rasa": "BORGERBOT_RASA_PORT", "gateway": "BORGERBOT_GATEWAY_PORT"}


@pytest.mark.parametrize("name", REPLICATED)
def test_each_replica_template_is_its_single_unit_on_the_instance_port(name: str) -> None:
    single = read_unit(UNITS / f"borgerbot-{name}.service")
    template = read_unit(UNITS / f"borgerbot-{name}@.service")
    (command,) = template["Service"]["ExecStart"]
    assert command.startswith(f"/usr/bin/env {REPLICATED[name]}=%i ")
    assert command.endswith(f" /opt/borgerbot/.venv/bin/python -m ops.serve {name}")
    rest = {k: v for k, v in template["Service"].items() if k != "ExecStart"}
    assert rest == {k: v for k, v in single["Service"].items() if k != "ExecStart"}, "same user, limits, hardening"
    assert template["Unit"]["PartOf"] == ["borgerbot-prod.target"]
    assert template["Install"]["WantedBy"] == ["borgerbot-prod.target"]
    assert not {"Requires", "BindsTo", "Requisite"} & set(template["Unit"])


def test_the_production_target_starts_the_replicas_on_the_ports_of_the_layout(tmp_path: Path) -> None:
    layout = Layout(Settings(var_dir=tmp_path))
    wanted = " ".join(read_unit(UNITS / "borgerbot-prod.target")["Unit"]["Wants"]).split()
    expected = [f"borgerbot-actions@{p}.service" for p in layout.action_ports]
    expected += [f"borgerbot-rasa@{p}.service" for p in layout.rasa_ports]
    expected += [f"borgerbot-gateway@{p}.service" for p in layout.gateway_ports]
    assert wanted == [*expected, "borgerbot-analytics.service", "nginx.service"]
