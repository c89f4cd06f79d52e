"""make soak: one steady load on the single stack for a bounded while (30 minutes, 10 citizens), to see that
nothing creeps: every process's resident memory and the latency flat after warm-up, and no request failing.

Report in reports/soak.md, soak.json and soak.png (RSS per process and p50/p95 over time).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
import time
from datetime import UTC, datetime

from core.log import configure_logging
from core.settings import get_settings
from kb.prepare import ensure_index
from ops.bench.load import System, converse, send_chat, warm_up
from ops.bench.memory import sample
from ops.bench.ours import bench_settings, run_ours
from ops.bench.report import OURS
from ops.bench.soak_report import Soak, render, write_reports
from ops.bench.soak_series import LATENCY_TOLERANCE, RssSample, TimedSample
from ops.bench.stats import Sample
from ops.training import ensure_model

logger = logging.getLogger("ops.bench.soak")

RSS_EVERY_SECONDS = 20.0
SYSTEM = "the single stack (actions, Rasa, gateway, analytics consumer; SQLite)"


class Recorder:
    """The soak's clock and what it saw: every request as its reply comes, RSS on a timer."""

    def __init__(self, system: System, seconds: float, rss_every: float) -> None:
        self.system = system
        self.rss_every = rss_every
        self.started = time.monotonic()
        self.deadline = self.started + seconds
        self.samples: list[TimedSample] = []
        self.rss: list[RssSample] = []
        self.stopped_early = ""

    def now(self) -> float:
        return time.monotonic() - self.started

    def ticket(self) -> bool:
        """Another message, until the planned time ends or a process is gone."""
        return not self.stopped_early and time.monotonic() < self.deadline

    def record(self, request: Sample) -> None:
        self.samples.append(TimedSample(round(self.now(), 3), request))

    def sample_memory(self) -> None:
        at, mb = round(self.now(), 1), {name: round(v, 1) for name, v in sample(self.system.pids).items()}
        self.rss.append(RssSample(at, mb))
        gone = [name for name, value in mb.items() if value <= 0]
        if gone and not self.stopped_early:
            # A dead process would turn the rest of the run into a flood of instant errors.
            self.stopped_early = f"stopped at {at / 60:.1f} min: {', '.join(gone)} gone"
            logger.error("soak.process_gone", extra={"processes": gone, "at_seconds": at})
        errors = sum(1 for s in self.samples if not s.sample.ok)
        progress = {"at_seconds": at, "requests": len(self.samples), "errors": errors, "rss_mb": mb}
        logger.info("soak.progress", extra=progress)

    async def memory_loop(self) -> None:
        while True:
            self.sample_memory()
            await asyncio.sleep(self.rss_every)


async def soak(system: System, citizens: int, seconds: float, rss_every: float) -> Recorder:
    """Warm up (not counted), then ``citizens`` conversations without pause until the time is up."""
    await warm_up(system)
    recorder = Recorder(system, seconds, rss_every)
    sampler = asyncio.create_task(recorder.memory_loop())
    try:
        await converse(system, citizens, recorder.ticket, recorder.record)
    finally:
        sampler.cancel()
        try:
            await sampler
        except asyncio.CancelledError:
            pass
    recorder.sample_memory()  # the end
    return recorder


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ops.bench.soak", description=__doc__)
    parser.add_argument("--minutes", type=float, default=30.0, help="how long the load runs (default 30)")
    parser.add_argument("--citizens", type=int, default=10, help="conversations at once (default 10)")
    parser.add_argument("--rss-every", type=float, default=RSS_EVERY_SECONDS, help="seconds between RSS samples")
    parser.add_argument(
        "--latency-tolerance",
        type=float,
        default=LATENCY_TOLERANCE,
        help="p50 of the last third within this fraction of the first third's (default 0.10)",
    )
    args = parser.parse_args(argv)
    if args.minutes <= 0 or args.citizens <= 0 or args.rss_every <= 0:
        parser.error("--minutes, --citizens and --rss-every must be positive")
    settings = get_settings()
    configure_logging(settings.log_level)
    started_at = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    load_at_start = os.getloadavg()[0]
    model = ensure_model(settings)
    ensure_index(settings)
    seconds = args.minutes * 60
    stack_settings = bench_settings(settings, settings.var_dir / "bench" / "soak")
    with run_ours(stack_settings, model) as stack:
        system = System(OURS, stack.url, send_chat, stack.pids)
        logger.info("soak.started", extra={"minutes": args.minutes, "citizens": args.citizens, "pids": stack.pids})
        recorder = asyncio.run(soak(system, args.citizens, seconds, args.rss_every))
    result = Soak(
        started_at=started_at,
        planned_seconds=seconds,
        seconds=max((s.at for s in recorder.samples), default=0.0),
        citizens=args.citizens,
        system=SYSTEM,
        cores=os.cpu_count() or 0,
        load_average=(load_at_start, os.getloadavg()[0]),
        rss_every_seconds=args.rss_every,
        samples=recorder.samples,
        rss=recorder.rss,
        latency_tolerance=args.latency_tolerance,
        stopped_early=recorder.stopped_early,
    )
    paths = write_reports(result, settings.project_root / "reports")
    logger.info("soak.written", extra={"files": [str(p) for p in paths]})
    # The figures are this command's output, for a human reader.
    sys.stdout.write(render(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
