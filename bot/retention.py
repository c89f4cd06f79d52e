"""Retention in the gateway: at start-up and then every hour, each municipality's conversations
that are due are deleted from every store (bot.analytics.retention)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime

from bot.analytics.retention import apply_retention, log_failure
from bot.analytics.retention_stores import ConversationStore
from kb.municipalities import Municipality

INTERVAL_SECONDS = 3600.0


async def keep_retention(
    stores: Sequence[ConversationStore],
    municipalities: Callable[[], Mapping[str, Municipality]],
    interval: float = INTERVAL_SECONDS,
) -> None:
    """Apply retention now and every ``interval`` seconds; municipality data are read anew each time
    (a retention saved in the admin applies at the next run)."""
    while True:
        try:
            await asyncio.to_thread(apply_retention, stores, municipalities(), datetime.now(UTC))
        except Exception as exc:
            # A database hiccup must not stop the loop; the next round tries again.
            log_failure("retention.failed", exc)
        await asyncio.sleep(interval)
