"""Plain-text pieces shared by the bench's and the soak's reports: aligned or pipe tables, number formats,
and the start-up and publish-to-live lines."""

from __future__ import annotations

from collections.abc import Sequence

from ops.bench.publish import PublishToLive
from ops.bench.startup import Startup


def ms(value: float) -> str:
    """Milliseconds: one decimal below 10, whole above."""
    return f"{value:.1f}" if value < 10 else f"{value:.0f}"


def citizens_label(n: int) -> str:
    return f"{n} citizen" if n == 1 else f"{n} citizens"


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


def seconds_text(value: float | None) -> str:
    return "not live in time" if value is None else f"{value:.1f} s"


def publish_line(publish: PublishToLive | None) -> str:
    if publish is None:
        return "publish to live: not measured"
    if not publish.seconds:
        return f"publish to live: {publish.note or 'not measured'}"
    each = ", ".join(seconds_text(s) for s in publish.seconds)
    return (
        f"publish to live (a sentence added to {publish.guide_id}'s short answer, saved with publish=True, "
        f"{publish.question!r} asked every 0.25 s): median {seconds_text(publish.median_seconds)} "
        f"over {len(publish.seconds)} edits ({each})"
    )
