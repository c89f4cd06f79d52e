"""Staff accounts on a real SQLite file: creation rules, logins and lockout, sessions, the audit trail."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from typing import Literal

import pytest
from argon2 import PasswordHasher
from sqlalchemy import Engine, MetaData, select

from bot.admin.accounts import AccountStore, sessions_table, users_table
from bot.admin.policy import (
    ACCOUNT_LOCKED,
    LOCKOUT,
    MAX_FAILED_LOGINS,
    SESSION_IDLE_TIMEOUT,
    SESSION_LIFETIME,
    WRONG_CREDENTIALS,
    AccountError,
    AuditAction,
    LoginReason,
    LoginRefused,
)
from bot.admin.roles import Role
from kb.content.audit import entries

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
PASSWORD = "korrekt hest batteri"


def make_editor(store: AccountStore, username: str = "anna") -> None:
    store.create_user(username, "Anna Jensen", PASSWORD, Role.EDITOR, "kalundborg", actor="admin")


def refused(store: AccountStore, username: str, password: str, now: datetime) -> LoginRefused:
    with pytest.raises(LoginRefused) as caught:
        store.authenticate(username, password, now)
    return caught.value


def actions(engine: Engine) -> list[str]:
    """The audit log's actions, oldest first."""
    return [entry.action for entry in reversed(entries(engine, limit=1000))]


def all_text(engine: Engine) -> str:
    """Every value in every table, as one string: what a copy of the database gives away."""
    metadata = MetaData()
    metadata.reflect(engine)
    with engine.connect() as conn:
        return "\n".join(str(tuple(row)) for table in metadata.sorted_tables for row in conn.execute(select(table)))


# Creating accounts


def test_a_created_user_is_stored_with_an_argon2_hash_never_the_password(store: AccountStore, engine: Engine) -> None:
    user = store.create_user(" Anna ", "Anna Jensen", PASSWORD, "editor", "kalundborg", actor="admin")

    assert (user.username, user.full_name, user.role, user.municipality, user.active) == (
        "anna",
        "Anna Jensen",
        Role.EDITOR,
        "kalundborg",
        True,
    )
    assert store.list_users() == [user]
    with engine.connect() as conn:
        stored = conn.execute(select(users_table.c.password_hash)).scalar_one()
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in all_text(engine)
    [created] = entries(engine)
    assert (created.actor, created.action, created.target, created.municipality) == (
        "admin",
        AuditAction.USER_CREATED,
        "anna",
        "kalundborg",
    )


@pytest.mark.parametrize(
    ("username", "password", "role", "municipality", "message"),
    [
        ("ab", PASSWORD, Role.EDITOR, "kalundborg", "3–64 tegn"),
        ("anna jensen", PASSWORD, Role.EDITOR, "kalundborg", "3–64 tegn"),
        ("søren", PASSWORD, Role.EDITOR, "kalundborg", "3–64 tegn"),
        ("x" * 65, PASSWORD, Role.EDITOR, "kalundborg", "3–64 tegn"),
        ("anna", "elleve tegn", Role.EDITOR, "kalundborg", "mindst 12 tegn"),
        ("anna.jensen.1", "Anna.Jensen.1", Role.EDITOR, "kalundborg", "samme som brugernavnet"),
        ("anna", PASSWORD, Role.EDITOR, None, "skal høre til en kommune"),
        ("anna", PASSWORD, Role.MANAGER, "", "skal høre til en kommune"),
        ("anna", PASSWORD, Role.NATIONAL_EDITOR, "kalundborg", "hører ikke til en kommune"),
        ("anna", PASSWORD, Role.ADMIN, "kalundborg", "hører ikke til en kommune"),
        ("anna", PASSWORD, "superuser", None, "Ukendt rolle"),
        ("anna", PASSWORD, Role.EDITOR, "Kalundborg Kommune", "Ukendt kommune"),
        ("anna", PASSWORD, Role.EDITOR, "roskilde", "Ukendt kommune"),
    ],
)
def test_an_account_that_breaks_a_rule_is_refused_in_danish(
    store: AccountStore, engine: Engine, username: str, password: str, role: str, municipality: str | None, message: str
) -> None:
    with pytest.raises(AccountError, match=message):
        store.create_user(
            username, "Anna Jensen", password, role, municipality, "admin", known_municipalities={"kalundborg"}
        )
    assert store.list_users() == []
    assert entries(engine) == []


def test_a_username_is_taken_once(store: AccountStore) -> None:
    make_editor(store)
    with pytest.raises(AccountError, match="allerede i brug"):
        store.create_user("ANNA", "Anden Anna", PASSWORD, Role.ADMIN, None, "admin")


def test_a_full_name_is_required(store: AccountStore) -> None:
    with pytest.raises(AccountError, match="fulde navn"):
        store.create_user("anna", "  ", PASSWORD, Role.ADMIN, None, "admin")


# Logging in


def test_the_right_password_logs_in_whatever_the_case_of_the_username(store: AccountStore, engine: Engine) -> None:
    make_editor(store)
    user = store.authenticate(" Anna", PASSWORD, T0)
    assert (user.username, user.role, user.municipality) == ("anna", Role.EDITOR, "kalundborg")
    assert actions(engine)[-1] == AuditAction.LOGIN_SUCCEEDED


def test_an_unknown_user_and_a_wrong_password_get_the_same_answer(store: AccountStore, engine: Engine) -> None:
    make_editor(store)
    unknown = refused(store, "bent", PASSWORD, T0)
    wrong = refused(store, "anna", "forkert adgangskode", T0)

    assert str(unknown) == str(wrong) == WRONG_CREDENTIALS
    assert unknown.reason is wrong.reason is LoginReason.WRONG_CREDENTIALS
    failed = [entry for entry in entries(engine) if entry.action == AuditAction.LOGIN_FAILED]
    assert [(entry.actor, entry.details) for entry in failed] == [
        ("anna", {"reason": "wrong_password", "failed_logins": 1}),
        ("(ukendt)", {"reason": "unknown_user"}),  # the typed name may be a password: not kept
    ]
    assert "bent" not in all_text(engine)


class CountingHasher(PasswordHasher):
    """argon2 as in production, counting the verifications."""

    verified = 0

    def verify(self, hash: str | bytes, password: str | bytes) -> Literal[True]:
        self.verified += 1
        return super().verify(hash, password)


def test_an_unknown_user_costs_one_argon2_verification_like_a_known_one(engine: Engine) -> None:
    hasher = CountingHasher(time_cost=1, memory_cost=1024, parallelism=1)
    store = AccountStore(engine, hasher=hasher)
    make_editor(store)
    refused(store, "bent", PASSWORD, T0)
    assert hasher.verified == 1
    refused(store, "anna", "forkert adgangskode", T0)
    assert hasher.verified == 2


def test_five_wrong_passwords_in_a_row_lock_the_account_for_15_minutes(store: AccountStore, engine: Engine) -> None:
    make_editor(store)
    for attempt in range(1, MAX_FAILED_LOGINS):
        assert refused(store, "anna", f"forkert nummer {attempt}", T0).reason is LoginReason.WRONG_CREDENTIALS
    locking = refused(store, "anna", "forkert nummer 5", T0)
    assert locking.reason is LoginReason.LOCKED
    assert str(locking) == ACCOUNT_LOCKED
    assert str(locking).startswith("Kontoen er låst i 15 minutter efter for mange forkerte forsøg")

    # Even the right password is refused while the lock lasts.
    assert refused(store, "anna", PASSWORD, T0 + LOCKOUT - timedelta(seconds=1)).reason is LoginReason.LOCKED
    assert store.authenticate("anna", PASSWORD, T0 + LOCKOUT).username == "anna"
    assert actions(engine).count(AuditAction.LOGIN_LOCKED) == 1
    assert actions(engine).count(AuditAction.LOGIN_FAILED) == MAX_FAILED_LOGINS + 1


def test_a_successful_login_resets_the_count(store: AccountStore) -> None:
    make_editor(store)
    for _ in range(MAX_FAILED_LOGINS - 1):
        refused(store, "anna", "forkert adgangskode", T0)
    store.authenticate("anna", PASSWORD, T0)
    for _ in range(MAX_FAILED_LOGINS - 1):
        assert refused(store, "anna", "forkert adgangskode", T0).reason is LoginReason.WRONG_CREDENTIALS
    assert store.authenticate("anna", PASSWORD, T0).username == "anna"


def test_after_a_lock_expires_there_are_five_tries_again(store: AccountStore) -> None:
    make_editor(store)
    for _ in range(MAX_FAILED_LOGINS):
        refused(store, "anna", "forkert adgangskode", T0)
    later = T0 + LOCKOUT
    for _ in range(MAX_FAILED_LOGINS - 1):
        assert refused(store, "anna", "forkert adgangskode", later).reason is LoginReason.WRONG_CREDENTIALS
    assert refused(store, "anna", "forkert adgangskode", later).reason is LoginReason.LOCKED


def test_an_admin_unlocks_a_locked_account_at_once(store: AccountStore, engine: Engine) -> None:
    make_editor(store)
    for _ in range(MAX_FAILED_LOGINS):
        refused(store, "anna", "forkert adgangskode", T0)
    [locked] = store.list_users()
    assert locked.locked_until == T0 + LOCKOUT

    unlocked = store.unlock(locked.id, actor="admin")
    assert unlocked.locked_until is None
    assert store.authenticate("anna", PASSWORD, T0 + timedelta(minutes=1)).username == "anna"
    assert AuditAction.USER_UNLOCKED in actions(engine)


def test_a_deactivated_user_cannot_log_in_and_its_sessions_end(store: AccountStore, engine: Engine) -> None:
    make_editor(store)
    user = store.authenticate("anna", PASSWORD, T0)
    token = store.start_session(user, T0)

    assert store.set_active(user.id, False, actor="admin").active is False
    assert store.session_user(token, T0) is None
    assert str(refused(store, "anna", PASSWORD, T0)) == WRONG_CREDENTIALS  # reveals nothing about the account
    store.set_active(user.id, True, actor="admin")
    assert store.authenticate("anna", PASSWORD, T0).active is True
    assert [entry.details for entry in entries(engine) if entry.action == AuditAction.USER_DEACTIVATED] == [
        {"sessions_ended": 1}
    ]


def test_the_last_active_admin_cannot_be_deactivated(store: AccountStore) -> None:
    first = store.create_user("admin1", "Første Admin", PASSWORD, Role.ADMIN, None, "cli")
    second = store.create_user("admin2", "Anden Admin", PASSWORD, Role.ADMIN, None, "cli")
    store.set_active(first.id, False, actor="admin2")
    with pytest.raises(AccountError, match="sidste aktive administrator"):
        store.set_active(second.id, False, actor="admin2")


def test_a_new_password_replaces_the_old_ends_sessions_and_lifts_a_lock(store: AccountStore, engine: Engine) -> None:
    make_editor(store)
    user = store.authenticate("anna", PASSWORD, T0)
    token = store.start_session(user, T0)
    for _ in range(MAX_FAILED_LOGINS):
        refused(store, "anna", "forkert adgangskode", T0)

    with pytest.raises(AccountError, match="mindst 12 tegn"):
        store.set_password(user.id, "for kort", actor="admin")
    store.set_password(user.id, "en helt ny lang adgangskode", actor="admin")

    assert store.session_user(token, T0) is None
    assert refused(store, "anna", PASSWORD, T0).reason is LoginReason.WRONG_CREDENTIALS
    assert store.authenticate("anna", "en helt ny lang adgangskode", T0).username == "anna"
    assert "en helt ny lang adgangskode" not in all_text(engine)


def test_a_hash_made_with_old_parameters_is_renewed_at_login(engine: Engine) -> None:
    old = AccountStore(engine, hasher=PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    old.create_user("anna", "Anna Jensen", PASSWORD, Role.ADMIN, None, "cli")
    new = AccountStore(engine, hasher=PasswordHasher(time_cost=2, memory_cost=2048, parallelism=1))

    new.authenticate("anna", PASSWORD, T0)

    with engine.connect() as conn:
        stored = conn.execute(select(users_table.c.password_hash)).scalar_one()
    assert "m=2048,t=2,p=1" in stored
    assert new.authenticate("anna", PASSWORD, T0).username == "anna"


# Sessions


def test_a_session_is_stored_as_the_sha256_of_its_token(store: AccountStore, engine: Engine) -> None:
    make_editor(store)
    user = store.authenticate("anna", PASSWORD, T0)
    token = store.start_session(user, T0)

    assert len(token) >= 43  # 32 random bytes
    assert store.session_user(token, T0) == user
    with engine.connect() as conn:
        [stored] = conn.execute(select(sessions_table.c.token_hash)).scalars()
    assert stored == hashlib.sha256(token.encode()).hexdigest()
    assert token not in all_text(engine)
    assert store.session_user("not-a-token", T0) is None


def test_a_session_ends_after_two_idle_hours(store: AccountStore) -> None:
    make_editor(store)
    token = store.start_session(store.authenticate("anna", PASSWORD, T0), T0)
    assert store.session_user(token, T0 + SESSION_IDLE_TIMEOUT - timedelta(seconds=1)) is not None
    # That visit counted as activity: two idle hours are measured from it.
    almost = T0 + 2 * SESSION_IDLE_TIMEOUT - timedelta(seconds=2)
    assert store.session_user(token, almost) is not None
    assert store.session_user(token, almost + SESSION_IDLE_TIMEOUT) is None
    assert store.session_user(token, almost) is None  # its row is gone


def test_a_session_ends_twelve_hours_after_login_however_busy(store: AccountStore) -> None:
    make_editor(store)
    token = store.start_session(store.authenticate("anna", PASSWORD, T0), T0)
    moment = T0
    while moment < T0 + SESSION_LIFETIME - timedelta(hours=1):
        moment += timedelta(hours=1)
        assert store.session_user(token, moment) is not None
    assert store.session_user(token, T0 + SESSION_LIFETIME - timedelta(seconds=1)) is not None
    assert store.session_user(token, T0 + SESSION_LIFETIME) is None


def test_last_seen_is_written_at_most_once_a_minute(store: AccountStore, engine: Engine) -> None:
    make_editor(store)
    token = store.start_session(store.authenticate("anna", PASSWORD, T0), T0)

    def last_seen() -> datetime:
        with engine.connect() as conn:
            moment: datetime = conn.execute(select(sessions_table.c.last_seen_at)).scalar_one()
            return moment

    store.session_user(token, T0 + timedelta(seconds=59))
    assert last_seen() == T0
    store.session_user(token, T0 + timedelta(seconds=60))
    assert last_seen() == T0 + timedelta(seconds=60)


def test_logging_out_ends_that_session_only(store: AccountStore, engine: Engine) -> None:
    make_editor(store)
    user = store.authenticate("anna", PASSWORD, T0)
    phone, laptop = store.start_session(user, T0), store.start_session(user, T0)

    store.end_session(phone)
    store.end_session(phone)  # twice is no error, and no second audit row

    assert store.session_user(phone, T0) is None
    assert store.session_user(laptop, T0) == user
    assert actions(engine).count(AuditAction.LOGOUT) == 1
    assert store.end_all_sessions(user.id) == 1
    assert store.session_user(laptop, T0) is None
    assert actions(engine)[-1] == AuditAction.LOGOUT_EVERYWHERE


def test_every_step_of_an_account_is_audited_without_a_password(store: AccountStore, engine: Engine) -> None:
    make_editor(store)
    user = store.authenticate("anna", PASSWORD, T0)
    store.end_session(store.start_session(user, T0))
    for _ in range(MAX_FAILED_LOGINS):
        refused(store, "anna", "forkert adgangskode", T0)
    store.unlock(user.id, "admin")
    store.set_password(user.id, "en helt ny lang adgangskode", "admin")
    store.set_active(user.id, False, "admin")

    assert actions(engine) == [
        AuditAction.USER_CREATED,
        AuditAction.LOGIN_SUCCEEDED,
        AuditAction.LOGOUT,
        *[AuditAction.LOGIN_FAILED] * MAX_FAILED_LOGINS,
        AuditAction.LOGIN_LOCKED,
        AuditAction.USER_UNLOCKED,
        AuditAction.USER_PASSWORD_SET,
        AuditAction.USER_DEACTIVATED,
    ]
    assert {entry.municipality for entry in entries(engine)} == {"kalundborg"}
    text = all_text(engine)
    assert PASSWORD not in text
    assert "forkert adgangskode" not in text
    assert "en helt ny lang adgangskode" not in text


def test_operations_on_a_missing_user_say_so(store: AccountStore) -> None:
    for operation in (
        lambda: store.unlock(99, "admin"),
        lambda: store.set_active(99, False, "admin"),
        lambda: store.set_password(99, "en helt ny lang adgangskode", "admin"),
        lambda: store.end_all_sessions(99),
    ):
        with pytest.raises(AccountError, match="findes ikke"):
            operation()
