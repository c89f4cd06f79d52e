"""The weekly review of make eval's own conversations: what a manager would see after a week like it.

make eval holds every dev case through the real stack, whose Rasa publishes its events (SQL broker)
and whose gateway records its own turns; afterwards the consumer catches up once and the report of
each municipality for this week is written as `python -m bot.review` writes it (HTML + CSV), with a
screenshot of the HTML when Debian's Chromium is there.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import threading
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select

from bot.analytics.consumer import SqlBrokerConsumer
from bot.analytics.report import build_report
from bot.analytics.tables import turns_table
from bot.analytics.weeks import iso_week
from bot.analytics.writer import TurnWriter
from bot.review import write_report
from bot.sessions import make_engine as make_plain_engine
from core.settings import Settings
from kb.content.engine import make_engine
from kb.embedder import Embedder
from kb.municipalities import load_hotline, load_municipalities

logger = logging.getLogger(__name__)

SCREENSHOT_SIZE = "1280,3200"


def catch_up(settings: Settings) -> None:
    """Read whatever the stack's consumer had not read yet from the SQL broker's table."""
    events_url = settings.broker_database_url
    assert events_url is not None  # make eval's stack uses the SQL broker
    events, analytics = make_plain_engine(events_url), make_engine(settings.gateway_database_url)
    try:
        SqlBrokerConsumer(events, analytics, TurnWriter(settings.default_municipality)).run(
            threading.Event(), once=True
        )
    finally:
        events.dispose()
        analytics.dispose()


def screenshot(html: Path) -> Path | None:
    """A PNG of the report as a browser shows it, beside the HTML; None without Chromium."""
    chromium = shutil.which("chromium")
    if chromium is None:
        return None
    png = html.with_suffix(".png")
    argv = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars"]
    argv += [f"--window-size={SCREENSHOT_SIZE}", f"--screenshot={png}", html.resolve().as_uri()]
    subprocess.run(argv, check=True, capture_output=True, timeout=120)
    return png


def review_traffic(settings: Settings, out: Path, embedder: Embedder | None) -> list[Path]:
    """Write this week's report for every municipality make eval talked to; the files written."""
    catch_up(settings)
    week = iso_week(datetime.now(UTC))
    engine = make_engine(settings.gateway_database_url)
    written: list[Path] = []
    try:
        with engine.connect() as connection:
            found = connection.execute(
                select(turns_table.c.municipality).where(turns_table.c.iso_week == week).distinct()
            )
            slugs = sorted(found.scalars())
        municipalities = load_municipalities(settings.kb_dir)
        hotline = load_hotline(settings.kb_dir)
        for slug in slugs:
            if slug not in municipalities:
                continue
            report = build_report(engine, municipalities[slug], hotline, week, embedder)
            files = write_report(report, out)
            shot = screenshot(files[0])
            written += [*files, *([shot] if shot else [])]
    finally:
        engine.dispose()
    logger.info("eval.traffic_review", extra={"week": week, "files": len(written)})
    return written
