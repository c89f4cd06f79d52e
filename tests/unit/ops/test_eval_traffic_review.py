"""make eval's weekly review of its own traffic: the consumer catches up, one report per municipality talked to."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import insert, text

from bot.analytics.rasa_tables import broker_events_table
from bot.sessions import make_engine as make_plain_engine
from core.settings import Settings
from ops.database import upgrade
from ops.eval import traffic_review
from tests.unit.bot.analytics.rasa_events import Conversation
from tests.unit.bot.analytics.test_consumer import BROKER_DDL


def test_the_review_holds_this_weeks_conversations_of_each_municipality(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = Settings(var_dir=tmp_path)
    upgrade(settings.gateway_database_url)
    assert settings.broker_database_url is not None
    broker = make_plain_engine(settings.broker_database_url)
    now = datetime.now(UTC).timestamp()
    first = Conversation("a" * 32, now - 60).start_session()
    first.answer("Hvad koster et pas?", "ask_pas", "pas-pris", "pas")
    second = Conversation("b" * 32, now - 30, "hoeje-taastrup").start_session()
    second.hand_over("min mor skal flytte på plejehjem", "ask_flytning", "no_answer")
    with broker.begin() as connection:
        connection.execute(text(BROKER_DDL))
        for event in [*first.events, *second.events]:
            connection.execute(insert(broker_events_table).values(sender_id=event["sender_id"], data=json.dumps(event)))
    broker.dispose()
    monkeypatch.setattr(traffic_review, "screenshot", lambda html: None)

    written = traffic_review.review_traffic(settings, tmp_path / "out", None)

    pages = sorted(p.name for p in written if p.suffix == ".html")
    week = traffic_review.iso_week(datetime.now(UTC))
    assert pages == [f"hoeje-taastrup-{week}.html", f"kalundborg-{week}.html"]
    kalundborg = (tmp_path / "out" / f"kalundborg-{week}.html").read_text(encoding="utf-8")
    assert "Kalundborg" in kalundborg
    assert any(p.suffix == ".csv" for p in written)
    # Read once: a second run finds nothing new and writes the same reports.
    again = traffic_review.review_traffic(settings, tmp_path / "out", None)
    assert sorted(p.name for p in again) == sorted(p.name for p in written)
