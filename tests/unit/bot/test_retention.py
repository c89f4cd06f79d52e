"""The gateway applies each municipality's retention over every store at start-up and then hourly,
and a failing round does not stop it."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Collection
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient

from bot.analytics.retention_stores import GatewayStore, Seen
from bot.main import create_app
from bot.retention import keep_retention
from core.settings import Settings
from kb.municipalities import Municipality
from tests.fakes import FakeRasa
from tests.unit.bot.analytics.conversations import conversation_id, left, municipalities, seed, shipped_databases


def test_the_gateway_deletes_what_is_due_from_every_store_when_it_starts(settings: Settings) -> None:
    db = shipped_databases(settings)
    now = datetime.now(UTC)
    # The shipped municipalities keep conversations the default 90 days.
    old, recent = conversation_id("91-days"), conversation_id("89-days")
    seed(db, old, "kalundborg", now - timedelta(days=91))
    seed(db, recent, "kalundborg", now - timedelta(days=89))
    with TestClient(create_app(settings, rasa=FakeRasa())) as client:
        deadline = time.monotonic() + 10
        while old in set().union(*left(db).values()) and time.monotonic() < deadline:
            time.sleep(0.05)
        gone = client.get(f"/api/v1/chat/{old}/history", params={"municipality": "kalundborg"})
        kept = client.get(f"/api/v1/chat/{recent}/history", params={"municipality": "kalundborg"})
    assert all(old not in ids and recent in ids for table, ids in left(db).items() if table != "analytics_pending")
    assert gone.status_code == 404, "a deleted conversation is gone for the widget too"
    assert kept.status_code == 200 and len(kept.json()["messages"]) == 2
    for engine in (db.app, db.tracker, db.broker):
        engine.dispose()


class FlakyStore:
    """The gateway's store, whose database is unreachable for the first round."""

    def __init__(self, store: GatewayStore) -> None:
        self.store, self.name, self.rounds = store, store.name, 0

    def conversations_older_than(self, cutoff: datetime) -> dict[str, Seen]:
        self.rounds += 1
        if self.rounds == 1:
            raise ConnectionError("database unreachable")
        return self.store.conversations_older_than(cutoff)

    def last_seen(self, conversation_ids: Collection[str]) -> dict[str, Seen]:
        return self.store.last_seen(conversation_ids)

    def delete(self, conversation_ids: Collection[str]) -> int:
        return self.store.delete(conversation_ids)


def test_a_failed_round_is_retried_with_the_municipality_data_of_then(settings: Settings) -> None:
    db = shipped_databases(settings)
    cid = conversation_id("20-days")
    seed(db, cid, "kalundborg", datetime.now(UTC) - timedelta(days=20), ("gateway",))
    store = FlakyStore(GatewayStore(db.app))
    # Kalundborg's retention is changed from 90 to 14 days in the admin between the two rounds.
    data = [municipalities({"kalundborg": 90}), municipalities({"kalundborg": 14})]

    def current() -> dict[str, Municipality]:
        return data[min(store.rounds, 1)]

    async def run() -> None:
        task = asyncio.create_task(keep_retention([store], current, interval=0.01))
        deadline = time.monotonic() + 10
        while cid in left(db)["sessions"] and time.monotonic() < deadline:
            await asyncio.sleep(0.01)
        task.cancel()

    asyncio.run(run())
    assert store.rounds >= 2 and cid not in left(db)["sessions"] | left(db)["messages"]
    db.app.dispose()
