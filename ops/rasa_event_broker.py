"""Rasa's Pika event broker, made to lose no event when RabbitMQ restarts.

Rasa 3.6's broker (rasa.core.brokers.pika) loses events across a RabbitMQ restart: its fanout
exchange is transient, so the restart drops it and its binding to our durable queue; an event
RabbitMQ cannot route is returned, and Rasa, whose channel does not raise on returns, counts it as
published; a publish aiormq cancels as it closes the channel raises CancelledError, which Rasa's
``except Exception`` lets through, so the event vanishes without a log line; and an event that
failed is tried again only at the next reconnect.

Here the exchange is durable (its binding to the durable queue survives the restart), a returned or
cancelled publish counts as failed, and once one event failed every later one waits behind it: one task publishes
the backlog in order, trying again every second until RabbitMQ takes it, so the analytics read each
conversation's events in the order Rasa wrote them. Loaded by the Rasa server itself (Python 3.10,
.venv-rasa) by the path ops.endpoints writes; it imports Rasa and aio-pika only, nothing of ours.
"""

import asyncio
import logging
from typing import Any

import aio_pika  # type: ignore[import-not-found]
from aiormq import spec  # type: ignore[import-not-found]
from rasa.core.brokers.pika import PikaEventBroker  # type: ignore[import-not-found]

logger = logging.getLogger(__name__)

# Between two attempts to publish the events RabbitMQ did not take.
REPUBLISH_SECONDS = 1.0
# A publish RabbitMQ has not confirmed by then is tried again (at worst twice in the queue; the
# analytics recognise an event they have seen).
PUBLISH_TIMEOUT_SECONDS = 10.0


class DurablePikaEventBroker(PikaEventBroker):  # type: ignore[misc]
    """PikaEventBroker with a durable exchange, returns counted as failures, failures retried in order."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._republisher: asyncio.Task[None] | None = None

    async def _set_up_exchange(self, channel: aio_pika.RobustChannel) -> aio_pika.RobustExchange:
        exchange = await channel.declare_exchange(self.exchange_name, type=aio_pika.ExchangeType.FANOUT, durable=True)
        for queue_name in self.queues:
            await self._bind_queue(queue_name, channel, exchange)
        return exchange

    def publish(self, event: dict[str, Any], headers: dict[str, str] | None = None) -> None:
        """Publish now, or behind the backlog while there is one (so the order holds)."""
        if self._unpublished_events:
            self._unpublished_events.append(event)
            return
        super().publish(event, headers)

    async def _publish(self, event: dict[str, Any], headers: dict[str, str] | None = None) -> None:
        if self._exchange is None:
            return
        error = await self._try_publish(event, headers)
        if error is not None:
            self._unpublished_events.append(event)
            logger.warning("pika.events.publish.deferred: %s (%d waiting)", error, len(self._unpublished_events))
            self._schedule_republish()

    async def _try_publish(self, event: dict[str, Any], headers: dict[str, str] | None = None) -> str | None:
        """None once RabbitMQ confirmed the event, else why not."""
        message = self._message(event, headers)
        try:
            confirmation = await asyncio.wait_for(
                self._exchange.publish(message, "", mandatory=True), PUBLISH_TIMEOUT_SECONDS
            )
        # Any failure is a retry: the connection down, the channel closed, no confirmation in time, or
        # the publish cancelled by aiormq as it closes a channel (CancelledError is no Exception).
        except (Exception, asyncio.CancelledError) as exc:
            return type(exc).__name__
        return None if isinstance(confirmation, spec.Basic.Ack) else "returned unrouted"

    def _publish_unpublished_messages(self, *_: Any, **__: Any) -> None:
        """On reconnect (Rasa's callback): the republishing task, never a second publisher beside it."""
        self._schedule_republish()

    def _schedule_republish(self) -> None:
        if self._republisher is None or self._republisher.done():
            self._republisher = self._loop.create_task(self._republish_in_order())

    async def _republish_in_order(self) -> None:
        published = 0
        while self._unpublished_events:
            if await self._try_publish(self._unpublished_events[0]) is None:
                self._unpublished_events.popleft()
                published += 1
            else:
                await asyncio.sleep(REPUBLISH_SECONDS)
        logger.info("pika.events.publish.caught_up: %d published late", published)
