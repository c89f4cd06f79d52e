"""make bench's pure helpers: percentiles, figures, ratios and targets, /proc parsing, report rendering.

No timed assertions: the figures themselves depend on the machine and are never checked here.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.settings import Settings
from ops.bench.conversations import CONVERSATIONS, script_for
from ops.bench.memory import descendants, parent_pid, process_parents, rss_kb, tree_rss_mb
from ops.bench.ours import UNLIMITED, bench_settings
from ops.bench.report import Report, render, to_json, write_reports
from ops.bench.startup import Startup
from ops.bench.stats import Level, Memory, Sample, percentile, ratio, ratios, summarise, targets, verdict
from ops.bench.text import table

STATUS = """Name:\tpython
Umask:\t0022
State:\tS (sleeping)
Pid:\t4242
PPid:\t1
VmPeak:\t 2100000 kB
VmSize:\t 2000000 kB
VmHWM:\t  950000 kB
VmRSS:\t  921600 kB
RssAnon:\t  800000 kB
Threads:\t12
"""


def level(citizens: int, p50: float = 100.0, rate: float = 10.0, errors: int = 0, rss: float = 500.0) -> Level:
    return Level(
        citizens=citizens,
        messages=40,
        answered=40 - errors,
        errors=errors,
        error_kinds={"HTTP 503": errors} if errors else {},
        seconds=4.0,
        p50_ms=p50,
        p95_ms=p50 * 2,
        p99_ms=p50 * 3,
        messages_per_second=rate,
        capped=False,
        memory={"rasa": Memory(peak_mb=rss, end_mb=rss - 10)},
    )


def test_percentiles_interpolate_between_ranks() -> None:
    values = [5.0, 1.0, 3.0, 2.0, 4.0]
    assert percentile(values, 0.5) == 3.0
    assert percentile(values, 0.0) == 1.0
    assert percentile(values, 1.0) == 5.0
    assert percentile(values, 0.95) == pytest.approx(4.8)
    assert percentile([7.0], 0.99) == 7.0
    assert percentile([], 0.5) == 0.0


def test_summary_counts_non_200_and_exceptions_as_errors() -> None:
    samples = [Sample(0.1, 200), Sample(0.2, 200), Sample(0.3, 503), Sample(0.4, None, "ReadTimeout"), Sample(0.5, 200)]
    figures = summarise(1, samples, seconds=2.0, capped=False, memory={})
    assert (figures.messages, figures.answered, figures.errors) == (5, 3, 2)
    assert figures.error_kinds == {"HTTP 503": 1, "ReadTimeout": 1}
    assert figures.p50_ms == pytest.approx(300.0)
    assert figures.messages_per_second == pytest.approx(1.5)  # answered ones only


def test_ratios_are_ours_over_the_floor() -> None:
    assert ratio(3.0, 2.0) == 1.5
    assert ratio(1.0, 0.0) is None
    r = ratios(level(1, p50=150, rate=5, rss=1500), level(1, p50=100, rate=10, rss=1000))
    assert r["p50"] == pytest.approx(1.5)
    assert r["messages_per_second"] == pytest.approx(0.5)
    assert r["peak_memory"] == pytest.approx(1.5)


def test_targets_met_and_not_met() -> None:
    floor = [level(1, p50=100), level(10, rate=20)]
    good = targets([level(1, p50=130), level(10, rate=20)], floor)
    assert [verdict(t.met) for t in good] == ["met", "met", "met"]
    bad = targets([level(1, p50=131), level(10, rate=19.9, errors=1)], floor)
    assert [verdict(t.met) for t in bad] == ["NOT met", "NOT met", "NOT met"]
    assert bad[2].value == "1 of 80"


def test_targets_without_the_level_are_not_judged() -> None:
    judged = targets([level(1)], [level(1)])
    assert judged[1].met is None
    assert verdict(judged[1].met) == "n/a"


def test_rss_and_parent_from_proc_texts() -> None:
    assert rss_kb(STATUS) == 921600
    assert rss_kb("Name:\tzombie\nState:\tZ (zombie)\n") is None
    # The command name may hold spaces and parentheses; the parent follows the state after the last ')'.
    assert parent_pid("4242 (tmux: server) (x)) S 17 4242 4242 0 -1 4194560") == 17


def test_descendants_walk_the_whole_tree() -> None:
    parents = {10: 1, 11: 10, 12: 11, 13: 10, 20: 1}
    assert descendants(10, parents) == {10, 11, 12, 13}
    assert descendants(20, parents) == {20}


def test_tree_rss_sums_a_process_and_its_children(tmp_path: Path) -> None:
    for pid, parent, kb in ((100, 1, 1024), (101, 100, 2048), (200, 1, 4096)):
        folder = tmp_path / str(pid)
        folder.mkdir()
        (folder / "stat").write_text(f"{pid} (python) S {parent} {pid} {pid} 0")
        (folder / "status").write_text(f"Name:\tpython\nVmRSS:\t {kb} kB\n")
    (tmp_path / "self").mkdir()
    parents = process_parents(tmp_path)
    assert parents == {100: 1, 101: 100, 200: 1}
    assert tree_rss_mb(100, parents, tmp_path) == 3.0
    assert tree_rss_mb(999, parents, tmp_path) == 0.0  # gone: no memory, no error


def test_citizens_start_at_different_scripts_and_step_on() -> None:
    assert all(script and all(text.strip() for text in script) for script in CONVERSATIONS)
    firsts = {script_for(c, 0, 10) for c in range(10)}
    assert len(firsts) == min(10, len(CONVERSATIONS))
    assert script_for(0, 1, 3) == CONVERSATIONS[3 % len(CONVERSATIONS)]


def test_bench_settings_lift_both_rate_limits(tmp_path: Path) -> None:
    base = Settings(var_dir=tmp_path / "var")
    settings = bench_settings(base, tmp_path / "var" / "bench" / "stack")
    assert settings.rate_limit_per_client == settings.rate_limit_per_session == UNLIMITED
    # Its own folder (a stack may publish into it), never a link to the shared index.
    assert settings.index_dir.is_dir() and not settings.index_dir.is_symlink()
    assert len({settings.gateway_port, settings.rasa_port, settings.action_port}) == 3


def report() -> Report:
    return Report(
        started_at="2026-12-01 12:00 UTC",
        total_seconds=600.0,
        cores=2,
        load_average=(1.0, 2.0),
        order=["floor", "borgerbot"],
        plan={1: (40, 240.0), 10: (200, 300.0)},
        floor=[level(1, p50=30), level(10, rate=25)],
        ours=[level(1, p50=60), level(10, rate=8, errors=2)],
        startup_to_healthy={"floor": 30.0, "borgerbot": 20.0},
        startup=Startup("python -m ops.run", 31.9, 31.4, 1.0, 200, 4.1, 0, "timed the runner"),
    )


def test_report_renders_figures_ratios_and_verdicts() -> None:
    text = render(report())
    assert "p50 latency, 1 citizen <= 1.3x floor" in text and "2.00x" in text
    assert "NOT met" in text
    assert "HTTP 503 x2" in text
    assert "python -m ops.run" in text and "ready after 31.9 s" in text
    markdown = render(report(), markdown=True)
    assert markdown.startswith("# Borgerbot bench")
    assert "| citizens | system |" in markdown


def test_report_json_carries_ratios_and_targets(tmp_path: Path) -> None:
    json_path, md_path = write_reports(report(), tmp_path / "reports")
    data = json.loads(json_path.read_text())
    assert data["ratios"]["1"]["p50"] == pytest.approx(2.0)
    assert [t["met"] for t in data["targets"]] == [False, False, False, None]  # production: not measured
    assert data["startup"]["command"] == "python -m ops.run"
    assert md_path.read_text() == render(report(), markdown=True)
    assert to_json(report())["ours"][1]["error_kinds"] == {"HTTP 503": 2}


def test_plain_table_aligns_columns() -> None:
    lines = table(["a", "long header"], [["value", "x"]]).splitlines()
    assert lines == ["a      long header", "value  x"]
