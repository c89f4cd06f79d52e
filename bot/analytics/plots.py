"""The report's plots, drawn on the server with matplotlib (Agg) as PNG ``data:`` URIs.

Each plot carries its text alternative: a short ``alt`` and the same numbers as a table, so a
screen reader (and the CSV files) read exactly what the picture shows.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Sequence
from dataclasses import dataclass

import matplotlib

matplotlib.use("Agg")  # no display on a server; set before any figure is made

from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from bot.analytics.formatting import percent
from bot.analytics.metrics import Figures
from bot.analytics.rows import HANDOVER_LABELS

# Colours with 4.5:1 contrast on white, told apart by marker and line style too (never colour alone).
BLUE = "#1d4f91"
ORANGE = "#a04a00"
GREY = "#505a5f"
WIDTH_INCHES, HEIGHT_INCHES, DPI = 7.5, 3.2, 100


@dataclass(frozen=True)
class PlotTable:
    """The plot's numbers: a caption, column headers and rows of text."""

    caption: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Plot:
    """A picture (PNG data URI) and its text alternatives."""

    key: str
    title: str
    alt: str
    data_uri: str
    table: PlotTable
    width: int = int(WIDTH_INCHES * DPI)
    height: int = int(HEIGHT_INCHES * DPI)


def _figure() -> Figure:
    figure = Figure(figsize=(WIDTH_INCHES, HEIGHT_INCHES), dpi=DPI, layout="constrained")
    return figure


def _png(figure: Figure) -> str:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _week_label(week: str) -> str:
    return "uge " + week.split("-W", 1)[1].lstrip("0")


def trend_plot(trend: Sequence[Figures]) -> Plot:
    """Fallback rate and containment, week by week (a gap where a week has no data)."""
    labels = [_week_label(figures.week) for figures in trend]
    fallback = [_share(figures.fallback_rate.value) for figures in trend]
    contained = [_share(figures.containment.value) for figures in trend]
    figure = _figure()
    axes = figure.subplots()
    # Numbered positions, so a week without data keeps its place on the axis (a gap in the line).
    positions = list(range(len(labels)))
    axes.plot(positions, fallback, color=ORANGE, marker="o", linestyle="-", label="Andel beskeder uden svar")
    axes.plot(
        positions, contained, color=BLUE, marker="s", linestyle="--", label="Andel samtaler klaret uden medarbejder"
    )
    axes.set_xticks(positions, labels)
    axes.set_xlim(-0.5, len(labels) - 0.5)
    axes.set_ylim(0, 104)  # room for a point at 100 %
    axes.set_ylabel("Procent")
    axes.grid(axis="y", color="#d0d0d0")
    figure.legend(loc="outside lower center", ncols=2, fontsize="small", frameon=False)
    rows = tuple(
        (f.week, percent(f.fallback_rate), percent(f.containment), str(f.citizen_messages), str(f.conversations))
        for f in trend
    )
    first, last = trend[0].week, trend[-1].week
    return Plot(
        key="trend",
        title=f"Udviklingen uge for uge ({first} til {last})",
        alt=f"Linjediagram over andel beskeder uden svar og andel samtaler klaret uden medarbejder, {first} til {last}."
        " Tallene står i tabellen under grafen.",
        data_uri=_png(figure),
        table=PlotTable(
            caption="Andel uden svar og andel klaret uden medarbejder, uge for uge",
            headers=("Uge", "Andel beskeder uden svar", "Andel klaret uden medarbejder", "Beskeder", "Samtaler"),
            rows=rows,
        ),
    )


def _share(value: float | None) -> float:
    return float("nan") if value is None else value * 100


def handover_plot(figures: Figures) -> Plot:
    """The week's hand-overs by reason, as horizontal bars."""
    labels = [HANDOVER_LABELS[key] for key in HANDOVER_LABELS]
    counts = [figures.handovers.get(key, 0) for key in HANDOVER_LABELS]
    figure = _figure()
    axes = figure.subplots()
    bars = axes.barh(labels[::-1], counts[::-1], color=BLUE)
    axes.bar_label(bars, padding=3)
    axes.set_xlabel("Overdragelser")
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_xlim(0, max([*counts, 1]) * 1.15)
    total = sum(counts)
    return Plot(
        key="handovers",
        title=f"Overdragelser til en medarbejder efter årsag, {figures.week}",
        alt=f"Søjlediagram over ugens {total} overdragelser efter årsag. Tallene står i tabellen under grafen.",
        data_uri=_png(figure),
        table=PlotTable(
            caption=f"Overdragelser efter årsag, {figures.week}",
            headers=("Årsag", "Overdragelser"),
            rows=tuple((label, str(count)) for label, count in zip(labels, counts, strict=True)),
        ),
    )


def hour_plot(week: str, messages: Sequence[int], fallbacks: Sequence[int]) -> Plot:
    """Messages by hour of the day (Copenhagen time), with those the bot had no answer for."""
    hours = list(range(24))
    answered = [m - f for m, f in zip(messages, fallbacks, strict=True)]
    figure = _figure()
    axes = figure.subplots()
    axes.bar(hours, answered, color=BLUE, label="Med svar")
    axes.bar(hours, list(fallbacks), bottom=answered, color=ORANGE, hatch="//", edgecolor="white", label="Uden svar")
    axes.set_xticks(hours[::2], [f"{h:02d}" for h in hours[::2]])
    axes.set_xlabel("Time på døgnet (dansk tid)")
    axes.set_ylabel("Beskeder")
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    figure.legend(loc="outside lower center", ncols=2, fontsize="small", frameon=False)
    return Plot(
        key="hours",
        title=f"Beskeder efter time på døgnet, {week}",
        alt=f"Søjlediagram over ugens {sum(messages)} beskeder efter time på døgnet, delt i med og uden svar."
        " Tallene står i tabellen under grafen.",
        data_uri=_png(figure),
        table=PlotTable(
            caption=f"Beskeder efter time på døgnet, {week}",
            headers=("Time", "Beskeder", "Heraf uden svar"),
            rows=tuple(
                (f"{h:02d}.00–{h:02d}.59", str(m), str(f)) for h, m, f in zip(hours, messages, fallbacks, strict=True)
            ),
        ),
    )
