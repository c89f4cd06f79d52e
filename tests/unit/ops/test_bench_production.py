"""make bench's production shape and its place in the run: servers, settings, turn order, report rows and targets.

No servers started: the interleaving runs with fake load levels, the figures are made up.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from core.settings import Settings
from ops.bench import __main__ as bench
from ops.bench.load import System, send_chat
from ops.bench.ours import UNLIMITED
from ops.bench.production import REDIS_URL, Servers, disjoint, production_settings, servers
from ops.bench.report import FLOOR, OURS, PRODUCTION, Report, figure_rows, ratio_rows, render, to_json
from ops.bench.stats import Level, Memory, targets, verdict


def level(citizens: int, p50: float = 100.0, rate: float = 10.0, errors: int = 0) -> Level:
    return Level(
        citizens=citizens,
        messages=40,
        answered=40 - errors,
        errors=errors,
        error_kinds={"HTTP 502": errors} if errors else {},
        seconds=4.0,
        p50_ms=p50,
        p95_ms=p50 * 2,
        p99_ms=p50 * 3,
        messages_per_second=rate,
        capped=False,
        memory={"rasa-1": Memory(peak_mb=900.0, end_mb=890.0), "proxy": Memory(peak_mb=10.0, end_mb=10.0)},
    )


def test_servers_default_to_this_machines() -> None:
    found = servers(Settings())
    assert found.postgres == "postgresql://postgres@127.0.0.1:5432/postgres"
    assert found.redis == REDIS_URL
    assert found.rabbitmq.startswith("amqp://guest:guest@127.0.0.1:5672")


def test_servers_follow_the_settings_without_the_driver_suffix() -> None:
    base = Settings(
        database_url="postgresql+psycopg://bot:secret@db.example:5433/borgerbot",
        redis_url="redis://cache:6379/2",
        rabbitmq_url="amqp://u:p@mq:5672/%2F",
    )
    found = servers(base)
    assert found.postgres == "postgresql://bot:secret@db.example:5433/postgres"
    assert found.database_url("borgerbot_bench_x") == "postgresql://bot:secret@db.example:5433/borgerbot_bench_x"
    assert (found.redis, found.rabbitmq) == ("redis://cache:6379/2", "amqp://u:p@mq:5672/%2F")


def test_port_blocks_must_not_overlap() -> None:
    assert disjoint([8000, 9000, 7000], (3, 3, 2))
    assert not disjoint([8000, 8002, 7000], (3, 3, 2))
    assert disjoint([8000, 8003], (3, 3))


def test_production_settings_own_ports_database_queue_and_index(tmp_path: Path) -> None:
    base = Settings(var_dir=tmp_path / "var")
    found = Servers("postgresql://postgres@127.0.0.1:5432/postgres", "redis://127.0.0.1:6379/4", "amqp://g:g@h:1/%2F")
    settings = production_settings(base, tmp_path / "var" / "bench" / "production", found, "db_x", "queue.x")
    assert settings.database_url == "postgresql://postgres@127.0.0.1:5432/db_x"
    assert (settings.redis_url, settings.rabbitmq_url) == (found.redis, found.rabbitmq)
    assert settings.rabbitmq_queue == "queue.x"
    assert settings.rate_limit_per_client == settings.rate_limit_per_session == UNLIMITED
    # nginx and two gateways, nginx and two action servers, two Rasa replicas: eight ports, none shared.
    ports = [settings.gateway_port + i for i in range(3)] + [settings.action_port + i for i in range(3)]
    ports += [settings.rasa_port, settings.rasa_port + 1]
    assert len(set(ports)) == 8
    # A folder of its own, not a link to the shared index: publishing there leaves the shared one alone.
    assert settings.index_dir.is_dir() and not settings.index_dir.is_symlink()


def test_turn_order_rotates_whoever_is_measured() -> None:
    assert bench.turn_order(["a", "b"], 0) == ["a", "b"]
    assert bench.turn_order(["a", "b"], 1) == ["b", "a"]
    assert bench.turn_order(["a", "b", "c"], 2) == ["c", "a", "b"]
    assert bench.turn_order([], 3) == []


def test_interleave_measures_the_production_shape_at_its_levels_only(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[str, int]] = []

    async def fake_warm_up(system: System) -> None:
        calls.append((system.name, 0))

    async def fake_level(system: System, citizens: int, messages: int, cap: float) -> Level:
        calls.append((system.name, citizens))
        return level(citizens)

    monkeypatch.setattr(bench, "warm_up", fake_warm_up)
    monkeypatch.setattr(bench, "run_level", fake_level)
    systems = [System(name, "http://x", send_chat, {}) for name in (FLOOR, OURS, PRODUCTION)]
    plan = {1: (4, 1.0), 10: (4, 1.0), 50: (4, 1.0)}
    measured = asyncio.run(bench.interleave(systems, plan, {PRODUCTION: (10, 50)}))
    assert calls[:3] == [(FLOOR, 0), (OURS, 0), (PRODUCTION, 0)]
    assert calls[3:] == [
        (FLOOR, 1),
        (OURS, 1),
        (OURS, 10),  # the second level: rotated by one
        (PRODUCTION, 10),
        (FLOOR, 10),
        (PRODUCTION, 50),  # the third: rotated by two
        (FLOOR, 50),
        (OURS, 50),
    ]
    assert [x.citizens for x in measured[PRODUCTION]] == [10, 50]
    assert [x.citizens for x in measured[FLOOR]] == [1, 10, 50]


def test_production_target_is_1_6_times_the_floor_at_50() -> None:
    floor = [level(1), level(10, rate=10), level(50, rate=10)]
    ours = [level(1), level(10, rate=10), level(50, rate=10)]
    met = targets(ours, floor, [level(10, rate=12), level(50, rate=16)])
    assert [t.label for t in met][3:] == [
        "production shape throughput, 50 citizens >= 1.6x floor",
        "zero errors (production shape, all levels)",
    ]
    assert [verdict(t.met) for t in met][3:] == ["met", "met"]
    assert met[3].value == "1.60x (16.0 vs 10.0 msg/s)"
    missed = targets(ours, floor, [level(50, rate=15.9, errors=1)])
    assert [verdict(t.met) for t in missed][3:] == ["NOT met", "NOT met"]
    assert missed[4].value == "1 of 40"
    without_50 = targets(ours, floor, [level(10, rate=30)])
    assert without_50[3].met is None
    assert len(targets(ours, floor)) == 3  # not measured: no production targets from the pure part


def report(production: list[Level]) -> Report:
    return Report(
        started_at="2026-12-01 12:00 UTC",
        total_seconds=900.0,
        cores=2,
        load_average=(1.0, 2.0),
        order=["floor, borgerbot, production shape"],
        plan={1: (40, 240.0), 10: (200, 300.0), 50: (400, 420.0)},
        floor=[level(1, p50=30), level(10, rate=20), level(50, rate=20)],
        ours=[level(1, p50=60), level(10, rate=20), level(50, rate=22)],
        production=production,
        startup_to_healthy={FLOOR: 30.0, OURS: 20.0, PRODUCTION: 60.0},
    )


def test_report_rows_and_ratios_hold_the_production_shape_where_measured() -> None:
    with_prod = report([level(10, rate=30), level(50, rate=40, errors=2)])
    rows = figure_rows(with_prod)
    assert [(r[0], r[1]) for r in rows] == [
        ("1", FLOOR),
        ("1", OURS),
        ("10", FLOOR),
        ("10", OURS),
        ("10", PRODUCTION),
        ("50", FLOOR),
        ("50", OURS),
        ("50", PRODUCTION),
    ]
    assert "rasa-1 900 (890), proxy 10 (10)" in rows[4][-1]
    ratio = {(r[0], r[1]): r for r in ratio_rows(with_prod)}
    assert ratio[("50", PRODUCTION)][5] == "2.00x"  # msg/s: 40 over 20
    assert ("1", PRODUCTION) not in ratio
    text = render(with_prod)
    assert "production shape at 10, 50" in text
    assert "production shape, 50 citizens: HTTP 502 x2" in text
    data = json.loads(json.dumps(to_json(with_prod)))
    assert data["production_ratios"]["50"]["messages_per_second"] == pytest.approx(2.0)
    assert set(data["ratios"]) == {"1", "10", "50"}
    assert [t["met"] for t in data["targets"]][3:5] == [True, False]


def test_report_without_the_production_shape_says_so() -> None:
    alone = report([])
    assert all(row[1] != PRODUCTION for row in figure_rows(alone))
    line = next(x for x in render(alone).splitlines() if x.startswith("production shape (throughput"))
    assert line.split()[-3:] == ["not", "measured", "n/a"]
    assert to_json(alone)["production_ratios"] == {}
