"""make bench: latency, throughput and memory at 1, 10 and 50 citizens, ours and the production shape beside a
bare Rasa floor; start-up; publish to live (a guide published in the content database to the citizen's answer)."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
import time
from collections.abc import Mapping, Sequence
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from core.log import configure_logging
from core.settings import Settings, get_settings
from kb.prepare import ensure_index
from ops.bench import production
from ops.bench.floor import ensure_floor, run_floor
from ops.bench.load import System, run_level, send_chat, send_rest, warm_up
from ops.bench.ours import bench_settings, run_ours
from ops.bench.publish import measure_publish_to_live
from ops.bench.report import FLOOR, OURS, PRODUCTION, Report, figures_table, render, write_reports
from ops.bench.startup import time_startup
from ops.bench.stats import Level
from ops.bench.text import publish_line
from ops.training import ensure_model

logger = logging.getLogger("ops.bench")

# citizens -> (messages counted, hard time cap in seconds) per level.
PLAN: dict[int, tuple[int, float]] = {1: (40, 240.0), 10: (200, 300.0), 50: (400, 420.0)}
QUICK_PLAN: dict[int, tuple[int, float]] = {1: (6, 60.0), 5: (15, 60.0)}
# The levels the production shape is measured at (it is built for many citizens, not for one).
PRODUCTION_LEVELS = (10, 50)
QUICK_PRODUCTION_LEVELS = (5,)


def turn_order(names: Sequence[str], turn: int) -> list[str]:
    """Who goes first at a level: the systems rotated by one each level, so none is always first or last."""
    if not names:
        return []
    shift = turn % len(names)
    return [*names[shift:], *names[:shift]]


async def interleave(
    systems: Sequence[System], plan: Mapping[int, tuple[int, float]], levels: Mapping[str, Sequence[int]]
) -> dict[str, list[Level]]:
    """Every system warmed up, then level by level each system measured at it in turn (``levels``: a
    system's levels, when not all of the plan's); one under load at a time, the rest idle."""
    by_name = {system.name: system for system in systems}
    for system in systems:
        await warm_up(system)
    measured: dict[str, list[Level]] = {system.name: [] for system in systems}
    for turn, (citizens, (messages, cap)) in enumerate(plan.items()):
        here = [s.name for s in systems if citizens in levels.get(s.name, plan)]
        for name in turn_order(here, turn):
            measured[name].append(await run_level(by_name[name], citizens, messages, cap))
    return measured


def measure(
    settings: Settings,
    bench_dir: Path,
    model: Path,
    plan: Mapping[int, tuple[int, float]],
    production_levels: Sequence[int] | None,
    ours_and_floor: bool = True,
) -> tuple[dict[str, list[Level]], dict[str, float]]:
    """The systems up at once (the floor, ours, the production shape unless its levels are None), measured
    interleaved; each system's levels and its time to healthy.

    Taking turns at each level means a shared machine's slow drift hits all alike; the idle ones wait
    on their sockets and cost nothing meaningful meanwhile.
    """
    systems: list[System] = []
    startup: dict[str, float] = {}
    floor_dir = bench_dir / "floor"
    # Trained (once, cached) before anything starts, so no stack idles through the training.
    floor_model = ensure_floor(settings, floor_dir) if ours_and_floor else None
    with ExitStack() as running:
        if production_levels is not None:
            prod = running.enter_context(production.run_production(settings, model, bench_dir / "production"))
            systems.append(System(PRODUCTION, prod.url, send_chat, prod.pids))
            startup[PRODUCTION] = prod.startup_seconds
        if floor_model is not None:
            floor = running.enter_context(run_floor(settings, floor_dir, floor_model))
            systems.insert(0, System(FLOOR, floor.url, send_rest, {"rasa": floor.pid}))
            stack = running.enter_context(run_ours(bench_settings(settings, bench_dir / "stack"), model))
            systems.insert(1, System(OURS, stack.url, send_chat, stack.pids))
            startup[FLOOR], startup[OURS] = floor.startup_seconds, stack.startup_seconds
        levels = {PRODUCTION: production_levels or ()}
        return asyncio.run(interleave(systems, plan, levels)), startup


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ops.bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a few messages at 1 and 5 citizens (a smoke run)")
    parser.add_argument("--no-prod", action="store_true", help="skip the production shape (nginx, PostgreSQL, ...)")
    parser.add_argument(
        "--prod-only", action="store_true", help="the production shape alone; prints its figures, no reports"
    )
    parser.add_argument("--no-startup", action="store_true", help="skip timing make run's start-up")
    parser.add_argument("--no-publish", action="store_true", help="skip timing publish to live")
    parser.add_argument("--publish-only", action="store_true", help="time publish to live only (no load, no start-up)")
    args = parser.parse_args(argv)
    settings = get_settings()
    configure_logging(settings.log_level)
    started, started_at = time.monotonic(), datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    load_at_start = os.getloadavg()[0]
    plan = QUICK_PLAN if args.quick else PLAN
    model = ensure_model(settings)
    ensure_index(settings)
    bench_dir = settings.var_dir / "bench"
    if args.publish_only:
        # A quick look at one figure; the reports in reports/ stay those of the last whole run.
        sys.stdout.write(publish_line(measure_publish_to_live(settings, model, bench_dir / "publish")) + "\n")
        return 0
    with_production = args.prod_only or not args.no_prod
    if with_production and (problems := production.problems(settings)):
        sys.stderr.write("The production shape cannot run here (python -m ops.bench --no-prod skips it):\n")
        sys.stderr.write("".join(f"  {problem}\n" for problem in problems))
        return 2
    production_levels = (QUICK_PRODUCTION_LEVELS if args.quick else PRODUCTION_LEVELS) if with_production else None
    measured, to_healthy = measure(settings, bench_dir, model, plan, production_levels, not args.prod_only)

    def report(**more: Any) -> Report:
        return Report(
            started_at=started_at,
            total_seconds=time.monotonic() - started,
            cores=os.cpu_count() or 0,
            load_average=(load_at_start, os.getloadavg()[0]),
            order=[f"{', '.join(measured)} in turn at each level, the first rotated each level"],
            plan=dict(plan),
            floor=measured.get(FLOOR, []),
            ours=measured.get(OURS, []),
            production=measured.get(PRODUCTION, []),
            startup_to_healthy=to_healthy,
            **more,
        )

    if args.prod_only:
        # A look at the production shape alone; the reports in reports/ stay those of the last whole run.
        alone = report()
        head = f"{PRODUCTION}: healthy after {to_healthy[PRODUCTION]:.0f} s, {alone.total_seconds:.0f} s in all"
        sys.stdout.write(f"{head}\n{figures_table(alone)}\n")
        return 0
    startup = None if args.no_startup else time_startup(settings, bench_dir / "run")
    publish = None if args.no_publish else measure_publish_to_live(settings, model, bench_dir / "publish")
    whole = report(startup=startup, publish=publish)
    json_path, md_path = write_reports(whole, settings.project_root / "reports")
    logger.info("bench.written", extra={"json": str(json_path), "markdown": str(md_path)})
    # The figures are this command's output, for a human reader.
    sys.stdout.write(render(whole))
    return 0


if __name__ == "__main__":
    sys.exit(main())
