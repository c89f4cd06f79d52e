"""Forget idle conversations: the gateway keeps a transcript only as long as it is of use."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta

from bot.sessions import SessionStore

logger = logging.getLogger(__name__)

INTERVAL_SECONDS = 3600.0


async def forget_idle_conversations(sessions: SessionStore, days: int, interval: float = INTERVAL_SECONDS) -> None:
    """At start-up and then every hour, delete conversations idle for more than ``days`` days."""
    while True:
        cutoff = datetime.now(UTC) - timedelta(days=days)
        try:
            forgotten = await asyncio.to_thread(sessions.forget_before, cutoff)
        except Exception:
            # A database hiccup must not stop the loop; the next round tries again.
            logger.exception("sessions.retention_failed", extra={"older_than_days": days})
        else:
            logger.info("sessions.forgotten", extra={"sessions": forgotten, "older_than_days": days})
        await asyncio.sleep(interval)
