"""The soak's record and its report: verdicts, memory and latency tables as text or Markdown, JSON, and
a PNG of each process's RSS and the p50/p95 latency over time (reports/soak.png)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from ops.bench.soak_series import (
    LATENCY_TOLERANCE,
    RSS_TOLERANCE,
    RssSample,
    TimedSample,
    error_kinds,
    errors_verdict,
    latency_drift,
    latency_verdict,
    memory_after,
    memory_verdicts,
    per_minute,
    process_names,
    warm_up_seconds,
)
from ops.bench.stats import Target, verdict
from ops.bench.text import ms, table

PNG_NAME = "soak.png"


@dataclass(frozen=True)
class Soak:
    """What one soak run did and saw: every request (when its reply came) and every RSS sample."""

    started_at: str
    planned_seconds: float
    seconds: float  # as run: to the last reply
    citizens: int
    system: str
    cores: int
    load_average: tuple[float, float]  # one-minute load average at the start and at the end
    rss_every_seconds: float
    samples: list[TimedSample]
    rss: list[RssSample]
    latency_tolerance: float = LATENCY_TOLERANCE
    rss_tolerance: float = RSS_TOLERANCE
    stopped_early: str = ""  # why the load stopped before the planned time (a process gone), if it did

    @property
    def warm_up_seconds(self) -> float:
        return warm_up_seconds(self.planned_seconds)


def verdicts(soak: Soak) -> list[Target]:
    """Each process's RSS flat, p50 flat, zero errors; a run stopped early fails on its own line."""
    warm = soak.warm_up_seconds
    judged = memory_verdicts(memory_after(soak.rss, warm), soak.rss_tolerance)
    judged.append(latency_verdict(latency_drift(soak.samples, warm, soak.seconds), soak.latency_tolerance))
    judged.append(errors_verdict(soak.samples))
    if soak.stopped_early:
        judged.append(Target("ran the planned time", soak.stopped_early, False))
    return judged


def _trend(value: float | None) -> str:
    return "n/a" if value is None else f"{value:+.0f}"


def memory_rows(soak: Soak) -> list[list[str]]:
    rows = []
    for p in memory_after(soak.rss, soak.warm_up_seconds):
        spread = "n/a" if p.spread is None else f"+{p.spread:.1%}"
        figures = (p.first_mb, p.min_mb, p.max_mb, p.end_mb)
        rows.append([p.name, str(p.samples), *(f"{v:.0f}" for v in figures), spread, _trend(p.trend_mb_per_hour)])
    return rows


def _tail(soak: Soak, minute: int) -> bool:
    """A minute that starts after the planned end: only the replies still in flight then."""
    return minute * 60 >= soak.planned_seconds


def minute_rows(soak: Soak) -> list[list[str]]:
    rows = []
    for m in per_minute(soak.samples, soak.seconds):
        warm = " (warm-up)" if (m.minute + 1) * 60 <= soak.warm_up_seconds else ""
        note = " (tail: in flight at the end)" if _tail(soak, m.minute) else warm
        rows.append([f"{m.minute}{note}", str(m.messages), str(m.errors), ms(m.p50_ms), ms(m.p95_ms)])
    return rows


def render(soak: Soak, markdown: bool = False) -> str:
    """The whole report; the same content as text or Markdown (which shows the plot)."""
    head = "## " if markdown else ""
    kinds = error_kinds(soak.samples)
    target_rows = [[t.label, t.value, verdict(t.met)] for t in verdicts(soak)]
    parts = [
        f"{'# ' if markdown else ''}Borgerbot soak, {soak.started_at}",
        f"{soak.citizens} citizens for {soak.planned_seconds / 60:.0f} min ({soak.seconds:.0f} s as run) on "
        f"{soak.system}, {len(soak.samples)} requests; warm-up, the first {soak.warm_up_seconds / 60:.1f} min, "
        f"left out of the verdicts; RSS of each process (with its children) every {soak.rss_every_seconds:.0f} s. "
        f"{soak.cores} cores; load average {soak.load_average[0]:.2f} at the start, "
        f"{soak.load_average[1]:.2f} at the end.",
        f"{head}Verdicts",
        table(["check", "this run", "verdict"], target_rows, markdown),
        f"{head}Memory after warm-up (MB; trend: least squares, MB per hour)",
        table(["process", "samples", "first", "min", "max", "end", "max/min", "trend"], memory_rows(soak), markdown),
        f"{head}Latency per minute (every chat request whose reply came in that minute)",
        table(["minute", "messages", "errors", "p50 ms", "p95 ms"], minute_rows(soak), markdown),
        f"{head}Errors by kind",
        "\n".join(f"  {kind} x{n}" for kind, n in kinds.items()) or "  none",
    ]
    if markdown:
        parts += [f"{head}Over time", f"![RSS per process and latency over time]({PNG_NAME})"]
    return "\n\n".join(parts) + "\n"


def to_json(soak: Soak) -> dict[str, Any]:
    """The report as plain data: the series (not every request), the figures and the verdicts."""
    warm = soak.warm_up_seconds
    data = asdict(soak)
    del data["samples"]
    data["requests"] = len(soak.samples)
    data["warm_up_seconds"] = warm
    data["error_kinds"] = error_kinds(soak.samples)
    data["minutes"] = [asdict(m) for m in per_minute(soak.samples, soak.seconds)]
    data["memory_after_warm_up"] = [{**asdict(p), "spread": p.spread} for p in memory_after(soak.rss, warm)]
    drift = latency_drift(soak.samples, warm, soak.seconds)
    data["latency_drift"] = {**asdict(drift), "ratio": drift.ratio}
    data["verdicts"] = [asdict(t) for t in verdicts(soak)]
    return data


def plot(soak: Soak, path: Path) -> Path:
    """RSS per process (MB, and change from its first sample after warm-up), p50/p95 per minute."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    warm = soak.warm_up_seconds / 60
    figure, (absolute, relative, latency) = plt.subplots(3, 1, figsize=(10, 11), sharex=True)
    for name in process_names(soak.rss):
        points = [(s.at / 60, s.mb[name]) for s in soak.rss if name in s.mb]
        absolute.plot([t for t, _ in points], [v for _, v in points], marker=".", label=name)
        base = next((v for t, v in points if t >= warm and v > 0), None)
        if base is not None:
            relative.plot([t for t, _ in points], [(v / base - 1) * 100 for _, v in points], marker=".", label=name)
    relative.axhspan(-soak.rss_tolerance * 100, soak.rss_tolerance * 100, color="tab:green", alpha=0.08)
    minutes = [m for m in per_minute(soak.samples, soak.seconds) if not _tail(soak, m.minute)]
    answered = [m for m in minutes if m.messages]
    latency.plot([m.minute + 0.5 for m in answered], [m.p50_ms for m in answered], marker="o", label="p50")
    latency.plot([m.minute + 0.5 for m in answered], [m.p95_ms for m in answered], marker="o", label="p95")
    failed = [m for m in minutes if m.errors]
    if failed:
        latency.scatter([m.minute + 0.5 for m in failed], [0] * len(failed), color="red", marker="x", label="errors")
    for axis, label in ((absolute, "RSS MB (process and children)"), (relative, "RSS change %"), (latency, "ms")):
        axis.axvspan(0, warm, color="grey", alpha=0.15)
        axis.set_ylabel(label)
        axis.grid(alpha=0.3)
        if axis.get_legend_handles_labels()[0]:
            axis.legend(loc="upper left", fontsize="small", ncols=2)
    minutes_run = f"{soak.planned_seconds / 60:.0f} min"
    absolute.set_title(f"Soak: {soak.citizens} citizens, {minutes_run}, {soak.started_at} (grey: warm-up)")
    relative.set_title(f"RSS change from the first sample after warm-up (green: ±{soak.rss_tolerance:.0%})")
    latency.set_title("latency per minute of the run")
    latency.set_xlabel("minutes since the start")
    latency.set_ylim(bottom=0)
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=100)
    plt.close(figure)
    return path


def write_reports(soak: Soak, folder: Path) -> tuple[Path, Path, Path]:
    """reports/soak.json, reports/soak.md and reports/soak.png."""
    folder.mkdir(parents=True, exist_ok=True)
    json_path, md_path = folder / "soak.json", folder / "soak.md"
    json_path.write_text(json.dumps(to_json(soak), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    md_path.write_text(render(soak, markdown=True), encoding="utf-8")
    return json_path, md_path, plot(soak, folder / PNG_NAME)
