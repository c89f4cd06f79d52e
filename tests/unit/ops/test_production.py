"""The production shape's definition (ops.production, ops.proxy, the lock store): names, ports, settings, nginx."""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import yaml

from core.settings import Settings
from ops.endpoints import LOCK_LIFETIME_SECONDS, lock_store_config, write_endpoints
from ops.production import Layout, missing_servers, production_specs
from ops.proxy import nginx_main_config, render_http_config
from ops.rolling import restart_order, rolling_restart
from ops.stack import ProcessSpec

SERVERS = {
    "database_url": "postgresql://postgres@127.0.0.1:5432/borgerbot",
    "redis_url": "redis://127.0.0.1:6379/1",
    "rabbitmq_url": "amqp://guest:guest@127.0.0.1:5672/%2F",
}


@pytest.fixture
def prod_settings(tmp_path: Path) -> Settings:
    return Settings(var_dir=tmp_path / "var", gateway_port=8000, action_port=5055, rasa_port=5005).model_copy(
        update=SERVERS
    )


def test_two_of_each_server_on_the_ports_above_the_reached_ones(prod_settings: Settings, tmp_path: Path) -> None:
    specs = production_specs(prod_settings, tmp_path / "model.tar.gz")
    assert [(s.name, s.port) for s in specs] == [
        ("actions-1", 5056),
        ("actions-2", 5057),
        ("rasa-1", 5005),
        ("rasa-2", 5006),
        ("gateway-1", 8001),
        ("gateway-2", 8002),
        ("analytics", None),
        ("proxy", 8000),
    ]
    assert len({s.log_path for s in specs}) == len(specs), "a log file of its own each"
    gateway = next(s for s in specs if s.name == "gateway-2")
    env = dict(gateway.child.env or {})
    assert env["BORGERBOT_GATEWAY_PORT"] == "8002" and env["BORGERBOT_GATEWAY_HOST"] == "127.0.0.1"
    assert env["BORGERBOT_RASA_URLS"] == '["http://127.0.0.1:5005", "http://127.0.0.1:5006"]'
    assert env["BORGERBOT_ACTIONS_URL"] == "http://127.0.0.1:5055"
    rasa = next(s for s in specs if s.name == "rasa-2")
    assert "5006" in rasa.child.argv and rasa.health_url == "http://127.0.0.1:5006/"
    assert dict(rasa.child.env or {})["TICKET_LOCK_LIFETIME"] == str(LOCK_LIFETIME_SECONDS)


def test_restarts_go_replica_by_replica_actions_first(prod_settings: Settings, tmp_path: Path) -> None:
    names = [s.name for s in restart_order(production_specs(prod_settings, tmp_path / "model.tar.gz"))]
    assert names == ["actions-1", "actions-2", "rasa-1", "rasa-2", "gateway-1", "gateway-2"]


def test_the_shape_names_the_shared_servers_it_lacks(tmp_path: Path) -> None:
    assert missing_servers(Settings(var_dir=tmp_path)) == [
        "BORGERBOT_DATABASE_URL",
        "BORGERBOT_REDIS_URL",
        "BORGERBOT_RABBITMQ_URL",
    ]
    assert missing_servers(Settings(var_dir=tmp_path).model_copy(update=SERVERS)) == []


def test_rasa_locks_conversations_in_redis_when_it_is_configured(prod_settings: Settings) -> None:
    endpoints = yaml.safe_load(write_endpoints(prod_settings).read_text(encoding="utf-8"))
    assert endpoints["lock_store"] == {
        "type": "redis",
        "url": "127.0.0.1",
        "port": 6379,
        "db": 1,
        "key_prefix": "borgerbot",
        "use_ssl": False,
    }
    assert endpoints["action_endpoint"]["url"] == "http://127.0.0.1:5055/webhook"
    secret = lock_store_config("rediss://bot:hemmelig@redis.local:6380/2")
    assert secret["password"] == "hemmelig" and secret["use_ssl"] is True and secret["db"] == 2
    with pytest.raises(ValueError, match="redis://"):
        lock_store_config("http://redis.local")


def test_without_redis_rasa_keeps_its_own_lock_store(tmp_path: Path) -> None:
    endpoints = yaml.safe_load(write_endpoints(Settings(var_dir=tmp_path)).read_text(encoding="utf-8"))
    assert "lock_store" not in endpoints


def test_nginx_upstreams_and_the_widget_cache(prod_settings: Settings, tmp_path: Path) -> None:
    text = render_http_config(
        prod_settings, ["10.0.0.1:8001", "10.0.0.2:8001"], ["10.0.0.1:5056"], listen="443 ssl", cache_dir=tmp_path
    )
    assert "server 10.0.0.1:8001 max_fails=0;" in text and "server 10.0.0.2:8001 max_fails=0;" in text
    assert "server 10.0.0.1:5056 max_fails=0;" in text
    assert "listen 443 ssl;" in text and "listen 127.0.0.1:5055;" in text
    assert "proxy_cache borgerbot_static;" in text and "non_idempotent" not in text
    assert f"client_max_body_size {prod_settings.admin_max_body_bytes};" in text


@pytest.mark.skipif(shutil.which("nginx") is None, reason="Debian's nginx (make nginx)")
def test_nginx_accepts_the_configuration_make_run_prod_writes(prod_settings: Settings) -> None:
    layout = Layout(prod_settings)
    config = nginx_main_config(prod_settings, layout.gateway_ports, layout.action_ports)
    checked = subprocess.run(
        ["nginx", "-t", "-p", str(config.parent), "-c", str(config)], capture_output=True, text=True, timeout=30
    )
    assert checked.returncode == 0, checked.stderr


def test_a_rolling_restart_drains_each_rasa_replica_around_its_own_restart(
    prod_settings: Settings, tmp_path: Path
) -> None:
    specs = [dataclasses.replace(s, health_url=None) for s in production_specs(prod_settings, tmp_path / "m.tar.gz")]
    happened: list[str] = []

    @contextmanager
    def drain(spec: ProcessSpec) -> Iterator[None]:
        happened.append(f"drain {spec.name}")
        yield
        happened.append(f"undrain {spec.name}")

    done = rolling_restart(specs, lambda spec: happened.append(f"restart {spec.name}"), 5.0, drain)
    assert [item.name for item in done] == [s.name for s in restart_order(specs)]
    assert happened[6:9] == ["drain rasa-1", "restart rasa-1", "undrain rasa-1"]
