"""The gateway against real, closed ports: what citizens see when Rasa is down."""

from __future__ import annotations

import socket

import pytest
from fastapi.testclient import TestClient

from bot.main import create_app
from core.settings import Settings


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def down_settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"rasa_port": closed_port(), "action_port": closed_port()})


def test_chat_degrades_with_ddh_number(down_settings: Settings) -> None:
    with TestClient(create_app(down_settings)) as client:
        response = client.post("/api/v1/chat", json={"municipality": "kalundborg", "message": "Hvad koster et pas?"})
    assert response.status_code == 503
    assert "70 20 00 00" in response.json()["messages"][0]["text"]
    assert response.json()["messages"][0]["links"][0]["url"] == "tel:+4570200000"


def test_health_is_honest(down_settings: Settings) -> None:
    with TestClient(create_app(down_settings)) as client:
        response = client.get("/api/v1/health")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "degraded"
    assert body["components"]["rasa"]["ok"] is False
    assert body["components"]["action_server"]["ok"] is False
