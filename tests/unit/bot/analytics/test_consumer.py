"""The SQL-broker consumer on SQLite files: Rasa's broker table filled by hand, the migrated app database."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, event, insert, select, text, update

from bot.analytics.consumer import CHECKPOINT, SqlBrokerConsumer
from bot.analytics.rasa_tables import broker_events_table as broker_events
from bot.analytics.tables import checkpoints_table, pending_table, turns_table
from bot.analytics.turns import TurnBuilder
from bot.analytics.writer import FORGET_AFTER, STALE_AFTER, TurnWriter, read_checkpoint
from bot.sessions import make_engine as make_plain_engine
from kb.content.engine import make_engine
from ops.database import upgrade
from tests.unit.bot.analytics.rasa_events import Conversation

START = datetime(2026, 11, 30, 9, 15, tzinfo=UTC).timestamp()
# Rasa's own DDL for its SQL broker table (rasa.core.brokers.sql.SQLBrokerEvent), as Rasa 3.6 makes it.
BROKER_DDL = "CREATE TABLE events (id INTEGER NOT NULL PRIMARY KEY, sender_id VARCHAR(255), data TEXT)"


@dataclass
class Databases:
    app: Engine
    broker: Engine
    app_url: str
    broker_url: str

    def publish(self, events: list[dict[str, Any]]) -> None:
        """As Rasa's SQL broker does: one row per event, its JSON in `data`."""
        with self.broker.begin() as conn:
            for published in events:
                conn.execute(insert(broker_events).values(sender_id=published["sender_id"], data=json.dumps(published)))

    def turns(self) -> list[dict[str, Any]]:
        query = select(turns_table).order_by(turns_table.c.conversation_id, turns_table.c.turn_index)
        with self.app.connect() as conn:
            return [{k: v for k, v in row.items() if k != "id"} for row in conn.execute(query).mappings()]

    def checkpoint(self) -> str | None:
        with self.app.connect() as conn:
            return read_checkpoint(conn, CHECKPOINT)


@pytest.fixture
def dbs(tmp_path: Path) -> Iterator[Databases]:
    app_url, broker_url = f"sqlite:///{tmp_path / 'borgerbot.db'}", f"sqlite:///{tmp_path / 'events.db'}"
    upgrade(app_url)
    databases = Databases(make_engine(app_url), make_plain_engine(broker_url), app_url, broker_url)
    with databases.broker.begin() as conn:
        conn.execute(text(BROKER_DDL))
    yield databases
    databases.app.dispose()
    databases.broker.dispose()


def consumer(dbs: Databases, batch_size: int = 200) -> SqlBrokerConsumer:
    return SqlBrokerConsumer(dbs.broker, dbs.app, TurnWriter("kalundborg"), batch_size=batch_size)


def two_conversations() -> tuple[Conversation, Conversation]:
    """Interleaved, as Rasa publishes two citizens' messages: an answer and "Ja"; a miss and a hand-over."""
    first, second = Conversation("a" * 32, START).start_session(), Conversation("b" * 32, START + 1, "hoeje-taastrup")
    second.start_session()
    first.answer("Hvad koster et pas?", "ask_pas", "pas-pris", "pas")
    second.clarification("noget med flytning af min mor", "ask_flytning", "low_confidence", "flytning-anmeld", 0.38)
    first.feedback(True, "pas-pris")
    second.hand_over("min mor skal flytte på plejehjem", "ask_flytning", "no_answer")
    return first, second


def interleaved(*talks: Conversation) -> list[dict[str, Any]]:
    return sorted((e for talk in talks for e in talk.events), key=lambda e: e["timestamp"])


def expected_rows(*talks: Conversation) -> list[dict[str, Any]]:
    rows = [row for talk in talks for row in TurnBuilder(talk.sender_id, None, "kalundborg").feed(talk.events).rows]
    return sorted(rows, key=lambda r: (r["conversation_id"], r["turn_index"]))


def comparable(rows: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    return [(r["event_key"], r["turn_index"], r["outcome"], r["reason"], r["feedback"], r["topic"]) for r in rows]


def test_every_event_becomes_its_turn_and_the_checkpoint_is_the_last_row(dbs: Databases) -> None:
    talks = two_conversations()
    events = interleaved(*talks)
    dbs.publish(events)
    counts = consumer(dbs).consume_batch()
    assert (counts.events, counts.turns, counts.feedback, counts.conversations) == (len(events), 4, 1, 2)
    rows = dbs.turns()
    assert comparable(rows) == comparable(expected_rows(*talks))
    assert [(r["outcome"], r["feedback"], r["municipality"]) for r in rows] == [
        ("answer", "ja", "kalundborg"),
        ("feedback", None, "kalundborg"),
        ("clarification", None, "hoeje-taastrup"),
        ("escalation", None, "hoeje-taastrup"),
    ]
    assert rows[0]["at"] == datetime.fromtimestamp(float(rows[0]["event_key"].split(":")[1]), UTC)
    assert dbs.checkpoint() == str(len(events))
    assert consumer(dbs).consume_batch().events == 0, "caught up"


def test_the_checkpoint_resumes_after_a_restart_and_new_events_follow(dbs: Databases) -> None:
    first, second = two_conversations()
    dbs.publish(interleaved(first, second))
    consumer(dbs, batch_size=10).consume_batch()
    assert dbs.checkpoint() == "10"
    # A new process: it starts from the checkpoint, not from the start.
    restarted = consumer(dbs, batch_size=10)
    while restarted.consume_batch().events:
        pass
    mark = len(first.events)
    first.hours("hvornår har I åbent i morgen?")
    dbs.publish(first.events[mark:])
    restarted.consume_batch()
    assert comparable(dbs.turns()) == comparable(expected_rows(first, second))
    assert [r["outcome"] for r in dbs.turns() if r["conversation_id"] == first.sender_id] == [
        "answer",
        "feedback",
        "hours",
    ]


def pending_states(dbs: Databases) -> dict[str, Any]:
    with dbs.app.connect() as conn:
        return dict(conn.execute(select(pending_table.c.conversation_id, pending_table.c.state)).tuples().all())


def test_events_read_again_write_nothing_new(dbs: Databases) -> None:
    events = interleaved(*two_conversations())
    dbs.publish(events)
    consumer(dbs).consume_batch()
    before = dbs.turns()
    states = pending_states(dbs)
    for position in ("0", str(len(events) // 2)):
        with dbs.app.begin() as conn:
            conn.execute(update(checkpoints_table).values(position=position))
        counts = consumer(dbs).consume_batch()
        assert (counts.turns, counts.skipped) == (0, len(events) - int(position))
    assert dbs.turns() == before
    with dbs.app.connect() as conn:
        assert (
            dict(conn.execute(select(pending_table.c.conversation_id, pending_table.c.state)).tuples().all()) == states
        )


def test_a_crash_between_batches_loses_nothing_and_doubles_nothing(dbs: Databases) -> None:
    talks = two_conversations()
    dbs.publish(interleaved(*talks))
    commits = {"n": 0}

    def crash_on_the_third_commit(conn: Any) -> None:
        commits["n"] += 1
        if commits["n"] == 3:
            raise RuntimeError("the process died here")

    event.listen(dbs.app, "commit", crash_on_the_third_commit)
    crashing = consumer(dbs, batch_size=7)
    with pytest.raises(RuntimeError, match="died"):
        while crashing.consume_batch().events:
            pass
    event.remove(dbs.app, "commit", crash_on_the_third_commit)
    assert dbs.checkpoint() == "14", "the batch that crashed is not counted as read"
    again = consumer(dbs, batch_size=7)
    while again.consume_batch().events:
        pass
    assert comparable(dbs.turns()) == comparable(expected_rows(*talks))


def test_a_turn_left_open_is_ended_later_and_an_idle_state_is_rebuilt_from_its_turns(dbs: Databases) -> None:
    talk = Conversation("c" * 32, START).start_session()
    talk.answer("hvad koster et pas", "ask_pas", "pas-pris", "pas")
    talk.user("tak", "thanks")
    talk.bot("Det var så lidt.")  # ... and its action_listen never comes
    dbs.publish(talk.events)
    reader = consumer(dbs)
    reader.consume_batch()
    assert [r["outcome"] for r in dbs.turns()] == ["answer"]
    now = datetime.now(UTC)
    reader.maintenance(now + STALE_AFTER / 2)
    assert [r["outcome"] for r in dbs.turns()] == ["answer"], "not stale yet"
    reader.maintenance(now + STALE_AFTER + timedelta(seconds=1))
    assert [r["outcome"] for r in dbs.turns()] == ["answer", "other"]
    reader.maintenance(now + STALE_AFTER + FORGET_AFTER + timedelta(minutes=1))
    with dbs.app.connect() as conn:
        assert conn.execute(select(pending_table)).all() == [], "idle states are forgotten"
    # The citizen comes back: numbering and the answer to judge come from the turns written.
    mark = len(talk.events)
    talk.feedback(False, "pas-pris")
    dbs.publish(talk.events[mark:])
    reader.consume_batch()
    rows = dbs.turns()
    assert [(r["turn_index"], r["outcome"], r["feedback"]) for r in rows] == [
        (0, "answer", "nej"),
        (1, "other", None),
        (2, "feedback", None),
    ]


def test_before_rasa_made_its_table_there_is_nothing_to_read(tmp_path: Path, dbs: Databases) -> None:
    empty = make_plain_engine(f"sqlite:///{tmp_path / 'not-yet.db'}")
    assert SqlBrokerConsumer(empty, dbs.app, TurnWriter("kalundborg")).consume_batch().events == 0
    empty.dispose()


def test_a_row_that_is_not_an_event_is_passed_over(dbs: Databases) -> None:
    talk = Conversation("d" * 32, START).start_session()
    talk.greeting()
    with dbs.broker.begin() as conn:
        conn.execute(insert(broker_events).values(sender_id="x", data="{not json"))
    dbs.publish(talk.events)
    consumer(dbs).consume_batch()
    assert [r["outcome"] for r in dbs.turns()] == ["other"]
    assert dbs.checkpoint() == str(len(talk.events) + 1)


def test_the_command_consumes_until_caught_up(dbs: Databases, tmp_path: Path) -> None:
    talks = two_conversations()
    dbs.publish(interleaved(*talks))
    # The default files under var/: the app database borgerbot.db, the broker's events.db.
    env = {k: v for k, v in os.environ.items() if not k.startswith("BORGERBOT_")}
    env.update({"BORGERBOT_VAR_DIR": str(tmp_path), "PYTHONPATH": str(Path.cwd())})
    result = subprocess.run(
        [sys.executable, "-m", "bot.analytics", "consume", "--once"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert comparable(dbs.turns()) == comparable(expected_rows(*talks))
    logged = [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]
    consumed = [line for line in logged if line["event"] == "analytics.consumed"]
    assert consumed and consumed[0]["turns"] == 4 and consumed[0]["events"] == sum(len(t.events) for t in talks)
