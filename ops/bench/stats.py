"""Pure figures of a load level: percentiles, throughput, errors, ratios to the floor and the targets."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Sample:
    """One chat request: how long it took and how it ended (status None: an exception, named in error)."""

    seconds: float
    status: int | None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.status == 200 and self.error is None


@dataclass(frozen=True)
class Memory:
    """Resident memory of one process and its children, in MB: the peak sampled and the value at the end."""

    peak_mb: float
    end_mb: float


@dataclass(frozen=True)
class Level:
    """The figures of one system at one concurrency level."""

    citizens: int
    messages: int
    answered: int
    errors: int
    error_kinds: dict[str, int]
    seconds: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    messages_per_second: float
    capped: bool
    memory: dict[str, Memory] = field(default_factory=dict)

    @property
    def peak_mb(self) -> float:
        """Peak resident memory of all the system's processes together (sum of each one's peak)."""
        return sum(m.peak_mb for m in self.memory.values())


@dataclass(frozen=True)
class Target:
    """One target of the issue, judged on this run; met is None when the run lacks the figure."""

    label: str
    value: str
    met: bool | None


def percentile(values: Sequence[float], q: float) -> float:
    """The q-quantile (0-1) with linear interpolation between the closest ranks; 0.0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    position = q * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def error_kind(sample: Sample) -> str:
    return sample.error or f"HTTP {sample.status}"


def summarise(
    citizens: int, samples: Sequence[Sample], seconds: float, capped: bool, memory: dict[str, Memory]
) -> Level:
    """Latency of every request (errors included), answered (200) messages per second, errors by kind."""
    latencies = [s.seconds * 1000 for s in samples]
    answered = sum(1 for s in samples if s.ok)
    kinds = Counter(error_kind(s) for s in samples if not s.ok)
    return Level(
        citizens=citizens,
        messages=len(samples),
        answered=answered,
        errors=len(samples) - answered,
        error_kinds=dict(sorted(kinds.items())),
        seconds=seconds,
        p50_ms=percentile(latencies, 0.50),
        p95_ms=percentile(latencies, 0.95),
        p99_ms=percentile(latencies, 0.99),
        messages_per_second=answered / seconds if seconds > 0 else 0.0,
        capped=capped,
        memory=memory,
    )


def ratio(ours: float, floor: float) -> float | None:
    """ours / floor, or None when the floor's figure is zero (no ratio to speak of)."""
    return ours / floor if floor > 0 else None


def ratios(ours: Level, floor: Level) -> dict[str, float | None]:
    """Our figures over the floor's at the same level: above 1 is slower (latency) or faster (throughput)."""
    return {
        "p50": ratio(ours.p50_ms, floor.p50_ms),
        "p95": ratio(ours.p95_ms, floor.p95_ms),
        "p99": ratio(ours.p99_ms, floor.p99_ms),
        "messages_per_second": ratio(ours.messages_per_second, floor.messages_per_second),
        "peak_memory": ratio(ours.peak_mb, floor.peak_mb),
    }


def _at(levels: Sequence[Level], citizens: int) -> Level | None:
    return next((level for level in levels if level.citizens == citizens), None)


def format_ratio(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}x"


P50_TARGET = 1.3  # ours / floor at 1 citizen, at most
PRODUCTION_RATE_TARGET = 1.6  # the production shape's msg/s / the floor's at 50 citizens, at least


def _errors_target(label: str, levels: Sequence[Level]) -> Target:
    errors = sum(level.errors for level in levels)
    messages = sum(level.messages for level in levels)
    return Target(label, f"{errors} of {messages}", errors == 0 if levels else None)


def _rate_target(label: str, ours: Level | None, floor: Level | None, at_least: float) -> Target:
    """ours' answered msg/s at least ``at_least`` times the floor's at the same level (n/a without both)."""
    if ours is None or floor is None:
        return Target(label, "n/a", None)
    rate = ratio(ours.messages_per_second, floor.messages_per_second)
    value = f"{format_ratio(rate)} ({ours.messages_per_second:.1f} vs {floor.messages_per_second:.1f} msg/s)"
    return Target(label, value, ours.messages_per_second >= at_least * floor.messages_per_second)


def targets(ours: Sequence[Level], floor: Sequence[Level], production: Sequence[Level] | None = None) -> list[Target]:
    """The issue's targets: p50 at 1 citizen <= 1.3x the floor, throughput at 10 >= the floor's, no errors;
    with the production shape measured, its throughput at 50 >= 1.6x the floor's and no errors either."""
    ours_1, floor_1 = _at(ours, 1), _at(floor, 1)
    p50 = ratio(ours_1.p50_ms, floor_1.p50_ms) if ours_1 and floor_1 else None
    judged = [
        Target(
            f"p50 latency, 1 citizen <= {P50_TARGET}x floor",
            format_ratio(p50),
            None if p50 is None else p50 <= P50_TARGET,
        ),
        _rate_target("throughput, 10 citizens >= floor", _at(ours, 10), _at(floor, 10), 1.0),
        _errors_target("zero errors (ours, all levels)", ours),
    ]
    if production is not None:
        label = f"production shape throughput, 50 citizens >= {PRODUCTION_RATE_TARGET}x floor"
        judged.append(_rate_target(label, _at(production, 50), _at(floor, 50), PRODUCTION_RATE_TARGET))
        judged.append(_errors_target("zero errors (production shape, all levels)", production))
    return judged


def verdict(met: bool | None) -> str:
    return "n/a" if met is None else ("met" if met else "NOT met")
