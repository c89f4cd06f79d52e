"""Retention over the four stores in real SQLite files: exactly what is due is deleted everywhere,
counted in the log without ids or content; one conversation deleted on request, audited."""

from __future__ import annotations

import logging
from collections.abc import Collection, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError

from bot.analytics.__main__ import main
from bot.analytics.retention import (
    CONVERSATION_DELETE,
    DEFAULT_RETENTION_DAYS,
    RetentionError,
    apply_retention,
    delete_conversation,
    main_retention,
    plan_retention,
    unknown_retention_days,
)
from bot.analytics.retention_stores import ConversationStore, Seen, SqlConversationStore, TrackerStore
from core.log import JsonFormatter
from core.settings import Settings
from kb.content.audit import entries
from kb.content.engine import make_engine
from ops.database import upgrade
from tests.unit.bot.analytics.conversations import (
    NOW,
    QUESTION,
    REPLY,
    RETENTION,
    Databases,
    conversation_id,
    due_ids,
    left,
    municipalities,
    seed,
    seed_scenario,
    shipped_databases,
)


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Databases]:
    app_url = f"sqlite:///{tmp_path / 'borgerbot.db'}"
    upgrade(app_url)
    engines = Databases(
        app=make_engine(app_url),
        tracker=make_engine(f"sqlite:///{tmp_path / 'tracker.db'}"),
        broker=make_engine(f"sqlite:///{tmp_path / 'events.db'}"),
    )
    engines.prepare()
    yield engines
    for engine in (engines.app, engines.tracker, engines.broker):
        engine.dispose()


def logged(caplog: pytest.LogCaptureFixture) -> str:
    """Every captured record as the JSON line the processes write."""
    formatter = JsonFormatter()
    return "\n".join(formatter.format(record) for record in caplog.records)


def assert_no_citizen_data(lines: str, ids: Collection[str]) -> None:
    assert lines, "something was logged"
    for secret in (*ids, QUESTION, REPLY):
        assert secret not in lines


def test_exactly_what_is_due_is_deleted_from_every_store(db: Databases, caplog: pytest.LogCaptureFixture) -> None:
    keep = seed_scenario(db)
    every_id = set().union(*left(db).values())
    with caplog.at_level(logging.INFO, logger="bot.analytics"):
        report = apply_retention(db.stores(), municipalities(RETENTION), NOW)
    assert left(db) == keep
    assert not due_ids() & set().union(*left(db).values()), "nothing due is left anywhere"
    assert report.due == {"hoeje-taastrup": 1, "kalundborg": 2, "unknown": 1}
    assert report.deleted == {
        "tracker": {"hoeje-taastrup": 1, "kalundborg": 1, "unknown": 1},
        "broker": {"hoeje-taastrup": 1, "kalundborg": 1, "unknown": 1},
        "analytics": {"hoeje-taastrup": 1, "kalundborg": 2},
        "gateway": {"hoeje-taastrup": 1, "kalundborg": 1},
    }
    # Two events per conversation in Rasa's stores; analytics one turn each; the gateway a session and two messages.
    assert report.rows == {"tracker": 6, "broker": 6, "analytics": 3, "gateway": 6}
    assert report.failed == ()
    [record] = [r for r in caplog.records if r.getMessage() == "retention.deleted"]
    assert record.__dict__["conversations"] == report.due
    assert record.__dict__["stores"] == report.deleted
    assert_no_citizen_data(logged(caplog), every_id)


def test_a_second_run_finds_nothing_more(db: Databases) -> None:
    seed_scenario(db)
    apply_retention(db.stores(), municipalities(RETENTION), NOW)
    after = left(db)
    report = apply_retention(db.stores(), municipalities(RETENTION), NOW)
    assert report.due == {} and sum(report.rows.values()) == 0
    assert left(db) == after


def test_the_boundary_is_the_retention_itself(db: Databases) -> None:
    on_the_day, just_over = conversation_id("on-the-day"), conversation_id("just-over")
    seed(db, on_the_day, "kalundborg", NOW - timedelta(days=14))
    seed(db, just_over, "kalundborg", NOW - timedelta(days=14, seconds=1))
    plan = plan_retention(db.stores(), municipalities(RETENTION), NOW)
    assert set(plan.municipality) == {just_over}


def test_an_unknown_conversation_keeps_the_default_when_every_municipality_keeps_less(db: Databases) -> None:
    short = municipalities({"kalundborg": 14, "hoeje-taastrup": 30})
    assert unknown_retention_days(short) == DEFAULT_RETENTION_DAYS == 90
    assert unknown_retention_days(municipalities({"kalundborg": 14, "hoeje-taastrup": 200})) == 200
    kept, due = conversation_id("unknown-89"), conversation_id("unknown-91")
    seed(db, kept, None, NOW - timedelta(days=89), ("tracker", "broker"))
    seed(db, due, None, NOW - timedelta(days=91), ("tracker", "broker"))
    apply_retention(db.stores(), short, NOW)
    assert left(db)["tracker"] == left(db)["broker"] == {kept}


def test_a_municipality_no_longer_known_keeps_the_longest_retention(db: Databases) -> None:
    gone = conversation_id("former-municipality")
    seed(db, gone, "lukket-kommune", NOW - timedelta(days=100))
    report = apply_retention(db.stores(), municipalities(RETENTION), NOW)
    assert report.due == {} and gone in left(db)["sessions"]
    report = apply_retention(db.stores(), municipalities(RETENTION), NOW + timedelta(days=21))
    assert report.due == {"lukket-kommune": 1} and gone not in set().union(*left(db).values())


def test_a_dry_run_counts_and_deletes_nothing(db: Databases, caplog: pytest.LogCaptureFixture) -> None:
    seed_scenario(db)
    before = left(db)
    with caplog.at_level(logging.INFO, logger="bot.analytics"):
        report = apply_retention(db.stores(), municipalities(RETENTION), NOW, dry_run=True)
    assert left(db) == before
    assert report.dry_run and report.due == {"hoeje-taastrup": 1, "kalundborg": 2, "unknown": 1}
    assert sum(report.rows.values()) == 0
    assert [r.getMessage() for r in caplog.records] == ["retention.due"]


class FailingDelete:
    """A store that finds conversations but whose database refuses the delete (the error names the ids)."""

    def __init__(self, store: SqlConversationStore) -> None:
        self.store = store
        self.name = store.name

    def conversations_older_than(self, cutoff: datetime) -> dict[str, Seen]:
        return self.store.conversations_older_than(cutoff)

    def last_seen(self, conversation_ids: Collection[str]) -> dict[str, Seen]:
        return self.store.last_seen(conversation_ids)

    def delete(self, conversation_ids: Collection[str]) -> int:
        raise OperationalError("DELETE FROM events WHERE sender_id IN (?)", list(conversation_ids), Exception("locked"))


def test_a_store_that_fails_is_reported_and_the_others_are_still_deleted(
    db: Databases, caplog: pytest.LogCaptureFixture
) -> None:
    keep = seed_scenario(db)
    tracker, *others = db.stores()
    stores: list[ConversationStore] = [FailingDelete(tracker), *others]
    every_id = set().union(*left(db).values())
    with caplog.at_level(logging.INFO, logger="bot.analytics"):
        report = apply_retention(stores, municipalities(RETENTION), NOW)
    assert report.failed == ("tracker",) and report.deleted["tracker"] == {}
    assert left(db)["broker"] == keep["broker"] and left(db)["sessions"] == keep["sessions"]
    assert left(db)["tracker"] - keep["tracker"] == due_ids() - {conversation_id("leftover-due")}
    assert "locked" in logged(caplog)
    assert_no_citizen_data(logged(caplog), every_id)
    # The next run finds what the tracker store kept, though every other store has forgotten it.
    apply_retention(db.stores(), municipalities(RETENTION), NOW)
    assert left(db) == keep


def test_a_conversation_is_deleted_everywhere_on_request_and_audited(
    db: Databases, caplog: pytest.LogCaptureFixture
) -> None:
    seed_scenario(db)
    before = left(db)
    target = conversation_id("kalundborg-kept")
    with caplog.at_level(logging.INFO, logger="bot.analytics"):
        rows = delete_conversation(db.stores(), target, "admin", db.app)
    assert rows == {"tracker": 2, "broker": 2, "analytics": 1, "gateway": 3}
    assert left(db) == {table: ids - {target} for table, ids in before.items()}
    [entry] = entries(db.app)
    assert (entry.actor, entry.action, entry.target) == ("admin", CONVERSATION_DELETE, target)
    assert (entry.municipality, entry.details) == ("kalundborg", {"rows": rows})
    assert_no_citizen_data(logged(caplog), [target])


def test_deleting_an_unknown_conversation_changes_nothing(db: Databases) -> None:
    seed_scenario(db)
    before = left(db)
    rows = delete_conversation(db.stores(), conversation_id("never-seen"), "admin", db.app)
    assert set(rows.values()) == {0}
    assert left(db) == before and entries(db.app) == []


def test_a_deletion_on_request_that_fails_somewhere_says_so_and_audits_what_was_done(db: Databases) -> None:
    seed_scenario(db)
    target = conversation_id("kalundborg-kept")
    tracker, *others = db.stores()
    with pytest.raises(RetentionError, match="tracker"):
        delete_conversation([FailingDelete(tracker), *others], target, "admin", db.app)
    [entry] = entries(db.app)
    assert entry.details == {"rows": {"broker": 2, "analytics": 1, "gateway": 3}, "failed": ["tracker"]}
    assert target in left(db)["tracker"] and target not in left(db)["sessions"]


def test_stores_whose_tables_do_not_exist_yet_hold_nothing(tmp_path: Path) -> None:
    empty: Engine = make_engine(f"sqlite:///{tmp_path / 'empty.db'}")
    bare = Databases(app=empty, tracker=empty, broker=empty)
    report = apply_retention(bare.stores(), municipalities(RETENTION), NOW)
    assert report.due == {} and set(report.rows.values()) == {0}
    assert set(delete_conversation(bare.stores(), conversation_id("x"), "admin", empty).values()) == {0}
    empty.dispose()


def test_the_command_counts_on_a_dry_run_and_deletes_otherwise(
    settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    db = shipped_databases(settings)
    now = datetime.now(UTC)
    old, recent = conversation_id("91-days"), conversation_id("89-days")
    seed(db, old, "kalundborg", now - timedelta(days=91))
    seed(db, recent, "kalundborg", now - timedelta(days=89))
    before = left(db)
    assert main_retention(["--dry-run"]) == 0
    assert left(db) == before
    assert "gateway: 1 samtaler skal slettes (kalundborg 1)" in capsys.readouterr().out
    assert main_retention([]) == 0
    assert "tracker: 1 samtaler slettet (kalundborg 1), 2 rækker" in capsys.readouterr().out
    assert all(old not in ids and recent in ids for table, ids in left(db).items() if table != "analytics_pending")
    for engine in (db.app, db.tracker, db.broker):
        engine.dispose()


def test_python_m_bot_analytics_retention_runs_the_command(
    settings: Settings, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The subcommand hands its arguments to main_retention: its summary and exit code, 1 when a store fails."""
    db = shipped_databases(settings)
    old = conversation_id("91-days")
    seed(db, old, "kalundborg", datetime.now(UTC) - timedelta(days=91))
    before = left(db)
    assert main(["retention", "--dry-run"]) == 0
    assert left(db) == before
    assert "broker: 1 samtaler skal slettes (kalundborg 1)\n" in capsys.readouterr().out

    def refuse(self: TrackerStore, conversation_ids: Collection[str]) -> int:
        raise OperationalError("DELETE FROM events", {}, Exception("locked"))

    monkeypatch.setattr(TrackerStore, "delete", refuse)
    assert main(["retention"]) == 1
    out = capsys.readouterr().out
    assert "tracker: kunne ikke slette (se loggen)" in out
    assert "analytics: 1 samtaler slettet (kalundborg 1), 1 rækker" in out
    assert old in left(db)["tracker"] and old not in left(db)["sessions"]
    with pytest.raises(SystemExit) as exit_info:
        main(["retention", "--now"])
    assert exit_info.value.code == 2
    for engine in (db.app, db.tracker, db.broker):
        engine.dispose()
