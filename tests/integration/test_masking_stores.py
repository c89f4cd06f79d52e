"""Generated CPR sentences through the real gateway, Rasa server and action server: none is kept anywhere.

Three sentences for every separator class, in random layouts, digit scripts and Danish
sentences (seeded, so a failure can be replayed), then every form of the corpus; then every
table of both databases and every log line is read back, JSON and repr escapes decoded,
and not one number is readable.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.masking import CPR_MASK
from tests.integration.conftest import stack_settings
from tests.integration.stored_text import find_cpr_numbers, log_lines, readable, stored_strings
from tests.masking_corpus import CPR_FORMS, SEPARATORS, cpr_digits, random_cpr_sentence

pytestmark = pytest.mark.integration

SEED = 13
PER_SEPARATOR_KIND = 3
# Spread over conversations so none reaches the gateway's limit of 20 messages a minute.
SESSIONS = 6


def messages_to_send() -> list[tuple[str, str]]:
    """(sentence, its CPR number): three generated for every separator class, then the corpus's forms."""
    rng = random.Random(SEED)
    generated = [random_cpr_sentence(rng, kind) for kind in sorted(SEPARATORS) for _ in range(PER_SEPARATOR_KIND)]
    return [*generated, *((form, cpr_digits(form)) for form in CPR_FORMS)]


def say(port: int, message: str, session_id: str | None) -> dict[str, Any]:
    body: dict[str, Any] = {"municipality": "kalundborg", "message": message}
    if session_id:
        body["session_id"] = session_id
    response = httpx.post(f"http://127.0.0.1:{port}/api/v1/chat", json=body, timeout=60)
    assert response.status_code == 200, response.text
    reply: dict[str, Any] = response.json()
    return reply


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
def test_no_generated_cpr_number_is_readable_in_any_store_or_log(
    database: str, tmp_path: Path, trained_model: Path, start_stack: Any, request: pytest.FixtureRequest
) -> None:
    database_url = request.getfixturevalue("postgres_url") if database == "postgresql" else None
    settings = stack_settings(tmp_path / "var", database_url)
    start_stack(settings, trained_model)
    messages = messages_to_send()

    sessions: list[str | None] = [None] * SESSIONS
    for index, (sentence, cpr) in enumerate(messages):
        reply = say(settings.gateway_port, sentence, sessions[index % SESSIONS])
        sessions[index % SESSIONS] = reply["session_id"]
        assert reply["messages"][0]["text"].startswith("Jeg har fjernet dit CPR-nummer"), sentence
        assert cpr not in readable("\n".join(m["text"] for m in reply["messages"])), sentence

    history = [
        httpx.get(
            f"http://127.0.0.1:{settings.gateway_port}/api/v1/chat/{session_id}/history",
            params={"municipality": "kalundborg"},
            timeout=10,
        ).json()
        for session_id in sessions
    ]
    shown = [("history", m["text"]) for h in history for m in h["messages"]]
    stored = list(stored_strings({settings.gateway_database_url, settings.tracker_database_url}))
    assert sum(CPR_MASK in text for _, text in shown) >= len(messages), "every masked message is in the history"
    assert any(CPR_MASK in text for _, text in stored), "the masked messages are stored"
    sentences = [sentence for sentence, _ in messages]
    assert find_cpr_numbers(sentences, [*shown, *stored, *log_lines(settings.log_dir)]) == []
