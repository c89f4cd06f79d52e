"""make soak's pure parts on made-up samples (none, one, many): warm-up, series, verdicts, report and plot.

No servers, no timing: the samples' times and latencies are written out here.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ops.bench.soak_report import PNG_NAME, Soak, memory_rows, minute_rows, render, to_json, verdicts, write_reports
from ops.bench.soak_series import (
    Drift,
    ProcessMemory,
    RssSample,
    TimedSample,
    error_kinds,
    errors_verdict,
    latency_drift,
    latency_verdict,
    memory_after,
    memory_verdicts,
    per_minute,
    trend_per_hour,
    warm_up_seconds,
)
from ops.bench.stats import Sample, verdict


def ok(at: float, ms: float) -> TimedSample:
    return TimedSample(at, Sample(ms / 1000, 200))


def failed(at: float, status: int | None = 503, error: str | None = None) -> TimedSample:
    return TimedSample(at, Sample(0.05, status, error))


def rss(at: float, **mb: float) -> RssSample:
    return RssSample(at, dict(mb))


def soak(samples: list[TimedSample], memory: list[RssSample], seconds: float = 1800.0, **more: str) -> Soak:
    return Soak(
        started_at="2026-12-02 12:00 UTC",
        planned_seconds=1800.0,
        seconds=seconds,
        citizens=10,
        system="the single stack",
        cores=2,
        load_average=(1.0, 2.5),
        rss_every_seconds=20.0,
        samples=samples,
        rss=memory,
        **more,  # type: ignore[arg-type]
    )


def steady(seconds: int = 1800, step: int = 20, ms: float = 400.0) -> tuple[list[TimedSample], list[RssSample]]:
    """Two requests every ``step`` seconds at ``ms``, RSS flat apart from a grown warm-up."""
    samples = [ok(t + off, ms) for t in range(0, seconds, step) for off in (1.0, 2.0)]
    memory = [rss(t, rasa=900.0 if t < 300 else 1000.0 + (t % 3), gateway=300.0) for t in range(0, seconds + 1, step)]
    return samples, memory


def test_warm_up_is_a_sixth_at_most_five_minutes() -> None:
    assert warm_up_seconds(1800) == 300
    assert warm_up_seconds(240) == 40
    assert warm_up_seconds(7200) == 300
    assert warm_up_seconds(0) == 0


def test_per_minute_buckets_by_reply_time_and_keeps_empty_minutes() -> None:
    assert per_minute([], 0) == []
    assert [m.messages for m in per_minute([], 120)] == [0, 0]
    one = per_minute([ok(10, 300)], 60)
    assert [(m.minute, m.messages) for m in one] == [(0, 1)]
    assert one[0].p50_ms == pytest.approx(300)
    many = per_minute([ok(1, 100), ok(2, 300), failed(70), ok(190, 500)], 200)
    assert [(m.messages, m.errors) for m in many] == [(2, 0), (1, 1), (0, 0), (1, 0)]
    assert many[0].p50_ms == pytest.approx(200)
    assert many[2].p50_ms == 0.0  # the stalled minute: no reply, no latency


def test_trend_is_the_least_squares_slope_per_hour() -> None:
    assert trend_per_hour([]) is None
    assert trend_per_hour([(10.0, 500.0)]) is None
    assert trend_per_hour([(0.0, 100.0), (1800.0, 110.0), (3600.0, 120.0)]) == pytest.approx(20.0)


def test_memory_after_warm_up_leaves_the_start_out() -> None:
    assert memory_after([], 300) == []
    _, memory = steady()
    figures = {p.name: p for p in memory_after(memory, 300)}
    assert figures["rasa"].min_mb == 1000.0 and figures["rasa"].max_mb == 1002.0
    assert figures["rasa"].spread == pytest.approx(0.002)
    assert figures["gateway"].trend_mb_per_hour == pytest.approx(0.0)
    # A process only sampled during warm-up has no figures after it.
    only_early = memory_after([rss(10, actions=800.0), rss(400, rasa=1.0)], 300)
    assert [(p.name, p.samples) for p in only_early] == [("actions", 0), ("rasa", 1)]


def test_memory_verdicts_zero_one_many() -> None:
    assert [t.met for t in memory_verdicts([])] == [None]
    one = memory_verdicts(memory_after([rss(400, rasa=1000.0)], 300))
    assert one[0].met is None and "too few" in one[0].value
    flat, grown = (
        ProcessMemory("rasa", 10, 1000, 1000, 1100, 1100, 1.0),
        ProcessMemory("gw", 10, 300, 300, 331, 331, 2.0),
    )
    judged = memory_verdicts([flat, grown])
    assert [verdict(t.met) for t in judged] == ["met", "NOT met"]  # +10.0 % is within, +10.3 % is not
    assert judged[1].value == "300-331 MB (+10.3%)"
    gone = memory_verdicts([ProcessMemory("actions", 5, 900, 0, 900, 0, None)])
    assert gone[0].met is False and "gone" in gone[0].value


def test_latency_drift_compares_the_thirds_after_warm_up() -> None:
    samples = [ok(100, 5000)]  # in the warm-up: left out
    samples += [ok(t, 400) for t in range(300, 800, 10)]  # first third of [300, 1800]
    samples += [ok(t, 430) for t in range(800, 1300, 10)]
    samples += [ok(t, 436) for t in range(1300, 1800, 10)]  # last third
    drift = latency_drift(samples, 300, 1800)
    assert drift.first_p50_ms == pytest.approx(400) and drift.last_p50_ms == pytest.approx(436)
    assert drift.ratio == pytest.approx(1.09)
    assert latency_verdict(drift).met is True
    assert latency_verdict(drift, tolerance=0.05).met is False
    faster = Drift(400.0, 300.0, 10, 10)
    assert latency_verdict(faster).met is False  # flat means either way
    assert latency_verdict(latency_drift([], 300, 1800)).met is None
    assert latency_verdict(latency_drift([ok(400, 400)], 300, 1800)).met is None  # nothing in the last third


def test_errors_count_the_whole_run_by_kind() -> None:
    assert errors_verdict([]).met is None
    assert errors_verdict([ok(1, 100)]).met is True
    samples = [ok(1, 100), failed(2), failed(3, None, "ReadTimeout"), failed(400)]
    judged = errors_verdict(samples)
    assert (judged.met, judged.value) == (False, "3 of 4")
    assert error_kinds(samples) == {"HTTP 503": 2, "ReadTimeout": 1}


def test_a_steady_run_meets_every_verdict() -> None:
    samples, memory = steady()
    judged = verdicts(soak(samples, memory))
    assert [t.label.split(" flat")[0] for t in judged[:2]] == ["RSS of rasa", "RSS of gateway"]
    assert [verdict(t.met) for t in judged] == ["met", "met", "met", "met"]


def test_a_run_stopped_early_fails() -> None:
    samples, memory = steady(600)
    judged = verdicts(soak(samples, memory, seconds=600, stopped_early="stopped at 10.0 min: rasa gone"))
    assert judged[-1].label == "ran the planned time" and judged[-1].met is False


def test_report_renders_verdicts_memory_minutes_and_the_plot_link() -> None:
    samples, memory = steady()
    samples.append(failed(900, None, "ConnectError"))
    result = soak(samples, memory)
    text = render(result)
    assert "10 citizens for 30 min" in text and "the first 5.0 min" in text
    assert "zero errors (the whole run, warm-up included)" in text and "NOT met" in text
    assert "ConnectError x1" in text
    assert PNG_NAME not in text
    markdown = render(result, markdown=True)
    assert markdown.startswith("# Borgerbot soak") and f"]({PNG_NAME})" in markdown
    assert "| process | samples |" in markdown
    assert memory_rows(result)[0][:2] == ["rasa", str(len([m for m in memory if m.at >= 300]))]
    minutes = minute_rows(result)
    assert len(minutes) == 30 and minutes[0][0] == "0 (warm-up)" and minutes[5][0] == "5"
    # Replies still in flight at the planned end land in a minute of their own, marked as such.
    late = minute_rows(soak([*samples, ok(1805, 900)], memory, seconds=1805))
    assert len(late) == 31 and late[-1][0] == "30 (tail: in flight at the end)"


def test_report_of_an_empty_run_still_renders() -> None:
    empty = soak([], [], seconds=0.0)
    assert "none" in render(empty)
    assert all(t.met is None for t in verdicts(empty))
    assert to_json(empty)["minutes"] == []


def test_reports_are_written_as_json_markdown_and_png(tmp_path: Path) -> None:
    samples, memory = steady(600)
    result = soak(samples, memory, seconds=600)
    json_path, md_path, png_path = write_reports(result, tmp_path / "reports")
    data = json.loads(json_path.read_text())
    assert "samples" not in data and data["requests"] == len(samples)
    assert data["warm_up_seconds"] == 300 and len(data["minutes"]) == 10
    assert data["memory_after_warm_up"][0]["name"] == "rasa"
    assert data["rss"][0]["mb"] == {"rasa": 900.0, "gateway": 300.0}
    assert [v["met"] for v in data["verdicts"]] == [True, True, True, True]
    assert md_path.read_text() == render(result, markdown=True)
    assert png_path.name == PNG_NAME and png_path.read_bytes().startswith(b"\x89PNG")


def test_plot_copes_with_no_samples_and_with_errors(tmp_path: Path) -> None:
    _, _, png = write_reports(soak([], [], seconds=0.0), tmp_path / "empty")
    assert png.read_bytes().startswith(b"\x89PNG")
    _, _, png = write_reports(soak([failed(5), ok(70, 200)], [rss(0, rasa=0.0)], 120.0), tmp_path / "odd")
    assert png.read_bytes().startswith(b"\x89PNG")
