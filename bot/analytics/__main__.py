"""``python -m bot.analytics consume [--once] | retention [--dry-run]``: the analytics processes.

``consume`` (bot.analytics.consumer) reads Rasa's events from the broker the settings name (RabbitMQ
with ``BORGERBOT_RABBITMQ_URL``, else Rasa's SQL broker table) into ``analytics_turns``, until SIGTERM;
``--once`` stops when caught up. ``retention`` (bot.analytics.retention) deletes the conversations due
from every store once; its arguments are its own (``retention --help``).
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from types import FrameType

from bot.analytics.consumer import RabbitConsumer, SqlBrokerConsumer
from bot.analytics.retention import main_retention
from bot.analytics.writer import TurnWriter
from bot.sessions import make_engine as make_plain_engine
from core.log import configure_logging
from core.settings import get_settings
from kb.content.engine import make_engine

logger = logging.getLogger("bot.analytics")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.analytics", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    consume = commands.add_parser("consume", help="read Rasa's events into the analytics tables")
    consume.add_argument("--once", action="store_true", help="stop when every waiting event is read")
    # retention's arguments are defined once, by main_retention: whatever follows is handed over.
    commands.add_parser("retention", add_help=False, help="delete the conversations due (retention --help)")
    args, rest = parser.parse_known_args(argv)
    if args.command == "retention":
        return main_retention(rest)
    if rest:
        parser.error("unrecognized arguments: " + " ".join(rest))
    return _consume(once=args.once)


def _consume(once: bool) -> int:
    """Run the consumer until SIGTERM (or, with ``once``, until caught up)."""
    settings = get_settings()
    configure_logging(settings.log_level)
    stop = threading.Event()

    def _stop(signum: int, frame: FrameType | None) -> None:
        logger.info("analytics.stopping", extra={"signal": signal.Signals(signum).name})
        stop.set()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    analytics = make_engine(settings.gateway_database_url)
    writer = TurnWriter(settings.default_municipality)
    try:
        if settings.rabbitmq_url:
            logger.info("analytics.started", extra={"broker": "rabbitmq", "queue": settings.rabbitmq_queue})
            RabbitConsumer(
                settings.rabbitmq_url, settings.rabbitmq_queue, settings.rabbitmq_exchange, analytics, writer
            ).run(stop, once=once)
        else:
            events_url = settings.broker_database_url
            assert events_url is not None  # None only with RabbitMQ
            # Rasa's own file keeps the journal mode Rasa gave it (the app engine would switch it to WAL).
            events = make_plain_engine(events_url)
            logger.info("analytics.started", extra={"broker": "sql"})
            try:
                SqlBrokerConsumer(events, analytics, writer).run(stop, once=once)
            finally:
                events.dispose()
    finally:
        analytics.dispose()
    logger.info("analytics.stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
