"""A Danish conversation through the real gateway, Rasa server and action server.

It also proves that rasa-sdk 3.21 (Python 3.11) serves Rasa 3.6 (Python 3.10): the
passport answer can only come from the action server.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from core.settings import Settings
from core.topics import topic_of_guide_id
from ops.review import load_conversations, rates
from tests.integration.conftest import stack_settings
from tests.integration.stored_text import find_cpr_numbers, log_lines, stored_strings
from tests.masking_corpus import CPR_FORMS

pytestmark = pytest.mark.integration


def say(settings: Settings, message: str, session_id: str | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"municipality": "kalundborg", "message": message}
    if session_id:
        body["session_id"] = session_id
    response = httpx.post(f"http://127.0.0.1:{settings.gateway_port}/api/v1/chat", json=body, timeout=60)
    assert response.status_code == 200, response.text
    return response.json()


def all_text(reply: dict[str, Any]) -> str:
    return "\n".join(m["text"] for m in reply["messages"])


def sources(reply: dict[str, Any]) -> list[dict[str, Any]]:
    return [m["source"] for m in reply["messages"] if m["source"]]


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
def test_conversation_survives_restart_of_every_process(
    database: str, tmp_path: Path, trained_model: Path, start_stack: Any, request: pytest.FixtureRequest
) -> None:
    database_url = request.getfixturevalue("postgres_url") if database == "postgresql" else None
    settings = stack_settings(tmp_path / "var", database_url)
    stack = start_stack(settings, trained_model)

    health = httpx.get(f"http://127.0.0.1:{settings.gateway_port}/api/v1/health", timeout=10).json()
    assert health["status"] == "ok", health

    greeting = say(settings, "Hej")
    session_id = greeting["session_id"]
    assert "robot" in all_text(greeting).lower()
    assert "CPR" in all_text(greeting)

    passport = say(settings, "Hvad koster et pas til en voksen?", session_id)
    assert [topic_of_guide_id(s["guide_id"]) for s in sources(passport)] == ["pas"]
    # Rasa sends the short answer and the section as two messages (it splits text at blank lines);
    # the links and the source go with the last, where the answer ends.
    assert passport["messages"][-2]["links"], "a guide answer links to where to read more"
    assert passport["escalated"] is False
    assert passport["messages"][-1]["buttons"], "Fik du svar på dit spørgsmål? with Ja/Nej"

    not_helpful = say(settings, "/deny", session_id)
    assert not_helpful["escalated"] is False, "the first Nej invites a new question"

    stack.stop()
    stack = start_stack(settings, trained_model)

    moving = say(settings, "Hvornår skal jeg melde flytning?", session_id)
    assert moving["session_id"] == session_id
    assert [topic_of_guide_id(s["guide_id"]) for s in sources(moving)] == ["flytning"]

    other = say(settings, "Hvordan søger jeg om byggetilladelse til en carport?", session_id)
    assert other["escalated"] is True
    assert "70 20 00 00" in all_text(other)

    # Everything the weekly review needs is in the tracker store, read from the database itself.
    (turns,) = load_conversations(settings.tracker_database_url, [session_id]).values()
    assert [t.text for t in turns] == [
        "Hej",
        "Hvad koster et pas til en voksen?",
        "/deny",
        "Hvornår skal jeg melde flytning?",
        "Hvordan søger jeg om byggetilladelse til en carport?",
    ]
    assert [[o["kind"] for o in t.outcomes] for t in turns] == [
        [],
        ["answer"],
        ["feedback"],
        ["answer"],
        ["escalation"],
    ]
    assert turns[1].outcomes[0]["guide_id"] == sources(passport)[0]["guide_id"]
    figures = rates({session_id: turns})
    masked = say(settings, "mit cpr-nummer er 010190-1234, hvad gør jeg", session_id)
    assert masked["messages"][0]["text"].startswith("Jeg har fjernet dit CPR-nummer")
    stored = load_conversations(settings.tracker_database_url, [session_id])[session_id]
    assert stored[-1].text == "mit cpr-nummer er [CPR-nummer fjernet], hvad gør jeg"
    assert not any("010190" in t.text for t in stored)
    assert (figures.answers, figures.escalations, figures.not_helpful) == (2, {"out_of_scope": 1}, 1)

    # Every common CPR form, then the databases themselves and every log: not one is readable.
    # New conversations every ten forms keep each under the per-conversation rate limit.
    for start in range(0, len(CPR_FORMS), 10):
        form_session = None
        for form in CPR_FORMS[start : start + 10]:
            reply = say(settings, form, form_session)
            form_session = reply["session_id"]
            assert reply["messages"][0]["text"].startswith("Jeg har fjernet dit CPR-nummer"), form
    history = httpx.get(
        f"http://127.0.0.1:{settings.gateway_port}/api/v1/chat/{session_id}/history",
        params={"municipality": "kalundborg"},
        timeout=10,
    ).json()
    assert sum(m["text"] == "Hvad koster et pas til en voksen?" for m in history["messages"]) == 1
    databases = {settings.gateway_database_url, settings.tracker_database_url}
    stored = list(stored_strings(databases))
    assert any("[CPR-nummer fjernet]" in text for _, text in stored), "the masked messages are stored"
    assert find_cpr_numbers(["010190-1234", *CPR_FORMS], [*stored, *log_lines(settings.log_dir)]) == []
