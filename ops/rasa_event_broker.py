"""Rasa's Pika event broker, made to lose no event when RabbitMQ restarts.

Rasa 3.6's broker (rasa.core.brokers.pika) loses events three ways across a RabbitMQ restart: its
fanout exchange is transient, so the restart drops it and its binding to our durable queue; an event
RabbitMQ cannot route is returned, and Rasa, whose channel does not raise on returns, counts it as
published; and an event that failed while the connection was down is tried again only at the next
reconnect, so one that fails after that reconnect waits for a restart that may never come.

Here the exchange is durable (its binding to the durable queue survives the restart), a returned
event counts as failed, and failed events are published again every second until RabbitMQ takes
them. Loaded by the Rasa server itself (Python 3.10, .venv-rasa) by the path ops.endpoints writes;
it imports Rasa and aio-pika only, nothing of ours.
"""

import asyncio
import logging
from typing import Any, Dict, Optional, Text

import aio_pika  # type: ignore[import-not-found]
from aiormq import spec  # type: ignore[import-not-found]
from rasa.core.brokers.pika import PikaEventBroker  # type: ignore[import-not-found]

logger = logging.getLogger(__name__)

# Between two attempts to publish the events RabbitMQ did not take.
REPUBLISH_SECONDS = 1.0


class UnroutedEvent(Exception):
    """RabbitMQ returned the event: no queue was bound to the exchange when it arrived."""


class DurablePikaEventBroker(PikaEventBroker):  # type: ignore[misc]
    """PikaEventBroker with a durable exchange, returns counted as failures and failures retried."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._republisher: Optional[asyncio.Task] = None

    async def _set_up_exchange(self, channel: aio_pika.RobustChannel) -> aio_pika.RobustExchange:
        exchange = await channel.declare_exchange(
            self.exchange_name, type=aio_pika.ExchangeType.FANOUT, durable=True
        )
        for queue_name in self.queues:
            await self._bind_queue(queue_name, channel, exchange)
        return exchange

    async def _publish(self, event: Dict[Text, Any], headers: Optional[Dict[Text, Text]] = None) -> None:
        if self._exchange is None:
            return
        try:
            confirmation = await self._exchange.publish(self._message(event, headers), "", mandatory=True)
            if not isinstance(confirmation, spec.Basic.Ack):
                raise UnroutedEvent(self.exchange_name)
        except Exception as exc:  # any failure: the connection is down, the channel closed, or unrouted
            self._unpublished_events.append(event)
            logger.warning(
                "pika.events.publish.deferred: %s (%d waiting)", type(exc).__name__, len(self._unpublished_events)
            )
            self._schedule_republish()

    def _schedule_republish(self) -> None:
        if self._republisher is None or self._republisher.done():
            self._republisher = self._loop.create_task(self._republish_until_taken())

    async def _republish_until_taken(self) -> None:
        while self._unpublished_events:
            await asyncio.sleep(REPUBLISH_SECONDS)
            waiting = list(self._unpublished_events)
            self._unpublished_events.clear()
            # One at a time and in order; each failure is queued again by _publish.
            for event in waiting:
                await self._publish(event)
            if not self._unpublished_events:
                logger.info("pika.events.publish.caught_up: %d published late", len(waiting))
