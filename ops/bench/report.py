"""The bench's figures as a plain-text table (the command's output), Markdown and JSON (reports/)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ops.bench.publish import TARGET_SECONDS, PublishToLive
from ops.bench.startup import Startup
from ops.bench.stats import Level, Target, format_ratio, ratios, targets, verdict
from ops.bench.text import citizens_label, ms, publish_line, seconds_text, startup_line, table

OURS = "borgerbot"
FLOOR = "floor"
PRODUCTION = "production shape"


@dataclass(frozen=True)
class Report:
    """Everything one bench run measured, with what it ran on."""

    started_at: str
    total_seconds: float
    cores: int
    load_average: tuple[float, float]  # one-minute load average at the start and at the end
    order: list[str]
    plan: dict[int, tuple[int, float]]  # citizens -> (messages, time cap in seconds)
    floor: list[Level]
    ours: list[Level]
    # The production shape (ops.production), at the levels it was measured at; empty: not measured.
    production: list[Level] = field(default_factory=list)
    startup_to_healthy: dict[str, float] = field(default_factory=dict)  # each system's start in this run
    startup: Startup | None = None
    publish: PublishToLive | None = None

    def systems(self) -> list[tuple[str, list[Level]]]:
        """Each system's name and levels, in the tables' order."""
        return [(FLOOR, self.floor), (OURS, self.ours), (PRODUCTION, self.production)]

    def citizens(self) -> list[int]:
        """Every level measured by any system, in the plan's order (then any other, ascending)."""
        measured = {level.citizens for _, levels in self.systems() for level in levels}
        return [c for c in self.plan if c in measured] + sorted(measured - set(self.plan))


def _at(levels: list[Level], citizens: int) -> Level | None:
    return next((level for level in levels if level.citizens == citizens), None)


def _memory(level: Level) -> str:
    return ", ".join(f"{name} {m.peak_mb:.0f} ({m.end_mb:.0f})" for name, m in level.memory.items())


def figure_rows(report: Report) -> list[list[str]]:
    rows = []
    for citizens in report.citizens():
        for name, levels in report.systems():
            level = _at(levels, citizens)
            if level is None:
                continue
            rows.append(
                [
                    str(level.citizens),
                    name,
                    str(level.messages) + (" (capped)" if level.capped else ""),
                    str(level.errors),
                    ms(level.p50_ms),
                    ms(level.p95_ms),
                    ms(level.p99_ms),
                    f"{level.messages_per_second:.2f}",
                    f"{level.seconds:.1f}",
                    _memory(level),
                ]
            )
    return rows


FIGURE_HEADERS = [
    "citizens",
    "system",
    "messages",
    "errors",
    "p50 ms",
    "p95 ms",
    "p99 ms",
    "msg/s",
    "seconds",
    "RSS MB",
]
RATIO_HEADERS = ["citizens", "system", "p50", "p95", "p99", "msg/s", "peak RSS (all processes)"]
RATIO_KEYS = ("p50", "p95", "p99", "messages_per_second", "peak_memory")


def _compared(report: Report) -> Iterator[tuple[str, Level, Level]]:
    """(system, its level, the floor's at the same citizens) for ours and the production shape."""
    for citizens in report.citizens():
        floor = _at(report.floor, citizens)
        for name, levels in report.systems()[1:]:
            level = _at(levels, citizens)
            if floor is not None and level is not None:
                yield name, level, floor


def ratio_rows(report: Report) -> list[list[str]]:
    rows = []
    for name, level, floor in _compared(report):
        r = ratios(level, floor)
        rows.append([str(level.citizens), name, *(format_ratio(r[k]) for k in RATIO_KEYS)])
    return rows


def all_targets(report: Report) -> list[Target]:
    """The load targets (the production shape's when measured) and publish to live within TARGET_SECONDS."""
    judged = targets(report.ours, report.floor, report.production or None)
    if not report.production:
        judged.append(Target("production shape (throughput at 50 citizens, errors)", "not measured", None))
    if report.publish is not None and report.publish.seconds:
        value = seconds_text(report.publish.median_seconds)
        judged.append(Target(f"publish to live, median <= {TARGET_SECONDS:.0f} s", value, report.publish.met))
    return judged


def error_lines(report: Report) -> list[str]:
    lines = []
    for name, levels in report.systems():
        for level in levels:
            if level.error_kinds:
                kinds = ", ".join(f"{kind} x{n}" for kind, n in level.error_kinds.items())
                lines.append(f"  {name}, {citizens_label(level.citizens)}: {kinds}")
    return lines or ["  none"]


def _levels(levels: list[Level]) -> str:
    return ", ".join(str(level.citizens) for level in levels)


def figures_table(report: Report, markdown: bool = False) -> str:
    """The figures of every system at every level (also what `--prod-only` prints)."""
    return table(FIGURE_HEADERS, figure_rows(report), markdown)


def render(report: Report, markdown: bool = False) -> str:
    """The whole report; the same content as text or Markdown."""
    head = "## " if markdown else ""
    plan = "; ".join(f"{citizens_label(c)}: {m} messages, cap {cap:.0f} s" for c, (m, cap) in report.plan.items())
    healthy = ", ".join(f"{name} {seconds:.0f} s" for name, seconds in report.startup_to_healthy.items())
    target_rows = [[t.label, t.value, verdict(t.met)] for t in all_targets(report)]
    measured_at = ", ".join(f"{name} at {_levels(levels)}" for name, levels in report.systems() if levels)
    parts = [
        f"{'# ' if markdown else ''}Borgerbot bench, {report.started_at}",
        f"{report.cores} cores; load average {report.load_average[0]:.2f} at the start, "
        f"{report.load_average[1]:.2f} at the end; {report.total_seconds:.0f} s in all. "
        f"Order: {', '.join(report.order)} (one system under load at a time). Plan: {plan}; "
        f"measured: {measured_at or 'nothing'}. Time to healthy in this run: {healthy or 'n/a'}.",
        f"{head}Figures per level (latency of every chat request; msg/s counts answered ones; "
        "RSS: peak sampled during the level, value at its end in brackets, each process with its children)",
        figures_table(report, markdown),
        f"{head}Ours and the production shape / floor (latency and memory: lower is better; msg/s: higher is better)",
        table(RATIO_HEADERS, ratio_rows(report), markdown),
        f"{head}Targets",
        table(["target", "this run", "verdict"], target_rows, markdown),
        f"{head}Errors by kind",
        "\n".join(error_lines(report)),
        f"{head}Start-up",
        startup_line(report.startup),
        f"{head}Publish to live",
        publish_line(report.publish),
    ]
    return "\n\n".join(parts) + "\n"


def to_json(report: Report) -> dict[str, Any]:
    """The report as plain data, with the ratios (ours', the production shape's) and the targets judged."""
    data = asdict(report)
    data["ratios"], data["production_ratios"] = {}, {}
    for name, level, floor in _compared(report):
        data["ratios" if name == OURS else "production_ratios"][str(level.citizens)] = ratios(level, floor)
    data["targets"] = [asdict(t) for t in all_targets(report)]
    if report.publish is not None:
        data["publish"]["median_seconds"] = report.publish.median_seconds
    return data


def write_reports(report: Report, folder: Path) -> tuple[Path, Path]:
    """reports/bench.json and reports/bench.md."""
    folder.mkdir(parents=True, exist_ok=True)
    json_path, md_path = folder / "bench.json", folder / "bench.md"
    json_path.write_text(json.dumps(to_json(report), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    md_path.write_text(render(report, markdown=True), encoding="utf-8")
    return json_path, md_path
