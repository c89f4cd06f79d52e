"""Hostile input through the real gateway: cleaned and answered, or a Danish 4xx; never an outage."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from bot.main import create_app
from core.log import MAX_LINE_BYTES, JsonFormatter
from core.settings import Settings
from tests.fakes import FakeRasa

EMPTY = "Skriv venligst en besked, før du sender."
JSON_HEADERS = {"content-type": "application/json"}


@pytest.fixture
def rasa() -> FakeRasa:
    return FakeRasa()


@pytest.fixture
def client(settings: Settings, rasa: FakeRasa) -> Iterator[TestClient]:
    with TestClient(create_app(settings, rasa=rasa)) as test_client:
        yield test_client


def post_raw(client: TestClient, body: bytes):
    """A body written by hand: httpx cannot encode a lone surrogate, JSON's \\ud800 escape can."""
    return client.post("/api/v1/chat", content=body, headers=JSON_HEADERS)


def sent_to_rasa(rasa: FakeRasa) -> list[str]:
    return [text for _, text, _ in rasa.received]


def test_a_lone_surrogate_is_removed_and_the_message_answered(
    client: TestClient, rasa: FakeRasa, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO):
        response = post_raw(client, b'{"municipality":"kalundborg","message":"hej \\ud800 pasfoto"}')
    assert response.status_code == 200
    assert response.json()["degraded"] is False and response.json()["messages"][0]["text"] == "Hej!"
    assert sent_to_rasa(rasa) == ["hej  pasfoto"]
    (cleaned,) = [r for r in caplog.records if r.getMessage() == "chat.cleaned"]
    assert cleaned.removed == {"invalid": 1}
    assert cleaned.session == response.json()["session_id"]
    # Counts only: the message itself is in no log line.
    assert not any("pasfoto" in JsonFormatter().format(r) for r in caplog.records)


def test_a_surrogate_pair_is_one_ordinary_character(client: TestClient, rasa: FakeRasa) -> None:
    assert post_raw(client, b'{"municipality":"kalundborg","message":"tak \\ud83d\\udc4d"}').status_code == 200
    assert sent_to_rasa(rasa) == ["tak 👍"]


@pytest.mark.parametrize(
    "hidden",
    ["\\u200b", "\\u200d", "\\u2060", "\\ufeff", "\\u202e", "\\u2066", "\\u00ad", "\\u0000", "\\u001b", "\\ud800"],
)
def test_a_hidden_character_cannot_split_a_cpr_number_past_the_masker(
    client: TestClient, rasa: FakeRasa, hidden: str
) -> None:
    body = f'{{"municipality":"kalundborg","message":"mit cpr er 010190{hidden}-1234, og 0101{hidden}90-1234"}}'
    response = post_raw(client, body.encode())
    assert response.status_code == 200
    assert sent_to_rasa(rasa) == ["mit cpr er [CPR-nummer fjernet], og [CPR-nummer fjernet]"]
    assert response.json()["messages"][0]["text"].startswith("Jeg har fjernet dit CPR-nummer")


@pytest.mark.parametrize(
    "message",
    [
        "\\u0000\\u0007\\u001b\\u007f",
        "\\u200b\\u200c\\ufeff",
        "\\u202e\\u2067",
        "\\udfff\\ud800",  # low before high: two lone surrogates, not a pair
        "\\n\\t\\u0085 \\u00ad",
    ],
)
def test_a_message_of_nothing_visible_is_the_danish_422(client: TestClient, rasa: FakeRasa, message: str) -> None:
    response = post_raw(client, f'{{"municipality":"kalundborg","message":"{message}"}}'.encode())
    assert response.status_code == 422
    assert response.json() == {"detail": EMPTY}
    assert rasa.received == []


@pytest.mark.parametrize(
    "body",
    [b"{ikke json", b'{"municipality":"kalundborg","message":"hej \xff pas"}', b"\xff\xfe\x00"],
    ids=["not-json", "not-utf8-inside", "not-utf8"],
)
def test_a_body_that_is_no_json_gets_the_danish_400(client: TestClient, rasa: FakeRasa, body: bytes) -> None:
    response = post_raw(client, body)
    assert response.status_code == 400
    assert response.json() == {"detail": "Forespørgslen kunne ikke læses. Send gyldig JSON."}
    assert rasa.received == []


def test_an_unknown_municipality_with_a_lone_surrogate_is_a_danish_422_not_a_500(client: TestClient) -> None:
    response = post_raw(client, b'{"municipality":"kal\\ud800","message":"hej"}')
    assert response.status_code == 422
    assert response.json()["detail"].startswith("Kommunen 'kal\ufffd' kendes ikke.")


def test_a_5000_character_path_is_a_danish_404_and_one_bounded_log_line(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    path = "/" + "a" * 4999
    with caplog.at_level(logging.INFO):
        response = client.get(path)
    assert response.status_code == 404
    assert response.json() == {"detail": "Siden eller ressourcen findes ikke."}
    (record,) = [r for r in caplog.records if r.getMessage() == "http.no_route"]
    line = JsonFormatter().format(record)
    assert len(line.encode("utf-8")) <= MAX_LINE_BYTES
    logged = json.loads(line)
    assert logged["path"] == path[:500] + "…[+4500 chars]"
    assert (logged["status"], logged["method"]) == (404, "GET")


@pytest.mark.parametrize(("visible", "status"), [(2000, 200), (2001, 422)])
def test_the_length_limit_counts_the_characters_the_citizen_can_see(
    client: TestClient, rasa: FakeRasa, visible: int, status: int
) -> None:
    message = "a" * visible + "\\u200b" * 100
    response = post_raw(client, f'{{"municipality":"kalundborg","message":"{message}"}}'.encode())
    assert response.status_code == status
    assert sent_to_rasa(rasa) == (["a" * visible] if status == 200 else [])
