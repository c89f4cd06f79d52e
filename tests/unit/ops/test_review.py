"""The weekly review counts the messages the gateway answered in another language."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient

from bot.main import create_app
from bot.sessions import languages_redirected, make_engine
from core.settings import Settings
from ops.review import Rates, report
from tests.fakes import FakeRasa


def test_review_counts_other_languages_from_the_gateway_transcript(settings: Settings) -> None:
    with TestClient(create_app(settings, rasa=FakeRasa())) as client:
        for message in (
            "How do I renew my passport?",
            "Wie kann ich meinen Reisepass verlängern?",
            "Hvad koster et pas?",
        ):
            client.post("/api/v1/chat", json={"municipality": "kalundborg", "message": message})
    engine = make_engine(settings.gateway_database_url)
    week_ago = datetime.now(UTC) - timedelta(days=7)
    assert languages_redirected(engine, week_ago) == Counter({"en": 1, "de": 1})
    assert languages_redirected(engine, datetime.now(UTC) + timedelta(minutes=1)) == Counter()
    empty = Rates(
        conversations=0,
        turns=0,
        answers=0,
        clarifications=0,
        escalations={},
        helpful=0,
        not_helpful=0,
        comments=0,
        escalated_conversations=0,
    )
    assert "messages in other languages 2 (en 1, de 1)" in report(empty, 7, languages_redirected(engine, week_ago))
