"""Staff accounts: who may log in to `/admin`, with which role, and their login sessions.

Passwords are argon2 hashes (argon2-cffi), never stored or logged as typed; five wrong passwords in
a row lock an account for 15 minutes. A session cookie's value is stored only as its sha256, so a
copy of the database lets nobody in. Every login, logout and change to an account is audited in
the same transaction. The clock is passed in (`now`), so the rules are tested without waiting.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from collections.abc import Collection
from dataclasses import replace
from datetime import UTC, datetime
from functools import cached_property
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Connection, Engine, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from bot.admin.policy import (
    LOCKOUT,
    MAX_FAILED_LOGINS,
    SESSION_IDLE_TIMEOUT,
    SESSION_LIFETIME,
    SESSION_TOUCH_INTERVAL,
    UNKNOWN_USER,
    AccountError,
    AuditAction,
    LoginReason,
    LoginRefused,
    check_password,
    new_account,
)
from bot.admin.roles import Role
from bot.admin.tables import USER_COLUMNS, AnyRow, StaffUser, metadata, sessions_table, staff_user, users_table
from kb.content.audit import record

__all__ = [
    "AccountError",
    "AccountStore",
    "AuditAction",
    "LoginReason",
    "LoginRefused",
    "StaffUser",
    "metadata",
    "sessions_table",
    "users_table",
]

logger = logging.getLogger(__name__)


def token_hash(token: str) -> str:
    """What the database keeps of a session cookie's value."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class AccountStore:
    """Staff accounts and their sessions in the app database (`gateway_database_url`)."""

    def __init__(self, engine: Engine, hasher: PasswordHasher | None = None) -> None:
        self.engine = engine
        self.hasher = hasher or PasswordHasher()

    @cached_property
    def _dummy_hash(self) -> str:
        """Verified against when the username is unknown, so that costs as long as a wrong password."""
        return self.hasher.hash(secrets.token_urlsafe(16))

    # Accounts

    def create_user(
        self,
        username: str,
        full_name: str,
        password: str,
        role: Role | str,
        municipality: str | None,
        actor: str,
        known_municipalities: Collection[str] | None = None,
    ) -> StaffUser:
        """A new active account; AccountError (Danish) when a field is not acceptable."""
        username, full_name, role, municipality = new_account(
            username, full_name, role, municipality, known_municipalities
        )
        check_password(password, username)
        password_hash = self.hasher.hash(password)
        try:
            with self.engine.begin() as conn:
                if conn.execute(select(users_table.c.id).where(users_table.c.username == username)).first():
                    raise AccountError(f"Brugernavnet '{username}' er allerede i brug.")
                result = conn.execute(
                    insert(users_table).values(
                        username=username,
                        full_name=full_name,
                        password_hash=password_hash,
                        role=role.value,
                        municipality=municipality,
                        failed_logins=0,
                        active=True,
                        created_at=datetime.now(UTC),
                    )
                )
                user_id = int(result.inserted_primary_key[0])  # type: ignore[index]  # one row was inserted
                details = {"role": role.value, "full_name": full_name}
                record(conn, actor, AuditAction.USER_CREATED, username, municipality, details)
        except IntegrityError:  # the same name created at the same moment
            raise AccountError(f"Brugernavnet '{username}' er allerede i brug.") from None
        logger.info("admin.user.created", extra={"username": username, "role": role.value, "actor": actor})
        return StaffUser(user_id, username, full_name, role, municipality, active=True)

    def list_users(self) -> list[StaffUser]:
        """Every account, active or not, by username."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(*USER_COLUMNS).order_by(users_table.c.username)).all()
        return [staff_user(row) for row in rows]

    def user(self, user_id: int) -> StaffUser | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(*USER_COLUMNS).where(users_table.c.id == user_id)).first()
        return staff_user(row) if row else None

    def find(self, username: str) -> StaffUser | None:
        """The account with this username (as typed: case and spaces around it do not matter)."""
        with self.engine.connect() as conn:
            row = conn.execute(select(*USER_COLUMNS).where(users_table.c.username == username.strip().lower())).first()
        return staff_user(row) if row else None

    def set_active(self, user_id: int, active: bool, actor: str) -> StaffUser:
        """Activate or deactivate an account; deactivating ends its sessions. The last active admin stays."""
        with self.engine.begin() as conn:
            user = self._existing(conn, user_id)
            if not active and user.active and user.role is Role.ADMIN and self._active_admins(conn) <= 1:
                raise AccountError("Den sidste aktive administrator kan ikke deaktiveres.")
            conn.execute(update(users_table).where(users_table.c.id == user_id).values(active=active))
            ended = 0 if active else _end_all(conn, user_id)
            action = AuditAction.USER_ACTIVATED if active else AuditAction.USER_DEACTIVATED
            record(conn, actor, action, user.username, user.municipality, {"sessions_ended": ended})
        logger.info("admin.user.active_set", extra={"username": user.username, "active": active, "actor": actor})
        return replace(user, active=active)

    def unlock(self, user_id: int, actor: str) -> StaffUser:
        """Lift a lockout at once and forget the wrong attempts."""
        with self.engine.begin() as conn:
            user = self._existing(conn, user_id)
            conn.execute(
                update(users_table).where(users_table.c.id == user_id).values(failed_logins=0, locked_until=None)
            )
            record(conn, actor, AuditAction.USER_UNLOCKED, user.username, user.municipality)
        logger.info("admin.user.unlocked", extra={"username": user.username, "actor": actor})
        return replace(user, locked_until=None)

    def set_password(self, user_id: int, password: str, actor: str) -> None:
        """A new password: its sessions end and a lockout is lifted (the new password starts clean)."""
        user = self.user(user_id)
        if user is None:
            raise AccountError("Brugeren findes ikke.")
        check_password(password, user.username)
        password_hash = self.hasher.hash(password)
        with self.engine.begin() as conn:
            self._existing(conn, user_id)
            conn.execute(
                update(users_table)
                .where(users_table.c.id == user_id)
                .values(password_hash=password_hash, failed_logins=0, locked_until=None)
            )
            ended = _end_all(conn, user_id)
            record(
                conn, actor, AuditAction.USER_PASSWORD_SET, user.username, user.municipality, {"sessions_ended": ended}
            )
        logger.info("admin.user.password_set", extra={"username": user.username, "actor": actor})

    # Logins and sessions

    def authenticate(self, username: str, password: str, now: datetime) -> StaffUser:
        """The account when the password is right; LoginRefused otherwise (one answer for every wrong case)."""
        username = username.strip().lower()
        with self.engine.begin() as conn:
            row = conn.execute(
                select(*USER_COLUMNS, users_table.c.password_hash, users_table.c.failed_logins).where(
                    users_table.c.username == username
                )
            ).first()
            # Always one verify, whatever the case, so the time taken tells nothing.
            correct = self._verify(row.password_hash if row else self._dummy_hash, password) and row is not None
            if row is None:
                record(conn, UNKNOWN_USER, AuditAction.LOGIN_FAILED, UNKNOWN_USER, None, {"reason": "unknown_user"})
                reason: LoginReason | None = LoginReason.WRONG_CREDENTIALS
            else:
                reason = self._login_outcome(conn, row, correct, password, now)
        logger.info(
            "admin.login", extra={"username": username if row else UNKNOWN_USER, "refused": reason and reason.value}
        )
        if reason is not None:
            raise LoginRefused(reason)
        assert row is not None
        return staff_user(row)

    def _login_outcome(
        self, conn: Connection, row: AnyRow, correct: bool, password: str, now: datetime
    ) -> LoginReason | None:
        """Record one login attempt on an existing account; the reason it is refused, or None."""
        where = users_table.c.id == row.id
        if row.locked_until is not None and row.locked_until > now:
            record(conn, row.username, AuditAction.LOGIN_FAILED, row.username, row.municipality, {"reason": "locked"})
            return LoginReason.LOCKED
        if not row.active:
            record(conn, row.username, AuditAction.LOGIN_FAILED, row.username, row.municipality, {"reason": "inactive"})
            return LoginReason.WRONG_CREDENTIALS
        if not correct:
            conn.execute(update(users_table).where(where).values(failed_logins=users_table.c.failed_logins + 1))
            failed = int(conn.execute(select(users_table.c.failed_logins).where(where)).scalar_one())
            details = {"reason": "wrong_password", "failed_logins": failed}
            record(conn, row.username, AuditAction.LOGIN_FAILED, row.username, row.municipality, details)
            if failed < MAX_FAILED_LOGINS:
                return LoginReason.WRONG_CREDENTIALS
            # Locked with a fresh count: when the lock's time is past, there are five tries again.
            conn.execute(update(users_table).where(where).values(failed_logins=0, locked_until=now + LOCKOUT))
            record(
                conn,
                row.username,
                AuditAction.LOGIN_LOCKED,
                row.username,
                row.municipality,
                {"until": (now + LOCKOUT).isoformat()},
            )
            logger.warning("admin.login.locked", extra={"username": row.username})
            return LoginReason.LOCKED
        values: dict[str, Any] = {"failed_logins": 0, "locked_until": None}
        if self.hasher.check_needs_rehash(row.password_hash):
            values["password_hash"] = self.hasher.hash(password)
        conn.execute(update(users_table).where(where).values(**values))
        record(conn, row.username, AuditAction.LOGIN_SUCCEEDED, row.username, row.municipality)
        return None

    def _verify(self, password_hash: str, password: str) -> bool:
        try:
            return self.hasher.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False

    def start_session(self, user: StaffUser, now: datetime) -> str:
        """A new session for a user who just logged in; the token is the cookie's value."""
        token = secrets.token_urlsafe(32)
        with self.engine.begin() as conn:
            conn.execute(
                insert(sessions_table).values(
                    token_hash=token_hash(token),
                    user_id=user.id,
                    created_at=now,
                    expires_at=now + SESSION_LIFETIME,
                    last_seen_at=now,
                )
            )
        return token

    def session_user(self, token: str, now: datetime) -> StaffUser | None:
        """The user a session cookie belongs to, or None when it is unknown, expired, idle too long or
        its account inactive (an ended session's row is deleted)."""
        key = token_hash(token)
        query = (
            select(*USER_COLUMNS, sessions_table.c.expires_at, sessions_table.c.last_seen_at)
            .join(sessions_table, sessions_table.c.user_id == users_table.c.id)
            .where(sessions_table.c.token_hash == key)
        )
        with self.engine.begin() as conn:
            row = conn.execute(query).first()
            if row is None:
                return None
            last_seen = row.last_seen_at
            if now >= row.expires_at or now - last_seen >= SESSION_IDLE_TIMEOUT or not row.active:
                conn.execute(delete(sessions_table).where(sessions_table.c.token_hash == key))
                return None
            if now - last_seen >= SESSION_TOUCH_INTERVAL:
                conn.execute(update(sessions_table).where(sessions_table.c.token_hash == key).values(last_seen_at=now))
        return staff_user(row)

    def end_session(self, token: str) -> None:
        """Log out: the session is deleted (an unknown token is no error)."""
        key = token_hash(token)
        query = (
            select(users_table.c.username, users_table.c.municipality)
            .join(sessions_table, sessions_table.c.user_id == users_table.c.id)
            .where(sessions_table.c.token_hash == key)
        )
        with self.engine.begin() as conn:
            row = conn.execute(query).first()
            if row is None:
                return
            conn.execute(delete(sessions_table).where(sessions_table.c.token_hash == key))
            record(conn, row.username, AuditAction.LOGOUT, row.username, row.municipality)
        logger.info("admin.logout", extra={"username": row.username})

    def end_all_sessions(self, user_id: int, actor: str | None = None) -> int:
        """Log a user out everywhere; how many sessions ended. The actor defaults to the user."""
        with self.engine.begin() as conn:
            user = self._existing(conn, user_id)
            ended = _end_all(conn, user_id)
            details = {"sessions_ended": ended}
            record(
                conn, actor or user.username, AuditAction.LOGOUT_EVERYWHERE, user.username, user.municipality, details
            )
        logger.info("admin.logout_all", extra={"username": user.username, "sessions_ended": ended})
        return ended

    def _existing(self, conn: Connection, user_id: int) -> StaffUser:
        row = conn.execute(select(*USER_COLUMNS).where(users_table.c.id == user_id)).first()
        if row is None:
            raise AccountError("Brugeren findes ikke.")
        return staff_user(row)

    def _active_admins(self, conn: Connection) -> int:
        query = select(func.count()).where(users_table.c.role == Role.ADMIN.value, users_table.c.active.is_(True))
        return int(conn.execute(query).scalar_one())


def _end_all(conn: Connection, user_id: int) -> int:
    return int(conn.execute(delete(sessions_table).where(sessions_table.c.user_id == user_id)).rowcount)
