"""The bench's figures as a plain-text table (the command's output), Markdown and JSON (reports/)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ops.bench.publish import TARGET_SECONDS, PublishToLive
from ops.bench.startup import Startup
from ops.bench.stats import Level, Target, format_ratio, ratios, targets, verdict

OURS = "borgerbot"
FLOOR = "floor"


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
    startup_to_healthy: dict[str, float] = field(default_factory=dict)  # each system's start in this run
    startup: Startup | None = None
    publish: PublishToLive | None = None


def _ms(value: float) -> str:
    return f"{value:.1f}" if value < 10 else f"{value:.0f}"


def _citizens(n: int) -> str:
    return f"{n} citizen" if n == 1 else f"{n} citizens"


def _memory(level: Level) -> str:
    return ", ".join(f"{name} {m.peak_mb:.0f} ({m.end_mb:.0f})" for name, m in level.memory.items())


def figure_rows(report: Report) -> list[list[str]]:
    rows = []
    for floor, ours in zip(report.floor, report.ours, strict=True):
        for name, level in ((FLOOR, floor), (OURS, ours)):
            rows.append(
                [
                    str(level.citizens),
                    name,
                    str(level.messages) + (" (capped)" if level.capped else ""),
                    str(level.errors),
                    _ms(level.p50_ms),
                    _ms(level.p95_ms),
                    _ms(level.p99_ms),
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
RATIO_HEADERS = ["citizens", "p50", "p95", "p99", "msg/s", "peak RSS (all processes)"]


def ratio_rows(report: Report) -> list[list[str]]:
    rows = []
    for floor, ours in zip(report.floor, report.ours, strict=True):
        r = ratios(ours, floor)
        keys = ("p50", "p95", "p99", "messages_per_second", "peak_memory")
        rows.append([str(ours.citizens), *(format_ratio(r[k]) for k in keys)])
    return rows


def table(headers: Sequence[str], rows: Sequence[Sequence[str]], markdown: bool = False) -> str:
    """Aligned columns; with markdown, a pipe table."""
    if markdown:
        lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
        return "\n".join(lines + ["| " + " | ".join(row) + " |" for row in rows])
    widths = [max(len(str(c)) for c in column) for column in zip(headers, *rows, strict=True)]
    return "\n".join(
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in [headers, *rows]
    )


def startup_line(startup: Startup | None) -> str:
    if startup is None:
        return "start-up: not measured"
    s = startup

    def at(value: float | None) -> str:
        return "n/a" if value is None else f"{value:.1f} s"

    line = (
        f"start-up ({s.command}, existing install: model trained, index built): ready after {at(s.ready_seconds)} "
        f"(gateway health 200 after {at(s.health_seconds)}); first answer {at(s.first_answer_seconds)} later "
        f"(HTTP {s.first_answer_status or 'n/a'}); stopped {at(s.stop_seconds)} after SIGINT (exit {s.returncode})"
    )
    return line + (f"\n  note: {s.note}" if s.note else "")


def _seconds(value: float | None) -> str:
    return "not live in time" if value is None else f"{value:.1f} s"


def publish_line(publish: PublishToLive | None) -> str:
    if publish is None:
        return "publish to live: not measured"
    if not publish.seconds:
        return f"publish to live: {publish.note or 'not measured'}"
    each = ", ".join(_seconds(s) for s in publish.seconds)
    return (
        f"publish to live (a sentence added to {publish.guide_id}'s short answer, saved with publish=True, "
        f"{publish.question!r} asked every 0.25 s): median {_seconds(publish.median_seconds)} "
        f"over {len(publish.seconds)} edits ({each})"
    )


def all_targets(report: Report) -> list[Target]:
    """The load targets and, when it was measured, publish to live within TARGET_SECONDS."""
    judged = targets(report.ours, report.floor)
    if report.publish is not None and report.publish.seconds:
        value = _seconds(report.publish.median_seconds)
        judged.append(Target(f"publish to live, median <= {TARGET_SECONDS:.0f} s", value, report.publish.met))
    return judged


def error_lines(report: Report) -> list[str]:
    lines = []
    for name, levels in ((OURS, report.ours), (FLOOR, report.floor)):
        for level in levels:
            if level.error_kinds:
                kinds = ", ".join(f"{kind} x{n}" for kind, n in level.error_kinds.items())
                lines.append(f"  {name}, {_citizens(level.citizens)}: {kinds}")
    return lines or ["  none"]


def render(report: Report, markdown: bool = False) -> str:
    """The whole report; the same content as text or Markdown."""
    head = "## " if markdown else ""
    plan = "; ".join(f"{_citizens(c)}: {m} messages, cap {cap:.0f} s" for c, (m, cap) in report.plan.items())
    healthy = ", ".join(f"{name} {seconds:.0f} s" for name, seconds in report.startup_to_healthy.items())
    target_rows = [[t.label, t.value, verdict(t.met)] for t in all_targets(report)]
    parts = [
        f"{'# ' if markdown else ''}Borgerbot bench, {report.started_at}",
        f"{report.cores} cores; load average {report.load_average[0]:.2f} at the start, "
        f"{report.load_average[1]:.2f} at the end; {report.total_seconds:.0f} s in all. "
        f"Order: {', '.join(report.order)} (one system under load at a time). Plan: {plan}. "
        f"Time to healthy in this run: {healthy or 'n/a'}.",
        f"{head}Figures per level (latency of every chat request; msg/s counts answered ones; "
        "RSS: peak sampled during the level, value at its end in brackets, each process with its children)",
        table(FIGURE_HEADERS, figure_rows(report), markdown),
        f"{head}Ours / floor (latency and memory: lower is better; msg/s: higher is better)",
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
    """The report as plain data, with the ratios and the targets judged."""
    data = asdict(report)
    data["ratios"] = {str(o.citizens): ratios(o, f) for f, o in zip(report.floor, report.ours, strict=True)}
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
