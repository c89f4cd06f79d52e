"""One citizen message counts once: when the gateway gave up on Rasa (the degraded 503) and Rasa
answered the message anyway, the review keeps the degraded turn the citizen saw, in either order
the two rows arrive (the gateway's recorder, the consumer's writer)."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, delete, select

from bot.analytics.gateway_turns import SqlTurnRecorder, degraded_turn
from bot.analytics.tables import pending_table, turns_table
from bot.analytics.writer import Counts, TurnWriter, transaction
from bot.main import create_app
from core.settings import Settings
from tests.fakes import FakeRasa, FakeTurnRecorder
from tests.unit.bot.analytics.rasa_events import Conversation
from tests.unit.bot.analytics.turn_rows import migrated_engine

SENDER = "f" * 32
START = datetime(2026, 11, 30, 9, 15, tzinfo=UTC).timestamp()
LATE = "late-message"
QUESTION = "Hvad koster et pas?"
DDH = ["Der er en teknisk fejl. Ring til Den Digitale Hotline på 70 20 00 00."]


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    made = migrated_engine(tmp_path)
    yield made
    made.dispose()


def rasa_answers_late(message_id: str | None = LATE) -> Conversation:
    """Rasa's events for the message the gateway gave up on: it answered it after all."""
    talk = Conversation(SENDER, START).start_session()
    talk.message_id = message_id
    talk.answer(QUESTION, "ask_pas", "pas-pris", "pas")
    return talk


def consume(engine: Engine, events: list[dict[str, Any]]) -> Counts:
    with transaction(engine) as conn:
        return TurnWriter("kalundborg").apply(conn, events)


def record_degraded(engine: Engine, message_id: str | None = LATE) -> None:
    SqlTurnRecorder(engine).record(degraded_turn(SENDER, "kalundborg", 0, QUESTION, DDH, message_id))


def rows(engine: Engine) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        return [dict(row) for row in conn.execute(select(turns_table).order_by(turns_table.c.id)).mappings()]


def assert_one_degraded_turn(engine: Engine) -> None:
    (row,) = rows(engine)
    assert (row["outcome"], row["reason"], row["source"]) == ("degraded", "technical", "gateway")
    assert (row["message_id"], row["replies"], row["guide_id"]) == (LATE, DDH, None)


def test_a_late_rasa_turn_after_the_degraded_one_is_not_written(engine: Engine) -> None:
    record_degraded(engine)
    counts = consume(engine, rasa_answers_late().events)
    assert counts.turns == 0
    assert_one_degraded_turn(engine)


def test_the_degraded_turn_replaces_a_rasa_turn_written_first(engine: Engine) -> None:
    assert consume(engine, rasa_answers_late().events).turns == 1
    assert [r["source"] for r in rows(engine)] == ["rasa"]
    record_degraded(engine)
    assert_one_degraded_turn(engine)


def test_the_late_events_delivered_again_still_write_nothing(engine: Engine) -> None:
    events = rasa_answers_late().events
    consume(engine, events)
    record_degraded(engine)
    consume(engine, events)
    # With the conversation's state forgotten too, so the events are not recognised as seen.
    with engine.begin() as conn:
        conn.execute(delete(pending_table))
    assert consume(engine, events).turns == 0
    assert_one_degraded_turn(engine)


def test_other_messages_count_as_before(engine: Engine) -> None:
    # Another message id, and Rasa's events from before the gateway sent ids, are their own turns.
    record_degraded(engine, "another-message")
    talk = rasa_answers_late()
    talk.message_id = None
    talk.answer("og for børn?", "ask_pas", "pas-pris", "pas")
    assert consume(engine, talk.events).turns == 2
    record_degraded(engine, None)
    found = [(r["source"], r["outcome"], r["message_id"]) for r in rows(engine)]
    assert found == [
        ("gateway", "degraded", "another-message"),
        ("rasa", "answer", LATE),
        ("rasa", "answer", None),
        ("gateway", "degraded", None),
    ]


def test_the_gateway_sends_rasa_the_id_its_degraded_turn_keeps(settings: Settings) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed = sock.getsockname()[1]
    # Rasa says nothing and the action server is down: the 503, after Rasa has the message.
    turns, rasa = FakeTurnRecorder(), FakeRasa(replies=[])
    quiet = settings.model_copy(update={"action_port": closed})
    with TestClient(create_app(quiet, rasa=rasa, turns=turns)) as client:
        for _ in range(2):
            assert client.post("/api/v1/chat", json={"municipality": "kalundborg", "message": "hej"}).status_code == 503
    sent = [metadata["message_id"] for _, _, metadata in rasa.received]
    assert [turn.message_id for turn in turns.turns] == sent
    assert len(set(sent)) == 2 and all(len(message_id) == 32 for message_id in sent)
    assert {metadata["municipality"] for _, _, metadata in rasa.received} == {"kalundborg"}
