"""The plots are PNG data URIs with the same numbers as a table beside them."""

from __future__ import annotations

import base64

from bot.analytics.formatting import percent, signed
from bot.analytics.metrics import Rate, trend
from bot.analytics.plots import Plot, handover_plot, hour_plot, trend_plot
from tests.unit.bot.analytics import synthetic_week
from tests.unit.bot.analytics.turn_rows import SCHEDULES

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _png(plot: Plot) -> bytes:
    prefix = "data:image/png;base64,"
    assert plot.data_uri.startswith(prefix)
    return base64.b64decode(plot.data_uri[len(prefix) :])


def test_numbers_as_danish_readers_read_them() -> None:
    assert percent(Rate(1, 8)) == "12,5 %" and percent(Rate(0, 0)) == "–" and percent(None) == "–"
    assert percent(0.4) == "40,0 %"
    assert (signed(3), signed(-2), signed(0)) == ("+3", "\u22122", "0")


def test_the_trend_plot_and_its_table() -> None:
    weeks = trend(synthetic_week.kalundborg(), synthetic_week.WEEK, SCHEDULES)
    plot = trend_plot(weeks)
    assert _png(plot).startswith(PNG_MAGIC)
    assert "2026-W35 til 2026-W43" in plot.title and "tabellen" in plot.alt
    assert len(plot.table.rows) == 9
    assert plot.table.rows[-1] == ("2026-W43", "40,0 %", "50,0 %", "10", "6")
    assert plot.table.rows[-2] == ("2026-W42", "50,0 %", "100,0 %", "2", "1")
    assert plot.table.rows[0] == ("2026-W35", "–", "–", "0", "0")  # a week without data is a gap, not 0


def test_the_handover_plot_and_its_table() -> None:
    week = trend(synthetic_week.kalundborg(), synthetic_week.WEEK, SCHEDULES)[-1]
    plot = handover_plot(week)
    assert _png(plot).startswith(PNG_MAGIC)
    assert plot.table.rows == (
        ("Bad om en medarbejder", "1"),
        ("Andet emne", "0"),
        ("Intet sikkert svar", "1"),
        ("To gange 'Nej'", "1"),
        ("Teknisk fejl", "1"),
    )
    assert "4 overdragelser" in plot.alt


def test_the_hour_plot_and_its_table() -> None:
    messages = tuple(3 if hour == 10 else 0 for hour in range(24))
    fallbacks = tuple(1 if hour == 10 else 0 for hour in range(24))
    plot = hour_plot("2026-W48", messages, fallbacks)
    assert _png(plot).startswith(PNG_MAGIC)
    assert len(plot.table.rows) == 24 and plot.table.rows[10] == ("10.00–10.59", "3", "1")
    assert plot.width > 0 and plot.height > 0


def test_an_empty_week_still_draws() -> None:
    empty = trend([], "2026-W48", SCHEDULES)
    assert _png(trend_plot(empty)).startswith(PNG_MAGIC)
    assert _png(handover_plot(empty[-1])).startswith(PNG_MAGIC)
    assert _png(hour_plot("2026-W48", (0,) * 24, (0,) * 24)).startswith(PNG_MAGIC)
