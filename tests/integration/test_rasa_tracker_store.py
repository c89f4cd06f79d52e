"""Our SQL tracker store (ops/rasa_tracker_store.py) in Rasa's own environment, beside Rasa's own.

Both save the same conversation, turn by turn and across a new session, into SQLite files of their
own; the broker must receive the same events from both, and the stored trackers must be the same.
"""

from __future__ import annotations

import json
import os
import subprocess
import textwrap
from pathlib import Path

import pytest

from core.settings import Settings

pytestmark = pytest.mark.integration

COMPARE = textwrap.dedent(
    """
    import asyncio, json, sys
    from rasa.core.brokers.broker import EventBroker
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, SlotSet, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker
    from ops.rasa_tracker_store import CountingSQLTrackerStore

    class Collect(EventBroker):
        def __init__(self):
            self.published = []
        def publish(self, event):
            self.published.append(event)

    def turn(text, ts):
        return [UserUttered(text, timestamp=ts), ActionExecuted("action_answer", timestamp=ts + 0.1),
                BotUttered("svar", timestamp=ts + 0.2), SlotSet("last_topic", "pas", timestamp=ts + 0.3),
                ActionExecuted("action_listen", timestamp=ts + 0.4)]

    async def run(cls, db):
        broker = Collect()
        store = cls(Domain.empty(), dialect="sqlite", db=db, event_broker=broker)
        published, stored = [], []
        tracker = DialogueStateTracker("citizen", [])
        plan = [turn("hvad koster et pas", 10.0), turn("og for børn", 20.0),
                [ActionExecuted("action_session_start", timestamp=30.0), SessionStarted(timestamp=30.1)]
                + turn("flytning", 31.0), turn("tak", 40.0)]
        for events in plan:
            tracker = await store.retrieve("citizen") or DialogueStateTracker("citizen", [])
            for event in events:
                tracker.update(event)
            await store.save(tracker)
            published.append([e["event"] + ":" + str(e["timestamp"]) for e in broker.published])
            broker.published.clear()
            saved = await store.retrieve_full_tracker("citizen")
            stored.append(len(saved.events))
        return {"published": published, "stored": stored}

    async def main():
        ours = await run(CountingSQLTrackerStore, sys.argv[1])
        rasas = await run(SQLTrackerStore, sys.argv[2])
        print(json.dumps({"ours": ours, "rasa": rasas}))

    asyncio.run(main())
    """
)


def test_the_broker_gets_the_same_events_as_from_rasas_own_store(tmp_path: Path) -> None:
    settings = Settings()
    env = {**os.environ, "PYTHONPATH": str(settings.project_root), "RASA_TELEMETRY_ENABLED": "false"}
    result = subprocess.run(
        [
            str(settings.rasa_venv / "bin" / "python"),
            "-c",
            COMPARE,
            str(tmp_path / "ours.db"),
            str(tmp_path / "rasa.db"),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    assert figures["ours"] == figures["rasa"]
    published = figures["ours"]["published"]
    assert [len(turn) for turn in published] == [5, 5, 7, 5], "each save streams that turn's events only"
    assert figures["ours"]["stored"] == [5, 10, 17, 22]
