"""The rules of staff accounts, defined once: lockout, session lifetimes, what a username and a
password must be, and the Danish messages staff read when a rule says no.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from datetime import timedelta
from enum import StrEnum

from bot.admin.roles import Role

MAX_FAILED_LOGINS = 5  # wrong passwords in a row that lock the account
LOCKOUT = timedelta(minutes=15)
SESSION_LIFETIME = timedelta(hours=12)  # absolute: a session ends this long after login, used or not
SESSION_IDLE_TIMEOUT = timedelta(hours=2)
# last_seen_at is written at most this often, so a busy page does not write on every request.
SESSION_TOUCH_INTERVAL = timedelta(minutes=1)
MIN_PASSWORD_CHARS = 12
USERNAME_PATTERN = re.compile(r"^[a-z0-9._-]{3,64}$")
MUNICIPALITY_PATTERN = re.compile(r"^[a-z0-9-]{1,64}$")
MAX_FULL_NAME_CHARS = 200
# The actor and target of an audit row for a login under a name no account has: the typed name is
# left out, because people type their password into the username field.
UNKNOWN_USER = "(ukendt)"

WRONG_CREDENTIALS = "Forkert brugernavn eller adgangskode."
ACCOUNT_LOCKED = (
    f"Kontoen er låst i {int(LOCKOUT.total_seconds() // 60)} minutter efter for mange forkerte forsøg. "
    "Prøv igen senere, eller bed en administrator om at låse den op."
)


class AuditAction(StrEnum):
    """The audit log's action names for accounts and logins."""

    LOGIN_SUCCEEDED = "login.succeeded"
    LOGIN_FAILED = "login.failed"
    LOGIN_LOCKED = "login.locked"  # this failure locked the account
    LOGOUT = "login.logout"
    LOGOUT_EVERYWHERE = "login.logout_all"
    USER_CREATED = "user.created"
    USER_ACTIVATED = "user.activated"
    USER_DEACTIVATED = "user.deactivated"
    USER_UNLOCKED = "user.unlocked"
    USER_PASSWORD_SET = "user.password_set"  # noqa: S105 (an action name, not a password)


class AccountError(Exception):
    """An account cannot be created or changed as asked; the message (Danish) says why."""


class LoginReason(StrEnum):
    WRONG_CREDENTIALS = "wrong_credentials"  # unknown user, wrong password or inactive account: one answer
    LOCKED = "locked"


class LoginRefused(Exception):
    """A login was refused; the message (Danish) is what the login page shows."""

    def __init__(self, reason: LoginReason) -> None:
        self.reason = reason
        super().__init__(ACCOUNT_LOCKED if reason is LoginReason.LOCKED else WRONG_CREDENTIALS)


def check_password(password: str, username: str) -> None:
    """Raise AccountError (Danish) when a password is too weak to set."""
    if len(password) < MIN_PASSWORD_CHARS:
        raise AccountError(f"Adgangskoden skal være mindst {MIN_PASSWORD_CHARS} tegn.")
    if password.strip().lower() == username.lower():
        raise AccountError("Adgangskoden må ikke være den samme som brugernavnet.")


def new_account(
    username: str, full_name: str, role: Role | str, municipality: str | None, known: Collection[str] | None
) -> tuple[str, str, Role, str | None]:
    """A new account's fields, tidied (username in lower case, blanks stripped); AccountError (Danish) if unusable."""
    username = username.strip().lower()
    full_name = full_name.strip()
    municipality = municipality.strip() or None if municipality else None
    if not USERNAME_PATTERN.match(username):
        raise AccountError(
            "Brugernavnet skal være 3–64 tegn og må kun indeholde små bogstaver a–z, tal, punktum, bindestreg og _."
        )
    if not full_name or len(full_name) > MAX_FULL_NAME_CHARS:
        raise AccountError(f"Skriv brugerens fulde navn (højst {MAX_FULL_NAME_CHARS} tegn).")
    try:
        role = Role(role)
    except ValueError:
        raise AccountError(f"Ukendt rolle '{role}'. Vælg en af: {', '.join(r.value for r in Role)}.") from None
    if role.has_municipality and municipality is None:
        raise AccountError(f"En {role.label.lower()} skal høre til en kommune.")
    if not role.has_municipality and municipality is not None:
        raise AccountError(f"En {role.label.lower()} hører ikke til en kommune; angiv ingen kommune.")
    if municipality is not None and (
        not MUNICIPALITY_PATTERN.match(municipality) or (known is not None and municipality not in known)
    ):
        raise AccountError(f"Ukendt kommune '{municipality}'.")
    return username, full_name, role, municipality
