"""Our Pika event broker (ops/rasa_event_broker.py) in Rasa's own environment, on the machine's RabbitMQ.

The whole restart under load is in test_production.py; here the two ways Rasa's own broker lost an
event, one at a time: the exchange gone with a restart, and an event RabbitMQ could route nowhere.
"""

from __future__ import annotations

import json
import os
import subprocess
import textwrap
import time
import uuid
from collections.abc import Iterator

import pika
import pytest

from core.settings import Settings
from ops.endpoints import event_broker_config

pytestmark = pytest.mark.integration

RABBITMQ = "amqp://guest:guest@127.0.0.1:5672/%2F"

# Publishes the events named on the command line through the broker Rasa builds from `config` (once
# the test says go on stdin), then waits until every one is published and nothing waits, at most 20 s.
PUBLISH = textwrap.dedent(
    """
    import asyncio, json, sys
    from rasa.core.brokers.broker import EventBroker
    from rasa.utils.endpoints import EndpointConfig

    async def main():
        config = json.loads(sys.argv[1])
        broker = await EventBroker.create(EndpointConfig.from_dict(config))
        print(type(broker).__name__, flush=True)
        sys.stdin.readline()  # the test's go-ahead
        for sender in sys.argv[2:]:
            if sender == "--":  # the first ones are under way (or failed): the rest come after
                await asyncio.sleep(0.3)
                continue
            broker.publish({"sender_id": sender, "event": "user", "timestamp": 1.0})
        for _ in range(200):
            await asyncio.sleep(0.1)
            if not broker._background_tasks and not broker._unpublished_events:
                break
        print(len(broker._unpublished_events), flush=True)
        await broker.close()

    asyncio.run(main())
    """
)


@pytest.fixture
def settings() -> Iterator[Settings]:
    queue = f"borgerbot.test.{uuid.uuid4().hex[:12]}"
    settings = Settings(rabbitmq_url=RABBITMQ, rabbitmq_queue=queue)
    yield settings
    with pika.BlockingConnection(pika.URLParameters(RABBITMQ)) as connection:
        channel = connection.channel()
        channel.queue_delete(queue)
        channel.exchange_delete(settings.rabbitmq_exchange)


def publish_in_rasa(settings: Settings, *senders: str, unbind_for: float = 0.0) -> list[str]:
    """Run PUBLISH in .venv-rasa; with ``unbind_for``, the queue is unbound from the exchange meanwhile."""
    env = {**os.environ, "PYTHONPATH": str(settings.project_root), "RASA_TELEMETRY_ENABLED": "false"}
    config = json.dumps(event_broker_config(settings))
    process = subprocess.Popen(
        [str(settings.rasa_venv / "bin" / "python"), "-c", PUBLISH, config, *senders],
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdin is not None and process.stdout is not None
    first = process.stdout.readline()  # connected: the exchange and the binding are declared
    with pika.BlockingConnection(pika.URLParameters(RABBITMQ)) as connection:
        channel = connection.channel()
        if unbind_for:
            channel.queue_unbind(settings.rabbitmq_queue, settings.rabbitmq_exchange)
        process.stdin.write("go\n")
        process.stdin.flush()
        if unbind_for:
            time.sleep(unbind_for)
            channel.queue_bind(settings.rabbitmq_queue, settings.rabbitmq_exchange)
    stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == 0, stderr[-3000:]
    return [*first.split(), *stdout.split()]


def queued_senders(queue: str) -> list[str]:
    senders = []
    with pika.BlockingConnection(pika.URLParameters(RABBITMQ)) as connection:
        channel = connection.channel()
        while (message := channel.basic_get(queue, auto_ack=True))[0] is not None:
            senders.append(json.loads(message[2])["sender_id"])
    return senders


def test_the_exchange_and_its_binding_are_durable(settings: Settings) -> None:
    assert publish_in_rasa(settings, "s1") == ["DurablePikaEventBroker", "0"]
    with pika.BlockingConnection(pika.URLParameters(RABBITMQ)) as connection:
        # RabbitMQ refuses (406) a durable declare of a name a transient exchange holds.
        connection.channel().exchange_declare(settings.rabbitmq_exchange, exchange_type="fanout", durable=True)
    assert queued_senders(settings.rabbitmq_queue) == ["s1"]


def test_events_routed_nowhere_are_published_again_in_order_once_the_queue_is_bound(settings: Settings) -> None:
    # Rasa's own broker counted a returned event as published: the analytics never saw it. Events
    # after a failure wait behind it, so the analytics read a conversation in the order it happened.
    out = publish_in_rasa(settings, "s1", "s2", "s3", "--", "s4", "s5", unbind_for=1.5)
    assert out == ["DurablePikaEventBroker", "0"]
    assert queued_senders(settings.rabbitmq_queue) == ["s1", "s2", "s3", "s4", "s5"]
