"""make bench: latency, throughput and memory at 1, 10 and 50 citizens, ours beside a bare Rasa floor; start-up;
publish to live (a guide published in the content database to the citizen's answer)."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from core.log import configure_logging
from core.settings import Settings, get_settings
from kb.prepare import ensure_index
from ops.bench.floor import ensure_floor, run_floor
from ops.bench.load import System, run_level, send_chat, send_rest, warm_up
from ops.bench.ours import bench_settings, run_ours
from ops.bench.publish import measure_publish_to_live
from ops.bench.report import FLOOR, OURS, Report, publish_line, render, write_reports
from ops.bench.startup import time_startup
from ops.bench.stats import Level
from ops.training import ensure_model

logger = logging.getLogger("ops.bench")

# citizens -> (messages counted, hard time cap in seconds) per level.
PLAN: dict[int, tuple[int, float]] = {1: (40, 240.0), 10: (200, 300.0), 50: (400, 420.0)}
QUICK_PLAN: dict[int, tuple[int, float]] = {1: (6, 60.0), 5: (15, 60.0)}


def measure_interleaved(
    settings: Settings, floor_dir: Path, ours_settings: Settings, model: Path, plan: dict[int, tuple[int, float]]
) -> tuple[list[Level], list[Level], float, float]:
    """Both systems up, one under load at a time, level by level: floor's and our levels, times to healthy.

    The two take turns at each level (and swap who goes first), so a shared machine's slow drift
    hits both alike; the idle one waits on its socket and costs nothing meaningful meanwhile.
    """
    floor_model = ensure_floor(settings, floor_dir)
    with run_floor(settings, floor_dir, floor_model) as floor, run_ours(ours_settings, model) as stack:
        floor_system = System(FLOOR, floor.url, send_rest, {"rasa": floor.pid})
        ours_system = System(OURS, stack.url, send_chat, stack.pids)

        async def levels() -> tuple[list[Level], list[Level]]:
            await warm_up(floor_system)
            await warm_up(ours_system)
            measured: dict[str, list[Level]] = {FLOOR: [], OURS: []}
            for turn, (citizens, (messages, cap)) in enumerate(plan.items()):
                pair = [floor_system, ours_system] if turn % 2 == 0 else [ours_system, floor_system]
                for system in pair:
                    measured[system.name].append(await run_level(system, citizens, messages, cap))
            return measured[FLOOR], measured[OURS]

        floor_levels, ours_levels = asyncio.run(levels())
        return floor_levels, ours_levels, floor.startup_seconds, stack.startup_seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ops.bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a few messages at 1 and 5 citizens (a smoke run)")
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
    floor_levels, ours_levels, floor_start, ours_start = measure_interleaved(
        settings, bench_dir / "floor", bench_settings(settings, bench_dir / "stack"), model, plan
    )
    startup = None if args.no_startup else time_startup(settings, bench_dir / "run")
    publish = None if args.no_publish else measure_publish_to_live(settings, model, bench_dir / "publish")
    report = Report(
        started_at=started_at,
        total_seconds=time.monotonic() - started,
        cores=os.cpu_count() or 0,
        load_average=(load_at_start, os.getloadavg()[0]),
        order=[f"{FLOOR} and {OURS} in turn at each level, the first swapped each level"],
        plan=plan,
        floor=floor_levels,
        ours=ours_levels,
        startup_to_healthy={FLOOR: floor_start, OURS: ours_start},
        startup=startup,
        publish=publish,
    )
    json_path, md_path = write_reports(report, settings.project_root / "reports")
    logger.info("bench.written", extra={"json": str(json_path), "markdown": str(md_path)})
    # The figures are this command's output, for a human reader.
    sys.stdout.write(render(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
