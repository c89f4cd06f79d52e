"""The weekly review's pipeline on the real stack: Rasa's event broker → the analytics consumer → analytics_turns.

With Rasa's SQL broker (the default) and with the machine's RabbitMQ (127.0.0.1:5672, guest/guest):
events published while the consumer is stopped, or while its connection is gone, all arrive once.
RabbitMQ itself is never restarted; each test has a queue (and exchange) of its own, deleted after.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pika
import pytest
from sqlalchemy import select

from bot.analytics.consumer import CHECKPOINT
from bot.analytics.tables import turns_table
from bot.analytics.writer import read_checkpoint
from core.settings import Settings
from kb.content.engine import make_engine
from ops.publishing import publish_content
from tests.integration.conftest import stack_settings

pytestmark = pytest.mark.integration

RABBITMQ = "amqp://guest:guest@127.0.0.1:5672/%2F"
DEADLINE_SECONDS = 30.0
ENGLISH = "How do I renew my passport when I live abroad?"


def say(settings: Settings, message: str, session_id: str | None = None) -> str:
    body: dict[str, Any] = {"municipality": "kalundborg", "message": message}
    if session_id:
        body["session_id"] = session_id
    response = httpx.post(f"http://127.0.0.1:{settings.gateway_port}/api/v1/chat", json=body, timeout=60)
    assert response.status_code == 200, response.text
    return str(response.json()["session_id"])


def turns(settings: Settings, session_id: str) -> list[dict[str, Any]]:
    engine = make_engine(settings.gateway_database_url)
    try:
        query = select(turns_table).where(turns_table.c.conversation_id == session_id)
        with engine.connect() as conn:
            return [dict(row) for row in conn.execute(query.order_by(turns_table.c.at, turns_table.c.id)).mappings()]
    finally:
        engine.dispose()


def wait_for_turns(settings: Settings, session_id: str, count: int) -> list[dict[str, Any]]:
    """The conversation's turns once there are ``count`` of them (polled, with a deadline)."""
    deadline = time.monotonic() + DEADLINE_SECONDS
    while True:
        found = turns(settings, session_id)
        if len(found) >= count or time.monotonic() > deadline:
            return found
        time.sleep(0.3)


def summary(rows: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    return [(row["outcome"], row["reason"], row["feedback"], row["source"]) for row in rows]


def prepared(settings: Settings) -> Settings:
    """As make run: the app database migrated (the consumer's tables), kb/ imported and published."""
    publish_content(settings)
    return settings


def test_a_conversation_through_the_sql_broker_ends_up_as_its_turns(
    tmp_path: Path, trained_model: Path, start_stack: Callable[[Settings, Path], Any]
) -> None:
    settings = prepared(stack_settings(tmp_path / "var", None))
    start_stack(settings, trained_model)

    session_id = say(settings, "Hvad koster et pas til en voksen?")
    say(settings, "/affirm", session_id)
    say(settings, ENGLISH, session_id)
    say(settings, "Hvordan søger jeg om byggetilladelse til en carport?", session_id)

    rows = wait_for_turns(settings, session_id, 4)
    assert summary(rows) == [
        ("answer", None, "ja", "rasa"),
        ("feedback", "ja", None, "rasa"),
        ("other_language", None, None, "gateway"),
        ("escalation", "out_of_scope", None, "rasa"),
    ]
    answer = rows[0]
    assert answer["topic"] == "pas" and answer["guide_id"].startswith("pas-")
    assert answer["intent"] == "ask_pas" and 0 < answer["confidence"] <= 1
    assert answer["question"] == "Hvad koster et pas til en voksen?" and answer["replies"]
    assert rows[2]["language"] == "en"
    assert {row["municipality"] for row in rows} == {"kalundborg"}

    # The broker's own file, never the tracker store's; the checkpoint is its last row.
    with sqlite3.connect(settings.var_dir / "events.db") as conn:
        (last_id,) = conn.execute("SELECT max(id) FROM events").fetchone()
    engine = make_engine(settings.gateway_database_url)
    with engine.connect() as conn:
        assert read_checkpoint(conn, CHECKPOINT) == str(last_id)
    engine.dispose()
    with sqlite3.connect(settings.var_dir / "tracker.db") as conn:
        tracker_columns = {row[1] for row in conn.execute("PRAGMA table_info(events)")}
    assert "type_name" in tracker_columns, "Rasa's tracker store kept its own events table"


@pytest.fixture
def queue() -> Iterator[str]:
    """A durable queue (and fanout exchange) of this test alone, deleted afterwards."""
    name = f"borgerbot.test.{uuid.uuid4().hex[:12]}"
    yield name
    connection = pika.BlockingConnection(pika.URLParameters(RABBITMQ))
    channel = connection.channel()
    channel.queue_delete(name)
    channel.exchange_delete(Settings(rabbitmq_queue=name).rabbitmq_exchange)
    connection.close()


def waiting_messages(queue: str) -> int:
    connection = pika.BlockingConnection(pika.URLParameters(RABBITMQ))
    try:
        return int(connection.channel().queue_declare(queue, durable=True, passive=True).method.message_count)
    finally:
        connection.close()


def close_consumers_connection(queue: str) -> None:
    """As RabbitMQ does when it drops a client: the server closes the consumer's connection."""
    listed = subprocess.run(
        ["rabbitmqctl", "list_connections", "pid", "client_properties", "--quiet", "--no-table-headers"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    # The consumer names its connection (bot.analytics.consumer.RabbitConsumer).
    name = f'{{"connection_name","borgerbot-analytics {queue}"}}'
    pids = [line.split("\t")[0] for line in listed.stdout.splitlines() if name in line]
    assert len(pids) == 1, listed.stdout
    subprocess.run(["rabbitmqctl", "close_connection", pids[0], "test: broker gone"], timeout=60, check=True)


def test_with_rabbitmq_nothing_is_lost_while_the_consumer_is_stopped_or_its_connection_gone(
    queue: str, tmp_path: Path, trained_model: Path, start_stack: Callable[[Settings, Path], Any]
) -> None:
    # `queue` first: it is deleted after the stack stopped (a running consumer would declare it again).
    if shutil.which("rabbitmqctl") is None:
        pytest.skip("rabbitmqctl is needed to close the consumer's connection from the server")
    settings = stack_settings(tmp_path / "var", None).model_copy(
        update={"rabbitmq_url": RABBITMQ, "rabbitmq_queue": queue}
    )
    stack = start_stack(prepared(settings), trained_model)
    assert not (settings.var_dir / "events.db").exists(), "with RabbitMQ there is no SQL broker"

    session_id = say(settings, "Hvad koster et pas til en voksen?")
    assert summary(wait_for_turns(settings, session_id, 1)) == [("answer", None, None, "rasa")]

    # Stopped: the events wait in the durable queue.
    consumer = stack.spec("analytics").child
    consumer.stop()
    say(settings, "/deny", session_id)
    say(settings, "Hvornår skal jeg melde flytning?", session_id)
    assert waiting_messages(queue) > 0
    time.sleep(1)
    assert len(turns(settings, session_id)) == 1
    consumer.start()
    rows = wait_for_turns(settings, session_id, 3)
    assert summary(rows) == [
        ("answer", None, "nej", "rasa"),
        ("feedback", "nej", None, "rasa"),
        ("answer", None, None, "rasa"),
    ]
    assert rows[2]["topic"] == "flytning"

    # The broker drops the consumer's connection: it reconnects and reads what was published meanwhile.
    close_consumers_connection(queue)
    say(settings, "Hvordan søger jeg om byggetilladelse til en carport?", session_id)
    rows = wait_for_turns(settings, session_id, 4)
    assert summary(rows)[3] == ("escalation", "out_of_scope", None, "rasa")
    assert len({row["event_key"] for row in rows}) == len(rows) == 4, "each turn once"
    log = consumer.log_path.read_text()
    assert "analytics.broker_unavailable" in log and log.count('"analytics.broker_connected"') >= 3
    assert waiting_messages(queue) == 0
