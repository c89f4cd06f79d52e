"""Resident memory (RSS) of a process and all its children, read from /proc, sampled during a load level."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from pathlib import Path

from ops.bench.stats import Memory

logger = logging.getLogger(__name__)

PROC = Path("/proc")
SAMPLE_SECONDS = 0.5


def rss_kb(status_text: str) -> int | None:
    """VmRSS from a /proc/<pid>/status text, in kB (None for a process without memory, e.g. a zombie)."""
    for line in status_text.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return None


def parent_pid(stat_text: str) -> int:
    """The parent's pid from a /proc/<pid>/stat text (the command name may hold spaces and parentheses)."""
    return int(stat_text[stat_text.rindex(")") + 2 :].split()[1])


def descendants(root: int, parents: Mapping[int, int]) -> set[int]:
    """root and every process below it, given each pid's parent."""
    children: dict[int, list[int]] = {}
    for pid, parent in parents.items():
        children.setdefault(parent, []).append(pid)
    found, pending = {root}, [root]
    while pending:
        for child in children.get(pending.pop(), []):
            if child not in found:
                found.add(child)
                pending.append(child)
    return found


def _read(path: Path) -> str | None:
    try:
        return path.read_text()
    except OSError:  # the process ended between listing and reading
        return None


def process_parents(proc: Path = PROC) -> dict[int, int]:
    """Every live pid's parent pid."""
    parents = {}
    for entry in proc.iterdir():
        if entry.name.isdigit():
            text = _read(entry / "stat")
            if text:
                parents[int(entry.name)] = parent_pid(text)
    return parents


def tree_rss_mb(root: int, parents: Mapping[int, int], proc: Path = PROC) -> float:
    """RSS of root and its children summed, in MB (pages shared between them count once per process)."""
    total = 0
    for pid in descendants(root, parents):
        text = _read(proc / str(pid) / "status")
        total += (rss_kb(text) or 0) if text else 0
    return total / 1024


def sample(pids: Mapping[str, int]) -> dict[str, float]:
    """Each named process tree's RSS now, in MB."""
    parents = process_parents()
    return {name: tree_rss_mb(pid, parents) for name, pid in pids.items()}


class MemorySampler:
    """Keeps the peak RSS of each named process tree while a load level runs, and the value at its end."""

    def __init__(self, pids: Mapping[str, int], interval: float = SAMPLE_SECONDS) -> None:
        self.pids = dict(pids)
        self.interval = interval
        self.peaks: dict[str, float] = dict.fromkeys(self.pids, 0.0)
        self._task: asyncio.Task[None] | None = None

    def record(self) -> dict[str, float]:
        now = sample(self.pids)
        for name, mb in now.items():
            self.peaks[name] = max(self.peaks[name], mb)
        return now

    async def _loop(self) -> None:
        while True:
            self.record()
            await asyncio.sleep(self.interval)

    def start(self) -> None:
        self._task = asyncio.create_task(self._loop())

    async def finish(self) -> dict[str, Memory]:
        """Stop sampling; the peak of each process and its RSS now."""
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
        end = self.record()
        return {name: Memory(peak_mb=round(self.peaks[name], 1), end_mb=round(end[name], 1)) for name in self.pids}
