"""The content store's contract: plain test functions over a ``store`` fixture (a migrated, empty
database), run on SQLite by ``test_store_sqlite.py`` and on PostgreSQL by the integration suite."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import inspect

from core.settings import PROJECT_ROOT
from kb.content import audit
from kb.content.errors import (
    ConflictError,
    GuideExistsError,
    GuideNotFoundError,
    GuideRetiredError,
    GuideValidationError,
    MunicipalityExistsError,
    MunicipalityNotFoundError,
    VersionNotFoundError,
)
from kb.content.markdown import guide_to_markdown
from kb.content.seed import SEED_ACTOR, SEED_NOTE, ImportCounts, import_shipped
from kb.content.source import MAX_SOURCE_CHARS
from kb.content.store import SqlContentStore
from kb.content.tables import metadata
from kb.municipalities import Municipality, load_municipalities
from kb.store import FileGuideStore, GuideStore
from tests.conftest import make_guide

KB_DIR = PROJECT_ROOT / "kb"
# The tables the staff admin's accounts module owns; the migration makes them too.
ADMIN_TABLES = {"admin_users", "admin_sessions"}


def source(guide_id: str = "pas-test", answer: str | None = None, scope: str = "national") -> str:
    return guide_to_markdown(make_guide(guide_id, answer=answer, scope=scope))


def actions(store: SqlContentStore) -> list[str]:
    """The audit log's actions, oldest first."""
    return [entry.action for entry in reversed(audit.entries(store.engine, limit=1000))]


def municipality(slug: str = "kalundborg", phone: str = "59 53 44 00") -> Municipality:
    shipped = load_municipalities(KB_DIR)["kalundborg"]
    return shipped.model_copy(update={"slug": slug, "phone": phone})


# --- the schema ---------------------------------------------------------------------------------


def test_migrated_schema_matches_the_tables_the_code_uses(store: SqlContentStore) -> None:
    inspector = inspect(store.engine)
    assert set(metadata.tables) | ADMIN_TABLES <= set(inspector.get_table_names())
    for table in metadata.tables.values():
        columns = {c["name"]: c for c in inspector.get_columns(table.name)}
        assert set(columns) == {c.name for c in table.columns}, table.name
        for column in table.columns:
            assert columns[column.name]["nullable"] == column.nullable, f"{table.name}.{column.name}"
        primary_key = inspector.get_pk_constraint(table.name)["constrained_columns"]
        assert primary_key == [c.name for c in table.primary_key.columns], table.name
    indexed = {(i["name"], tuple(i["column_names"])) for t in metadata.tables for i in inspector.get_indexes(t)}
    assert {("ix_content_guides_municipality", ("municipality",)), ("ix_audit_log_at", ("at",))} <= indexed


def test_admin_tables_are_as_docs_admin_md_describes_them(store: SqlContentStore) -> None:
    inspector = inspect(store.engine)
    users = {c["name"] for c in inspector.get_columns("admin_users")}
    assert users == {
        "id",
        "username",
        "full_name",
        "password_hash",
        "role",
        "municipality",
        "failed_logins",
        "locked_until",
        "active",
        "created_at",
    }
    assert any(u["column_names"] == ["username"] for u in inspector.get_unique_constraints("admin_users")) or any(
        i["unique"] and i["column_names"] == ["username"] for i in inspector.get_indexes("admin_users")
    )
    sessions = {c["name"] for c in inspector.get_columns("admin_sessions")}
    assert sessions == {"token_hash", "user_id", "created_at", "expires_at", "last_seen_at"}
    assert inspector.get_pk_constraint("admin_sessions")["constrained_columns"] == ["token_hash"]
    (foreign_key,) = inspector.get_foreign_keys("admin_sessions")
    assert foreign_key["referred_table"] == "admin_users" and foreign_key["constrained_columns"] == ["user_id"]


# --- guides: create, draft, publish ---------------------------------------------------------------


def test_a_new_store_is_empty(store: SqlContentStore) -> None:
    guides: GuideStore = store  # what the index reads guides through
    assert store.is_empty()
    assert guides.list_guides() == [] and store.records() == [] and store.municipalities() == {}
    assert store.revision() == 0
    assert store.record("pas-test") is None and store.version("pas-test", 1) is None


def test_a_new_guide_is_a_draft_citizens_do_not_get(store: SqlContentStore) -> None:
    version = store.save(source(), "anna", base_version=None, note="første udkast")
    assert (version.guide_id, version.number, version.author, version.note) == ("pas-test", 1, "anna", "første udkast")
    assert version.content_hash == make_guide("pas-test").content_hash
    record = store.record("pas-test")
    assert record is not None
    assert (record.status, record.published_version, record.latest_version) == ("draft", None, 1)
    assert record.has_unpublished_changes and not record.retired
    assert (record.title, record.topic, record.municipality, record.updated_by) == (
        "Vejledning pas-test",
        "pas",
        "national",
        "anna",
    )
    assert store.list_guides() == []
    assert store.revision() == 0
    assert not store.is_empty()


def test_publishing_makes_the_guide_live_and_bumps_the_revision(store: SqlContentStore) -> None:
    store.save(source(), "anna", base_version=None)
    record = store.publish("pas-test", "bo")
    assert (record.status, record.published_version, record.has_unpublished_changes) == ("published", 1, False)
    assert record.updated_by == "bo"
    assert store.list_guides() == [make_guide("pas-test")]
    assert store.revision() == 1
    store.publish("pas-test", "bo")  # already published: nothing changes
    assert store.revision() == 1
    assert actions(store) == [audit.GUIDE_CREATE, audit.GUIDE_PUBLISH]


def test_save_with_publish_is_live_at_once(store: SqlContentStore) -> None:
    store.save(source(), "anna", base_version=None, publish=True)
    assert store.list_guides() == [make_guide("pas-test")]
    assert store.revision() == 1


def test_citizens_keep_the_published_version_while_an_edit_is_a_draft(store: SqlContentStore) -> None:
    store.save(source(), "anna", base_version=None, publish=True)
    draft = store.save(source(answer="Et nyt svar."), "anna", base_version=1, note="nyt svar")
    assert draft.number == 2
    record = store.record("pas-test")
    assert record is not None
    assert (record.status, record.latest_version, record.published_version) == ("published", 2, 1)
    assert record.has_unpublished_changes
    assert store.list_guides() == [make_guide("pas-test")]
    assert store.revision() == 1
    store.publish("pas-test", "bo")
    assert store.list_guides() == [make_guide("pas-test", answer="Et nyt svar.")]
    assert store.revision() == 2


def test_an_older_version_can_be_published(store: SqlContentStore) -> None:
    store.save(source(), "anna", base_version=None)
    store.save(source(answer="Andet svar."), "anna", base_version=1)
    store.publish("pas-test", "bo", number=1)
    assert store.list_guides() == [make_guide("pas-test")]
    with pytest.raises(VersionNotFoundError, match="ingen version 7"):
        store.publish("pas-test", "bo", number=7)


def test_list_guides_is_sorted_by_id_and_only_live_guides(store: SqlContentStore) -> None:
    for guide_id in ("pas-c", "pas-a-b", "pas-ab", "pas-a"):
        store.save(source(guide_id), "anna", base_version=None, publish=True)
    store.save(source("pas-draft"), "anna", base_version=None)
    store.save(source("pas-retired"), "anna", base_version=None, publish=True)
    store.retire("pas-retired", "anna")
    assert [g.id for g in store.list_guides()] == ["pas-a", "pas-a-b", "pas-ab", "pas-c"]
    assert [r.id for r in store.records()] == ["pas-a", "pas-a-b", "pas-ab", "pas-c", "pas-draft", "pas-retired"]


# --- concurrency and idempotence ------------------------------------------------------------------


def test_a_save_on_a_stale_version_is_refused_and_writes_nothing(store: SqlContentStore) -> None:
    store.save(source(), "anna", base_version=None)
    annas = store.save(source(answer="Annas svar."), "anna", base_version=1)
    audit_before = actions(store)
    with pytest.raises(ConflictError) as refused:
        store.save(source(answer="Bos svar."), "bo", base_version=1)
    assert (refused.value.latest_version, refused.value.by, refused.value.at) == (2, "anna", annas.created_at)
    assert "Vejledningen er blevet gemt af anna kl." in str(refused.value)
    assert [v.number for v in store.versions("pas-test")] == [2, 1]
    record = store.record("pas-test")
    assert record is not None and (record.latest_version, record.updated_by) == (2, "anna")
    assert actions(store) == audit_before


def test_the_conflict_says_who_saved_and_when_in_copenhagen_time(store: SqlContentStore) -> None:
    saved_at = datetime(2026, 12, 2, 13, 5, tzinfo=UTC)  # 14.05 in Copenhagen (winter time)
    clocked = SqlContentStore(store.engine, clock=lambda: saved_at)
    clocked.save(source(), "anna", base_version=None)
    clocked.save(source(answer="Annas svar."), "anna", base_version=1)
    with pytest.raises(ConflictError) as refused:
        clocked.save(source(answer="Bos svar."), "bo", base_version=1)
    assert str(refused.value).startswith("Vejledningen er blevet gemt af anna kl. 14.05 siden du åbnede den")


def test_two_saves_on_the_same_version_at_once_one_wins(store: SqlContentStore) -> None:
    store.save(source(), "anna", base_version=None)
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def save(actor: str) -> None:
        barrier.wait()
        try:
            store.save(source(answer=f"Svar fra {actor}."), actor, base_version=1)
            outcomes[actor] = "saved"
        except ConflictError:
            outcomes[actor] = "conflict"

    threads = [threading.Thread(target=save, args=(actor,)) for actor in ("anna", "bo")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes.values()) == ["conflict", "saved"]
    winner = next(actor for actor, outcome in outcomes.items() if outcome == "saved")
    assert [(v.number, v.author) for v in store.versions("pas-test")] == [(2, winner), (1, "anna")]


def test_saving_the_same_content_again_stores_nothing(store: SqlContentStore) -> None:
    first = store.save(source(), "anna", base_version=None)
    again = store.save(source(), "anna", base_version=1)
    assert again == first
    second = store.save(source(answer="Nyt."), "anna", base_version=1)
    # The same form sent twice (a double click) carries the old base version: still no conflict.
    assert store.save(source(answer="Nyt."), "anna", base_version=1) == second
    assert [v.number for v in store.versions("pas-test")] == [2, 1]
    assert actions(store) == [audit.GUIDE_CREATE, audit.GUIDE_SAVE_DRAFT]


def test_saving_the_same_content_with_publish_publishes_it(store: SqlContentStore) -> None:
    store.save(source(), "anna", base_version=None)
    version = store.save(source(), "anna", base_version=1, publish=True)
    assert version.number == 1
    assert store.list_guides() == [make_guide("pas-test")]
    assert store.revision() == 1


# --- retire, restore, rollback, versions ----------------------------------------------------------


def test_retire_and_restore(store: SqlContentStore) -> None:
    store.save(source(), "anna", base_version=None, publish=True)
    retired = store.retire("pas-test", "bo")
    assert (retired.status, retired.retired, retired.published_version) == ("retired", True, 1)
    assert store.list_guides() == []
    assert store.revision() == 2
    store.retire("pas-test", "bo")  # already retired: nothing changes
    assert store.revision() == 2
    restored = store.restore("pas-test", "bo")
    assert (restored.status, restored.retired) == ("published", False)
    assert store.list_guides() == [make_guide("pas-test")]
    assert store.revision() == 3
    assert actions(store) == [audit.GUIDE_CREATE, audit.GUIDE_PUBLISH, audit.GUIDE_RETIRE, audit.GUIDE_RESTORE]


def test_a_retired_guide_is_not_published_until_restored(store: SqlContentStore) -> None:
    store.save(source(), "anna", base_version=None, publish=True)
    store.retire("pas-test", "bo")
    before = actions(store)
    with pytest.raises(GuideRetiredError, match="Gendan den"):
        store.save(source(answer="Nyt."), "anna", base_version=1, publish=True)
    with pytest.raises(GuideRetiredError):
        store.publish("pas-test", "anna")
    assert [v.number for v in store.versions("pas-test")] == [1]  # the save and publish were one transaction
    assert actions(store) == before
    assert store.list_guides() == []


def test_retiring_a_draft_changes_nothing_citizens_see(store: SqlContentStore) -> None:
    store.save(source(), "anna", base_version=None)
    assert store.retire("pas-test", "bo").status == "retired"
    assert store.revision() == 0
    assert store.restore("pas-test", "bo").status == "draft"
    assert store.revision() == 0


def test_rollback_makes_a_new_draft_from_an_old_version(store: SqlContentStore) -> None:
    first = store.save(source(), "anna", base_version=None)
    store.save(source(answer="Andet svar."), "anna", base_version=1, publish=True)
    revision = store.revision()
    restored = store.rollback("pas-test", 1, "bo", base_version=2)
    assert (restored.number, restored.author, restored.note) == (3, "bo", "Gendannet fra version 1")
    assert (restored.source, restored.content_hash) == (first.source, first.content_hash)
    assert store.list_guides() == [make_guide("pas-test", answer="Andet svar.")]  # a draft until published
    assert store.revision() == revision
    store.publish("pas-test", "bo")
    assert store.list_guides() == [make_guide("pas-test")]
    assert actions(store)[-2:] == [audit.GUIDE_ROLLBACK, audit.GUIDE_PUBLISH]


def test_rollback_on_a_stale_version_or_to_a_missing_one_is_refused(store: SqlContentStore) -> None:
    store.save(source(), "anna", base_version=None)
    store.save(source(answer="Andet svar."), "anna", base_version=1)
    with pytest.raises(ConflictError):
        store.rollback("pas-test", 1, "bo", base_version=1)
    with pytest.raises(VersionNotFoundError):
        store.rollback("pas-test", 9, "bo", base_version=2)
    with pytest.raises(GuideNotFoundError):
        store.rollback("pas-ukendt", 1, "bo", base_version=1)
    assert [v.number for v in store.versions("pas-test")] == [2, 1]


def test_versions_are_newest_first_with_their_authors_and_notes(store: SqlContentStore) -> None:
    store.save(source(), "anna", base_version=None, note="start")
    store.save(source(answer="To."), "bo", base_version=1, note="rettet")
    store.save(source(answer="Tre."), "carl", base_version=2)
    versions = store.versions("pas-test")
    assert [(v.number, v.author, v.note) for v in versions] == [
        (3, "carl", ""),
        (2, "bo", "rettet"),
        (1, "anna", "start"),
    ]
    assert versions[0].created_at >= versions[2].created_at
    assert store.version("pas-test", 2) == versions[1]
    assert store.versions("pas-ukendt") == []


def test_times_are_timezone_aware_utc(store: SqlContentStore) -> None:
    before = datetime.now(UTC) - timedelta(seconds=5)
    store.save(source(), "anna", base_version=None, publish=True)
    store.retire("pas-test", "anna")
    record = store.record("pas-test")
    (version,) = store.versions("pas-test")
    (entry, *_) = audit.entries(store.engine)
    assert record is not None
    for moment in (record.updated_at, version.created_at, entry.at):
        assert moment.utcoffset() == timedelta(0) and moment >= before


# --- what is refused writes nothing -----------------------------------------------------------------


def _remove_line(text: str, prefix: str) -> str:
    return "\n".join(line for line in text.split("\n") if not line.startswith(prefix))


INVALID_SOURCES = {
    "no front matter": ("Bare tekst uden metadata.", "(fil)", "mangler metadata"),
    "broken yaml": (source().replace("topic: pas", "topic: [pas"), "(fil)", "ikke gyldig YAML"),
    "missing field": (_remove_line(source(), "owner:"), "owner", "feltet mangler"),
    "unknown topic": (source().replace("topic: pas", "topic: skat"), "topic", "skal være en af"),
    "oversized": (source() + "x" * MAX_SOURCE_CHARS, "(fil)", "for lang"),
    "title too long": (source().replace("title: Vejledning pas-test", "title: " + "a" * 301), "title", "300 tegn"),
}


@pytest.mark.parametrize("case", sorted(INVALID_SOURCES))
def test_an_invalid_source_is_refused_with_danish_problems_and_writes_nothing(
    store: SqlContentStore, case: str
) -> None:
    text, field, message = INVALID_SOURCES[case]
    with pytest.raises(GuideValidationError) as refused:
        store.save(text, "anna", base_version=None)
    assert any(f == field and message in m for f, m in refused.value.problems), refused.value.problems
    assert str(refused.value).startswith("Vejledningen kan ikke gemmes")
    assert store.is_empty() and audit.entries(store.engine) == []


@pytest.mark.parametrize("case", sorted(INVALID_SOURCES))
def test_an_invalid_edit_writes_nothing(store: SqlContentStore, case: str) -> None:
    store.save(source(), "anna", base_version=None)
    with pytest.raises(GuideValidationError):
        store.save(INVALID_SOURCES[case][0], "anna", base_version=1, guide_id="pas-test")
    assert [v.number for v in store.versions("pas-test")] == [1]
    assert actions(store) == [audit.GUIDE_CREATE]


def test_a_note_too_long_is_refused(store: SqlContentStore) -> None:
    with pytest.raises(GuideValidationError) as refused:
        store.save(source(), "anna", base_version=None, note="n" * 201)
    assert refused.value.problems == [("note", "må højst være 200 tegn")]
    assert store.is_empty()


def test_the_id_cannot_change(store: SqlContentStore) -> None:
    store.save(source(), "anna", base_version=None)
    with pytest.raises(GuideValidationError) as refused:
        store.save(source("pas-andet"), "anna", base_version=1, guide_id="pas-test")
    assert [field for field, _ in refused.value.problems] == ["id"]
    assert "id kan ikke ændres" in str(refused.value)
    assert [r.id for r in store.records()] == ["pas-test"]


def test_a_new_guide_with_a_taken_id_is_refused(store: SqlContentStore) -> None:
    store.save(source(), "anna", base_version=None)
    with pytest.raises(GuideExistsError, match="pas-test"):
        store.save(source(answer="Andet."), "bo", base_version=None)
    assert [v.number for v in store.versions("pas-test")] == [1]
    assert actions(store) == [audit.GUIDE_CREATE]


def test_an_unknown_guide_is_not_found(store: SqlContentStore) -> None:
    with pytest.raises(GuideNotFoundError, match="findes ikke"):
        store.save(source(), "anna", base_version=1)
    for write in (store.publish, store.retire, store.restore):
        with pytest.raises(GuideNotFoundError):
            write("pas-test", "anna")
    assert store.is_empty()


def test_a_batch_of_new_guides_is_saved_as_drafts_all_or_none(store: SqlContentStore) -> None:
    versions = store.save_new_drafts([source("pas-b"), source("pas-a")], "anna", note="Importeret fra regneark")
    assert [(v.guide_id, v.number, v.note) for v in versions] == [
        ("pas-b", 1, "Importeret fra regneark"),
        ("pas-a", 1, "Importeret fra regneark"),
    ]
    assert {r.status for r in store.records()} == {"draft"} and store.list_guides() == []
    assert store.revision() == 0
    assert actions(store) == [audit.GUIDE_CREATE, audit.GUIDE_CREATE]

    with pytest.raises(GuideExistsError, match="pas-a"):
        store.save_new_drafts([source("pas-c"), source("pas-a")], "bo", note="")
    with pytest.raises(GuideValidationError, match="samme id flere gange: pas-d"):
        store.save_new_drafts([source("pas-d"), source("pas-d", answer="Andet.")], "bo", note="")
    with pytest.raises(GuideValidationError):
        store.save_new_drafts([source("pas-e"), "ingen metadata"], "bo", note="")
    assert [r.id for r in store.records()] == ["pas-a", "pas-b"]
    assert len(actions(store)) == 2


# --- municipality data ------------------------------------------------------------------------------


def test_municipality_save_versions_and_conflict(store: SqlContentStore) -> None:
    first = store.save_municipality(municipality(), "anna", base_version=None)
    assert (first.version, first.updated_by, first.data) == (1, "anna", municipality())
    assert store.revision() == 1  # municipality data is live at the next build
    verified = municipality().model_copy(update={"hours_verified_on": date(2026, 12, 1), "hours_verified_by": "bo"})
    second = store.save_municipality(verified, "bo", base_version=1)
    assert second.version == 2 and store.municipalities() == {"kalundborg": verified}
    assert store.revision() == 2
    record = store.municipality("kalundborg")
    assert record is not None and record.data.hours_verified_on == date(2026, 12, 1)

    with pytest.raises(ConflictError) as refused:
        store.save_municipality(municipality(phone="11 11 11 11"), "carl", base_version=1)
    assert (refused.value.latest_version, refused.value.by) == (2, "bo")
    assert str(refused.value).startswith("Kommunens oplysninger er blevet gemt af bo kl.")
    assert store.save_municipality(verified, "bo", base_version=1).version == 2  # identical: nothing stored
    versions = store.municipality_versions("kalundborg")
    assert [(v.number, v.author, v.data) for v in versions] == [(2, "bo", verified), (1, "anna", municipality())]
    assert store.revision() == 2
    assert actions(store) == [audit.MUNICIPALITY_SAVE, audit.MUNICIPALITY_SAVE]


def test_municipality_exists_and_not_found(store: SqlContentStore) -> None:
    store.save_municipality(municipality(), "anna", base_version=None)
    with pytest.raises(MunicipalityExistsError):
        store.save_municipality(municipality(phone="22 22 22 22"), "anna", base_version=None)
    with pytest.raises(MunicipalityNotFoundError):
        store.save_municipality(municipality("ukendt"), "anna", base_version=1)
    assert store.municipality("ukendt") is None
    assert [v.number for v in store.municipality_versions("kalundborg")] == [1]


# --- the audit log ----------------------------------------------------------------------------------


def test_every_write_has_its_audit_row(store: SqlContentStore) -> None:
    store.save(source("pas-lokal", scope="kalundborg"), "anna", base_version=None, note="ny")
    store.save(source("pas-lokal", answer="To.", scope="kalundborg"), "anna", base_version=1, publish=True)
    store.retire("pas-lokal", "bo")
    store.restore("pas-lokal", "bo")
    store.rollback("pas-lokal", 1, "bo", base_version=2)
    store.save_municipality(municipality(), "carl", base_version=None)
    store.save(source("pas-national"), "dora", base_version=None)
    entries = list(reversed(audit.entries(store.engine)))
    assert [(e.actor, e.action, e.target, e.municipality) for e in entries] == [
        ("anna", audit.GUIDE_CREATE, "pas-lokal", "kalundborg"),
        ("anna", audit.GUIDE_SAVE_DRAFT, "pas-lokal", "kalundborg"),
        ("anna", audit.GUIDE_PUBLISH, "pas-lokal", "kalundborg"),
        ("bo", audit.GUIDE_RETIRE, "pas-lokal", "kalundborg"),
        ("bo", audit.GUIDE_RESTORE, "pas-lokal", "kalundborg"),
        ("bo", audit.GUIDE_ROLLBACK, "pas-lokal", "kalundborg"),
        ("carl", audit.MUNICIPALITY_SAVE, "kalundborg", "kalundborg"),
        ("dora", audit.GUIDE_CREATE, "pas-national", "national"),
    ]
    assert entries[0].details == {"version": 1, "note": "ny"}
    assert entries[2].details == {"version": 2, "previous_version": None}
    assert entries[5].details == {"version": 3, "note": "Gendannet fra version 1", "from_version": 1}
    assert [e.target for e in audit.entries(store.engine, municipality="national")] == ["pas-national"]
    assert len(audit.entries(store.engine, limit=3)) == 3


def test_record_writes_inside_the_callers_transaction(store: SqlContentStore) -> None:
    with pytest.raises(RuntimeError), store.engine.begin() as conn:
        audit.record(conn, "anna", "login.failed", "anna")
        raise RuntimeError("rolled back")
    assert audit.entries(store.engine) == []
    with store.engine.begin() as conn:
        audit.record(conn, "anna", "login.failed", "anna", details={"reason": "password"})
    (entry,) = audit.entries(store.engine)
    assert (entry.action, entry.municipality, entry.details) == ("login.failed", None, {"reason": "password"})


# --- the first start: the shipped content imported --------------------------------------------------


def test_the_shipped_content_is_imported_once(store: SqlContentStore) -> None:
    # By id, as GuideStore promises (the file store goes by file name: "a-b.md" before "a.md").
    shipped = sorted(FileGuideStore(KB_DIR / "guides").list_guides(), key=lambda guide: guide.id)
    shipped_municipalities = load_municipalities(KB_DIR)
    counts = import_shipped(store, KB_DIR)
    assert counts == ImportCounts(guides=len(shipped), municipalities=len(shipped_municipalities))
    assert store.list_guides() == shipped
    assert store.municipalities() == shipped_municipalities
    assert store.revision() == 1
    records = store.records()
    assert {(r.latest_version, r.published_version, r.updated_by) for r in records} == {(1, 1, SEED_ACTOR)}
    versions = [v for r in records for v in store.versions(r.id)]
    assert {(v.number, v.author, v.note) for v in versions} == {(1, SEED_ACTOR, SEED_NOTE)}
    assert actions(store) == [audit.CONTENT_IMPORT]

    assert import_shipped(store, KB_DIR) == ImportCounts(0, 0)
    assert store.revision() == 1 and len(store.records()) == len(shipped)
    assert actions(store) == [audit.CONTENT_IMPORT]


def test_nothing_is_imported_into_a_store_with_content(store: SqlContentStore, tmp_path: Path) -> None:
    store.save(source(), "anna", base_version=None)
    assert import_shipped(store, KB_DIR) == ImportCounts(0, 0)
    assert [r.id for r in store.records()] == ["pas-test"] and store.municipalities() == {}
    assert store.import_content([source("pas-andet")], [], SEED_ACTOR, SEED_NOTE) is False
