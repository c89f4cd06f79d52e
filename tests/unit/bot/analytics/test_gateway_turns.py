"""The gateway's own turns (another language, the degraded 503) reach the review; Rasa never sees them."""

from __future__ import annotations

import logging
import socket
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from bot.analytics.gateway_turns import SqlTurnRecorder, degraded_turn, other_language_turn
from bot.analytics.tables import turns_table
from bot.main import create_app
from core.settings import Settings
from kb.content.engine import make_engine
from ops.database import upgrade
from tests.fakes import FakeRasa, FakeTurnRecorder

ENGLISH = "How do I renew my passport when I live abroad?"


def chat(client: TestClient, message: str, session_id: str | None = None) -> dict[str, object]:
    body: dict[str, object] = {"municipality": "kalundborg", "message": message}
    if session_id:
        body["session_id"] = session_id
    response = client.post("/api/v1/chat", json=body)
    result: dict[str, object] = response.json()
    return result


def test_a_message_in_another_language_is_recorded_with_its_language(settings: Settings) -> None:
    turns, rasa = FakeTurnRecorder(), FakeRasa()
    with TestClient(create_app(settings, rasa=rasa, turns=turns)) as client:
        session_id = str(chat(client, "Hvad koster et pas?")["session_id"])
        body = chat(client, ENGLISH, session_id)
    (turn,) = turns.turns
    assert (turn.conversation_id, turn.municipality, turn.outcome, turn.language) == (
        session_id,
        "kalundborg",
        "other_language",
        "en",
    )
    assert turn.turn_index == 1, "the Danish message before it was turn 0"
    assert turn.question == ENGLISH
    assert list(turn.replies) == [m["text"] for m in body["messages"]]  # type: ignore[attr-defined]
    assert len(rasa.received) == 1, "Rasa never saw it"


def test_a_danish_answer_is_left_to_the_event_broker(settings: Settings) -> None:
    turns = FakeTurnRecorder()
    with TestClient(create_app(settings, rasa=FakeRasa(), turns=turns)) as client:
        chat(client, "Hvad koster et pas?")
    assert turns.turns == []


def test_the_degraded_503_is_a_technical_hand_over(settings: Settings) -> None:
    turns = FakeTurnRecorder()
    with TestClient(create_app(settings, rasa=FakeRasa(fail=True), turns=turns)) as client:
        response = client.post("/api/v1/chat", json={"municipality": "kalundborg", "message": "Mit CPR er 010190-1234"})
    assert response.status_code == 503
    (turn,) = turns.turns
    assert (turn.outcome, turn.reason, turn.turn_index, turn.language) == ("degraded", "technical", 0, None)
    assert "010190-1234" not in turn.question, "only the masked text is kept"
    assert turn.replies == [response.json()["messages"][0]["text"]]


def test_silence_from_rasa_is_degraded_too(settings: Settings) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed = sock.getsockname()[1]
    turns = FakeTurnRecorder()
    quiet = settings.model_copy(update={"action_port": closed})
    with TestClient(create_app(quiet, rasa=FakeRasa(replies=[]), turns=turns)) as client:
        assert client.post("/api/v1/chat", json={"municipality": "kalundborg", "message": "hej"}).status_code == 503
    assert [(t.outcome, t.reason) for t in turns.turns] == [("degraded", "technical")]


def test_the_sql_recorder_writes_a_gateway_row(settings: Settings) -> None:
    url = settings.gateway_database_url
    upgrade(url)
    engine = make_engine(url)
    at = datetime(2026, 11, 29, 23, 30, tzinfo=UTC)  # Monday 00:30 in Copenhagen
    recorder = SqlTurnRecorder(engine)
    recorder.record(other_language_turn("s" * 32, "kalundborg", 0, ENGLISH, "en", ["I answer in Danish."]))
    late = degraded_turn("s" * 32, "kalundborg", 1, "hvad koster et pas", ["Prøv igen."])
    recorder.record(replace(late, at=at))
    with engine.connect() as conn:
        rows = [dict(row) for row in conn.execute(select(turns_table).order_by(turns_table.c.id)).mappings()]
    engine.dispose()
    assert [(r["outcome"], r["language"], r["reason"], r["source"], r["turn_index"]) for r in rows] == [
        ("other_language", "en", None, "gateway", 0),
        ("degraded", None, "technical", "gateway", 1),
    ]
    assert (rows[1]["local_date"], rows[1]["iso_week"], rows[1]["local_hour"]) == (date(2026, 11, 30), "2026-W49", 0)
    assert rows[0]["replies"] == ["I answer in Danish."] and rows[0]["event_key"] != rows[1]["event_key"]


def test_a_database_that_fails_does_not_fail_the_citizen(settings: Settings, caplog: pytest.LogCaptureFixture) -> None:
    # Not migrated: the table is missing; the reply still goes out, and the miss is logged.
    engine = make_engine(settings.gateway_database_url)
    with caplog.at_level(logging.ERROR):
        SqlTurnRecorder(engine).record(other_language_turn("s" * 32, "kalundborg", 0, ENGLISH, "en", ["…"]))
    engine.dispose()
    assert [r.getMessage() for r in caplog.records] == ["analytics.gateway_turn_failed"]
