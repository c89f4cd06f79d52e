"""Numbers as the Danish report writes them: "12,5 %", "–" for no data, "+3" for a change."""

from __future__ import annotations

from bot.analytics.metrics import Rate

NO_DATA = "–"


def percent(value: float | Rate | None) -> str:
    """A share as a Danish percentage with one decimal ("12,5 %"), or "–" when there is none."""
    share = value.value if isinstance(value, Rate) else value
    if share is None:
        return NO_DATA
    return f"{share * 100:.1f} %".replace(".", ",")


def signed(change: int) -> str:
    """A change with its sign ("+3", "−2", "0"); the minus is a real minus sign for screen readers."""
    if change > 0:
        return f"+{change}"
    if change < 0:
        return f"\u2212{-change}"
    return "0"
