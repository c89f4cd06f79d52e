"""Idle conversations are forgotten: transcript and session, never an active one."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import update

from bot.main import create_app
from bot.sessions import SqlSessionStore, make_engine, sessions_table
from core.settings import Settings
from tests.fakes import FakeRasa


def idle_for(store: SqlSessionStore, session_id: str, days: int) -> None:
    with store.engine.begin() as conn:
        conn.execute(
            update(sessions_table)
            .where(sessions_table.c.id == session_id)
            .values(last_seen_at=datetime.now(UTC) - timedelta(days=days))
        )


def test_forget_before_deletes_idle_sessions_with_their_transcripts(settings: Settings) -> None:
    store = SqlSessionStore(make_engine(settings.gateway_database_url))
    old, recent = store.create("kalundborg"), store.create("kalundborg")
    for session in (old, recent):
        store.append(session.id, [("citizen", {"text": "Hvad koster et pas?"}), ("bot", {"text": "891 kr."})])
    idle_for(store, old.id, days=40)
    assert store.forget_before(datetime.now(UTC) - timedelta(days=30)) == 1
    assert store.get(old.id) is None and store.history(old.id) == []
    assert store.get(recent.id) is not None and len(store.history(recent.id)) == 2


def test_the_gateway_forgets_idle_conversations_when_it_starts(settings: Settings) -> None:
    store = SqlSessionStore(make_engine(settings.gateway_database_url))
    old = store.create("kalundborg")
    store.append(old.id, [("citizen", {"text": "hej"})])
    idle_for(store, old.id, days=31)
    with TestClient(create_app(settings, rasa=FakeRasa())) as client:
        deadline = time.monotonic() + 10
        while store.get(old.id) is not None and time.monotonic() < deadline:
            time.sleep(0.05)
        gone = client.get(f"/api/v1/chat/{old.id}/history", params={"municipality": "kalundborg"})
    assert gone.status_code == 404, "a forgotten conversation is gone for the widget too"
