"""The analytics consumer: Rasa's events from its event broker into ``analytics_turns`` (docs/review.md).

Two readers, one per broker ops/endpoints.py configures Rasa with:

- `SqlBrokerConsumer`: Rasa's SQL broker table, the rows after the checkpoint, a batch at a time;
  the turns, the pending states and the new checkpoint are committed in one transaction, so a
  crash anywhere leaves the checkpoint before the batch, which is read again.
- `RabbitConsumer`: the durable queue; a batch of messages is acknowledged only after its turns
  are committed, so a message whose commit was lost is delivered again (and then changes nothing).
  When RabbitMQ goes away it reconnects with a growing pause.

Neither loses an event when it is stopped: the SQL broker's rows and the queue's messages wait.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

import pika
from pika.adapters.blocking_connection import BlockingChannel
from pika.exceptions import AMQPError
from sqlalchemy import Connection, Engine, inspect, select
from sqlalchemy.exc import SQLAlchemyError

from bot.analytics.rasa_tables import broker_events_table
from bot.analytics.tables import checkpoints_table
from bot.analytics.writer import (
    Counts,
    TurnWriter,
    insert_ignoring_duplicates,
    read_checkpoint,
    save_checkpoint,
    transaction,
)

logger = logging.getLogger(__name__)

CHECKPOINT = "sql-broker"
BATCH_SIZE = 200
POLL_SECONDS = 1.0
# Between maintenance passes (ending turns that stayed open, forgetting idle states).
MAINTENANCE_SECONDS = 60.0


@dataclass(frozen=True)
class Backoff:
    """Pauses between reconnects: doubling from ``first`` up to ``longest`` seconds."""

    first: float = 0.5
    longest: float = 30.0

    def after(self, pause: float) -> float:
        return min(pause * 2, self.longest)


def _log_consumed(source: str, counts: Counts, **extra: Any) -> None:
    if counts.events or counts.turns:
        logger.info("analytics.consumed", extra={"source": source, **asdict(counts), **extra})


def _events(bodies: list[str | bytes]) -> list[dict[str, Any]]:
    """The events in the broker's payloads; one that is not an event's JSON is logged and left out."""
    events = []
    for body in bodies:
        try:
            event = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            event = None
        if isinstance(event, dict):
            events.append(event)
        else:
            logger.warning("analytics.message_unreadable", extra={"size": len(body)})
    return events


class Maintenance:
    """Ends stale open turns and forgets idle states, at most once a ``MAINTENANCE_SECONDS``, when caught up."""

    def __init__(self, analytics: Engine, writer: TurnWriter, every: float = MAINTENANCE_SECONDS) -> None:
        self.analytics, self.writer, self.every = analytics, writer, every
        self._last = float("-inf")

    def __call__(self, now: datetime | None = None) -> Counts:
        if time.monotonic() - self._last < self.every and now is None:
            return Counts()
        self._last = time.monotonic()
        with transaction(self.analytics) as conn:
            counts = self.writer.flush_stale(conn, now or datetime.now(UTC))
        _log_consumed("stale", counts)
        return counts


def _lock(conn: Connection) -> None:
    """One consumer at a time per database: SQLite's write lock, or a lock on the checkpoint's row."""
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("BEGIN IMMEDIATE")
        return
    first = {"name": CHECKPOINT, "position": "0", "updated_at": datetime.now(UTC)}
    insert_ignoring_duplicates(conn, checkpoints_table, [first], "name")
    conn.execute(select(checkpoints_table.c.position).where(checkpoints_table.c.name == CHECKPOINT).with_for_update())


class SqlBrokerConsumer:
    """Rasa's SQL broker rows after the checkpoint, into analytics, a batch per transaction."""

    def __init__(self, events: Engine, analytics: Engine, writer: TurnWriter, batch_size: int = BATCH_SIZE) -> None:
        self.events, self.analytics, self.writer, self.batch_size = events, analytics, writer, batch_size
        self.maintenance = Maintenance(analytics, writer)
        self._table_seen = False

    def _rows_after(self, position: int, limit: int) -> list[Any]:
        if not self._table_seen:
            # Rasa creates its table when it starts; until then there is nothing to read.
            self._table_seen = inspect(self.events).has_table(broker_events_table.name)
            if not self._table_seen:
                return []
        query = select(broker_events_table.c.id, broker_events_table.c.data).where(broker_events_table.c.id > position)
        with self.events.connect() as conn:
            return list(conn.execute(query.order_by(broker_events_table.c.id).limit(limit)))

    def consume_batch(self) -> Counts:
        """One batch in one transaction; empty Counts when caught up."""
        with self.analytics.connect() as peek:
            position = int(read_checkpoint(peek, CHECKPOINT) or 0)
        if not self._rows_after(position, 1):
            return Counts()
        with transaction(self.analytics, _lock) as conn:
            # Read again under the lock: another consumer may have moved it meanwhile.
            position = int(read_checkpoint(conn, CHECKPOINT) or 0)
            rows = self._rows_after(position, self.batch_size)
            if not rows:
                return Counts()
            counts = self.writer.apply(conn, _events([row.data for row in rows]))
            save_checkpoint(conn, CHECKPOINT, str(rows[-1].id))
        _log_consumed(CHECKPOINT, counts, position=rows[-1].id)
        return counts

    def run(self, stop: threading.Event, once: bool = False, backoff: Backoff = Backoff()) -> None:
        """Until ``stop`` (or, with ``once``, until caught up); a database that fails is retried."""
        pause = backoff.first
        while not stop.is_set():
            try:
                counts = self.consume_batch()
                if counts.events < self.batch_size:
                    self.maintenance()
                    if once:
                        return
                    stop.wait(POLL_SECONDS)
                pause = backoff.first
            except SQLAlchemyError as exc:
                if once:
                    raise
                logger.warning("analytics.database_unavailable", extra={"error": str(exc), "retry_in": pause})
                stop.wait(pause)
                pause = backoff.after(pause)


class RabbitConsumer:
    """The durable queue Rasa's Pika broker publishes to, into analytics; acks after commit."""

    def __init__(
        self,
        url: str,
        queue: str,
        exchange: str,
        analytics: Engine,
        writer: TurnWriter,
        batch_size: int = BATCH_SIZE,
        idle_seconds: float = POLL_SECONDS,
    ) -> None:
        self.parameters = pika.URLParameters(url)
        # Named, so an operator (and the tests) can tell its connection in `rabbitmqctl list_connections`.
        self.parameters.client_properties = {"connection_name": f"borgerbot-analytics {queue}"}
        self.queue, self.exchange, self.analytics, self.writer = queue, exchange, analytics, writer
        self.batch_size, self.idle_seconds = batch_size, idle_seconds
        self.maintenance = Maintenance(analytics, writer)
        self.connections = 0  # how many times it connected

    def declare(self, channel: BlockingChannel) -> None:
        """The queue and its exchange exactly as Rasa's event broker declares them (ops/rasa_event_broker.py)."""
        channel.exchange_declare(self.exchange, exchange_type="fanout", durable=True)
        channel.queue_declare(self.queue, durable=True)
        channel.queue_bind(self.queue, self.exchange, routing_key="")

    def _commit(self, channel: BlockingChannel, batch: list[tuple[int, bytes]]) -> None:
        with transaction(self.analytics) as conn:
            counts = self.writer.apply(conn, _events([body for _, body in batch]))
        # Only now: a message whose turns were not committed is delivered again.
        channel.basic_ack(delivery_tag=batch[-1][0], multiple=True)
        _log_consumed("rabbitmq", counts, queue=self.queue)
        batch.clear()

    def _consume(self, channel: BlockingChannel, stop: threading.Event, once: bool) -> bool:
        """Until ``stop``; True when it stopped because the queue was empty and ``once`` was asked."""
        batch: list[tuple[int, bytes]] = []
        try:
            for method, _properties, body in channel.consume(self.queue, inactivity_timeout=self.idle_seconds):
                if method is not None:
                    batch.append((method.delivery_tag, body))
                    if len(batch) >= self.batch_size:
                        self._commit(channel, batch)
                elif batch:
                    self._commit(channel, batch)
                else:
                    self.maintenance()
                    if once:
                        return True
                if stop.is_set():
                    if batch:
                        self._commit(channel, batch)
                    return False
            return False
        finally:
            if channel.is_open:
                # Messages delivered but not yet handed to us go back to the queue.
                channel.cancel()

    def run(self, stop: threading.Event, once: bool = False, backoff: Backoff = Backoff()) -> None:
        """Until ``stop`` (or, with ``once``, until the queue is empty); reconnects when RabbitMQ goes away."""
        pause = backoff.first
        while not stop.is_set():
            connection = None
            try:
                connection = pika.BlockingConnection(self.parameters)
                channel = connection.channel()
                self.declare(channel)
                channel.basic_qos(prefetch_count=self.batch_size)
                self.connections += 1
                logger.info("analytics.broker_connected", extra={"queue": self.queue, "connections": self.connections})
                pause = backoff.first
                if self._consume(channel, stop, once):
                    return
            except (AMQPError, OSError, SQLAlchemyError) as exc:
                if once:
                    raise
                # Unacknowledged messages go back to the queue with the connection; nothing is lost.
                logger.warning(
                    "analytics.broker_unavailable",
                    extra={"queue": self.queue, "error": repr(exc), "retry_in": pause},
                )
                stop.wait(pause)
                pause = backoff.after(pause)
            finally:
                if connection is not None and connection.is_open:
                    try:
                        connection.close()
                    except AMQPError:
                        pass
