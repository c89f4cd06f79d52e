"""One weekly report for (municipality, week): figures with their trend, question groups, plots.

The staff page (/admin/reports) and ``python -m bot.review`` render the same `WeeklyReport`;
the CSV files hold the same numbers, unformatted.
"""

from __future__ import annotations

import csv
import io
import logging
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Engine

from bot.analytics.drilldown import FIGURES, LANGUAGE_LABELS
from bot.analytics.formatting import percent
from bot.analytics.groups import GROUP_STATES, QuestionGroup, question_groups
from bot.analytics.metrics import WEEKS_BEFORE, Figures, Rate, messages_by_hour, select, trends_by_topic
from bot.analytics.plots import Plot, handover_plot, hour_plot, trend_plot
from bot.analytics.rows import HANDOVER_LABELS, TurnRow, is_fallback, load_turns
from bot.analytics.weeks import weeks_until
from kb.embedder import Embedder
from kb.hours import Schedule, borgerservice_schedule, hotline_schedule
from kb.municipalities import Hotline, Municipality

logger = logging.getLogger(__name__)


def schedules(municipality: Municipality, hotline: Hotline) -> tuple[Schedule, Schedule]:
    """The places a citizen could have called or visited instead: DDH and the municipality's Borgerservice."""
    return hotline_schedule(hotline), borgerservice_schedule(municipality)


@dataclass(frozen=True)
class FigureRow:
    """One line of the figures table: a figure over the weeks, formatted and raw."""

    key: str
    label: str
    cells: tuple[str, ...]  # one per week, oldest first, as the page shows them
    values: tuple[float | int | None, ...]  # the same, unformatted (a rate's share)
    rates: tuple[Rate | None, ...]  # a rate's counts, None for a count
    sub: bool = False  # a part of the row above (a hand-over reason, a language)

    @property
    def drill(self) -> str:
        """The figure whose conversations the row's link lists (a language's are its parent's)."""
        return self.key if self.key in FIGURES else self.key.split(".", 1)[0]


def _count_row(key: str, label: str, counts: Sequence[int], sub: bool = False) -> FigureRow:
    return FigureRow(key, label, tuple(str(c) for c in counts), tuple(counts), (None,) * len(counts), sub)


def _rate_row(key: str, rates: Sequence[Rate]) -> FigureRow:
    return FigureRow(key, FIGURES[key], tuple(percent(r) for r in rates), tuple(r.value for r in rates), tuple(rates))


def figure_rows(trend: Sequence[Figures]) -> list[FigureRow]:
    """Every figure of docs/review.md over the trend's weeks, in the order the report shows them."""
    this_week = trend[-1].other_languages
    languages = sorted({code for f in trend for code in f.other_languages}, key=lambda c: (-this_week.get(c, 0), c))
    rows = [
        _count_row("conversations", FIGURES["conversations"], [f.conversations for f in trend]),
        _count_row("citizen_messages", FIGURES["citizen_messages"], [f.citizen_messages for f in trend]),
        _rate_row("fallback_rate", [f.fallback_rate for f in trend]),
        _rate_row("containment", [f.containment for f in trend]),
        _count_row("handovers", FIGURES["handovers"], [sum(f.handovers.values()) for f in trend]),
        *(
            _count_row(f"handovers.{key}", label, [f.handovers.get(key, 0) for f in trend], sub=True)
            for key, label in HANDOVER_LABELS.items()
        ),
        _rate_row("helpfulness", [f.helpfulness for f in trend]),
        _rate_row("outside_hours", [f.outside_hours for f in trend]),
        _count_row("other_languages", FIGURES["other_languages"], [sum(f.other_languages.values()) for f in trend]),
        *(
            _count_row(
                f"other_languages.{code}",
                LANGUAGE_LABELS.get(code, code).capitalize(),
                [f.other_languages.get(code, 0) for f in trend],
                sub=True,
            )
            for code in languages
        ),
        _rate_row("abandonment", [f.abandonment for f in trend]),
    ]
    return rows


@dataclass(frozen=True)
class WeeklyReport:
    """The week's figures for every topic, its question groups and its plots (for ``topic``)."""

    municipality: str
    municipality_name: str
    week: str
    topic: str | None
    trends: Mapping[str | None, tuple[Figures, ...]]  # topic (None = all) -> 9 weeks, oldest first
    messages_by_hour: tuple[int, ...]
    fallbacks_by_hour: tuple[int, ...]
    groups: tuple[QuestionGroup, ...]
    plots: tuple[Plot, ...]
    generated_at: datetime

    @property
    def weeks(self) -> tuple[str, ...]:
        return tuple(f.week for f in self.trends[None])

    @property
    def trend(self) -> tuple[Figures, ...]:
        return self.trends[self.topic]

    @property
    def current(self) -> Figures:
        return self.trend[-1]

    @property
    def rows(self) -> list[FigureRow]:
        return figure_rows(self.trend)


def build_report(
    engine: Engine,
    municipality: Municipality,
    hotline: Hotline,
    week: str,
    embedder: Embedder | None,
    topic: str | None = None,
) -> WeeklyReport:
    """The report from analytics_turns; without an embedder, no question groups."""
    started = time.perf_counter()
    turns = load_turns(engine, municipality.slug, weeks_until(week, WEEKS_BEFORE))
    report = report_from_turns(engine, municipality, hotline, week, turns, embedder, topic)
    logger.info(
        "analytics.report",
        extra={
            "municipality": municipality.slug,
            "week": week,
            "turns": len(turns),
            "groups": len(report.groups),
            "seconds": round(time.perf_counter() - started, 3),
        },
    )
    return report


def report_from_turns(
    engine: Engine,
    municipality: Municipality,
    hotline: Hotline,
    week: str,
    turns: Sequence[TurnRow],
    embedder: Embedder | None,
    topic: str | None = None,
) -> WeeklyReport:
    """The report over turns already loaded (the nine weeks up to ``week``)."""
    trends = trends_by_topic(turns, week, schedules(municipality, hotline))
    if topic not in trends:
        raise ValueError(f"unknown topic {topic!r}")
    shown = select(turns, week, topic)
    messages, fallbacks = messages_by_hour(shown), messages_by_hour(shown, is_fallback)
    groups = question_groups(engine, municipality.slug, week, turns, embedder) if embedder is not None else []
    trend = trends[topic]
    return WeeklyReport(
        municipality=municipality.slug,
        municipality_name=municipality.name,
        week=week,
        topic=topic,
        trends=trends,
        messages_by_hour=messages,
        fallbacks_by_hour=fallbacks,
        groups=tuple(groups),
        plots=(trend_plot(trend), handover_plot(trend[-1]), hour_plot(week, messages, fallbacks)),
        generated_at=datetime.now(UTC),
    )


def _csv(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(["" if value is None else value for value in row] for row in rows)
    return buffer.getvalue()


def csv_files(report: WeeklyReport) -> dict[str, str]:
    """The report's numbers as CSV texts by file name: figures (every topic), groups, hours."""
    figure_lines = []
    for topic, trend in report.trends.items():
        for row in figure_rows(trend):
            for figures, value, rate in zip(trend, row.values, row.rates, strict=True):
                figure_lines.append(
                    (
                        topic or "",
                        figures.week,
                        row.key,
                        row.label,
                        value,
                        rate.numerator if rate else None,
                        rate.denominator if rate else None,
                    )
                )
    groups = [
        (
            g.id,
            g.label,
            g.this_week,
            g.last_week,
            g.change,
            g.state,
            GROUP_STATES[g.state],
            g.guide_id,
            g.first_week,
            "\n".join(f"{q} ({n})" for q, n in g.questions),
        )
        for g in report.groups
    ]
    hours = [
        (hour, m, f) for hour, (m, f) in enumerate(zip(report.messages_by_hour, report.fallbacks_by_hour, strict=True))
    ]
    return {
        "figures.csv": _csv(("topic", "week", "figure", "label", "value", "numerator", "denominator"), figure_lines),
        "groups.csv": _csv(
            (
                "group_id",
                "label",
                "this_week",
                "last_week",
                "change",
                "state",
                "state_label",
                "guide_id",
                "first_week",
                "questions",
            ),
            groups,
        ),
        "hours.csv": _csv(("hour", "messages", "fallbacks"), hours),
    }
