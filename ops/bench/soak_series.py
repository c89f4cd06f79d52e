"""The soak's pure figures: latency per minute, each process's memory after warm-up, latency drift, verdicts.

A soak holds one load for a long while; what it judges is whether anything creeps (memory, latency)
once the stack has warmed up, and whether any request failed.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from ops.bench.stats import Sample, Target, error_kind, percentile

# Warm-up: the first 1/6 of the run, at most 5 minutes (a 30-minute soak: 5 minutes).
WARM_UP_FRACTION = 1 / 6
WARM_UP_CAP_SECONDS = 300.0
# Each process's RSS after warm-up: max / min at most 1 + this.
RSS_TOLERANCE = 0.10
# p50 of the last third after warm-up within this fraction of the first third's, either way.
LATENCY_TOLERANCE = 0.10


@dataclass(frozen=True)
class TimedSample:
    """One chat request and when its reply came, in seconds since the soak started."""

    at: float
    sample: Sample


@dataclass(frozen=True)
class RssSample:
    """Each process tree's resident memory (MB) at one moment, in seconds since the soak started."""

    at: float
    mb: dict[str, float]


@dataclass(frozen=True)
class Minute:
    """The requests whose replies came in one minute of the run (minute 0: the first)."""

    minute: int
    messages: int
    errors: int
    p50_ms: float
    p95_ms: float


@dataclass(frozen=True)
class ProcessMemory:
    """One process's RSS over the samples after warm-up, and its trend (least squares) in MB per hour."""

    name: str
    samples: int
    first_mb: float
    min_mb: float
    max_mb: float
    end_mb: float
    trend_mb_per_hour: float | None

    @property
    def spread(self) -> float | None:
        """max / min - 1; None without two samples or with a zero (the process was gone)."""
        if self.samples < 2 or self.min_mb <= 0:
            return None
        return self.max_mb / self.min_mb - 1


@dataclass(frozen=True)
class Drift:
    """p50 latency of the first and the last third of the time after warm-up (None: no request there)."""

    first_p50_ms: float | None
    last_p50_ms: float | None
    first_messages: int
    last_messages: int

    @property
    def ratio(self) -> float | None:
        if self.first_p50_ms is None or self.last_p50_ms is None or self.first_p50_ms <= 0:
            return None
        return self.last_p50_ms / self.first_p50_ms


def warm_up_seconds(planned_seconds: float) -> float:
    """The start of the run left out of the verdicts."""
    return min(WARM_UP_CAP_SECONDS, planned_seconds * WARM_UP_FRACTION)


def per_minute(samples: Sequence[TimedSample], seconds: float) -> list[Minute]:
    """Every minute of the run, those without a single reply included (a stall shows as 0 messages)."""
    count = max(math.ceil(seconds / 60), math.floor(max((s.at for s in samples), default=0) / 60) + 1)
    buckets: list[list[Sample]] = [[] for _ in range(count if samples or seconds > 0 else 0)]
    for timed in samples:
        buckets[int(timed.at // 60)].append(timed.sample)
    minutes = []
    for minute, bucket in enumerate(buckets):
        latencies = [s.seconds * 1000 for s in bucket]
        errors = sum(1 for s in bucket if not s.ok)
        minutes.append(Minute(minute, len(bucket), errors, percentile(latencies, 0.5), percentile(latencies, 0.95)))
    return minutes


def trend_per_hour(points: Sequence[tuple[float, float]]) -> float | None:
    """The least-squares slope of (seconds, MB) points, in MB per hour; None for fewer than two times."""
    if len({t for t, _ in points}) < 2:
        return None
    mean_t = sum(t for t, _ in points) / len(points)
    mean_v = sum(v for _, v in points) / len(points)
    covariance = sum((t - mean_t) * (v - mean_v) for t, v in points)
    variance = sum((t - mean_t) ** 2 for t, _ in points)
    return covariance / variance * 3600


def process_names(rss: Sequence[RssSample]) -> list[str]:
    """Every process sampled, in the order first seen."""
    return list(dict.fromkeys(name for sample in rss for name in sample.mb))


def memory_after(rss: Sequence[RssSample], after: float) -> list[ProcessMemory]:
    """Each process's memory over the samples at or after ``after`` (warm-up left out)."""
    kept = [s for s in rss if s.at >= after]
    figures = []
    for name in process_names(rss):
        points = [(s.at, s.mb[name]) for s in kept if name in s.mb]
        values = [v for _, v in points]
        if not values:
            figures.append(ProcessMemory(name, 0, 0.0, 0.0, 0.0, 0.0, None))
            continue
        trend = trend_per_hour(points)
        figures.append(ProcessMemory(name, len(values), values[0], min(values), max(values), values[-1], trend))
    return figures


def latency_drift(samples: Sequence[TimedSample], start: float, end: float) -> Drift:
    """p50 of the first third of [start, end] against the last third's."""
    third = max(end - start, 0.0) / 3
    first = [s.sample.seconds * 1000 for s in samples if start <= s.at < start + third]
    last = [s.sample.seconds * 1000 for s in samples if end - third <= s.at <= end and s.at >= start]
    return Drift(
        percentile(first, 0.5) if first else None,
        percentile(last, 0.5) if last else None,
        len(first),
        len(last),
    )


def error_kinds(samples: Sequence[TimedSample]) -> dict[str, int]:
    kinds = Counter(error_kind(s.sample) for s in samples if not s.sample.ok)
    return dict(sorted(kinds.items()))


def memory_verdicts(memory: Sequence[ProcessMemory], tolerance: float = RSS_TOLERANCE) -> list[Target]:
    """Each process's RSS flat after warm-up: max / min within 1 + tolerance."""
    if not memory:
        return [Target("RSS flat after warm-up", "no memory sampled", None)]
    judged = []
    for process in memory:
        label = f"RSS of {process.name} flat after warm-up (max/min <= {1 + tolerance:.2f})"
        spread = process.spread
        if process.samples and process.min_mb <= 0:
            judged.append(Target(label, "0 MB sampled: the process was gone", False))
        elif spread is None:
            judged.append(Target(label, f"{process.samples} sample(s): too few to judge", None))
        else:
            value = f"{process.min_mb:.0f}-{process.max_mb:.0f} MB (+{spread:.1%})"
            judged.append(Target(label, value, process.max_mb <= process.min_mb * (1 + tolerance)))
    return judged


def latency_verdict(drift: Drift, tolerance: float = LATENCY_TOLERANCE) -> Target:
    label = f"p50 latency flat: last third within {tolerance:.0%} of the first (after warm-up)"
    ratio = drift.ratio
    if ratio is None or drift.first_p50_ms is None or drift.last_p50_ms is None:
        return Target(label, "too few requests to judge", None)
    value = f"{drift.first_p50_ms:.0f} -> {drift.last_p50_ms:.0f} ms ({ratio:.2f}x)"
    first, last = drift.first_p50_ms, drift.last_p50_ms
    return Target(label, value, first * (1 - tolerance) <= last <= first * (1 + tolerance))


def errors_verdict(samples: Sequence[TimedSample]) -> Target:
    errors = sum(1 for s in samples if not s.sample.ok)
    label = "zero errors (the whole run, warm-up included)"
    return Target(label, f"{errors} of {len(samples)}", errors == 0 if samples else None)
