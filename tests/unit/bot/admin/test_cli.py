"""`python -m bot.admin` on a SQLite file: creating, listing and unlocking accounts, and what it refuses."""

from __future__ import annotations

import io
import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import inspect

from bot.admin.accounts import AccountStore
from bot.admin.cli import main
from bot.admin.policy import MAX_FAILED_LOGINS, LoginRefused
from bot.admin.roles import Role
from core.settings import PROJECT_ROOT, Settings
from kb.content.engine import make_engine
from ops.database import upgrade
from tests.unit.bot.admin.conftest import FAST_HASHER

PASSWORD = "korrekt hest batteri"


@pytest.fixture(autouse=True)
def _keep_logging() -> Iterator[None]:
    """The command configures the root logger; put it back so later tests log as before."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


@pytest.fixture
def migrated(settings: Settings) -> Settings:
    upgrade(settings.gateway_database_url)
    return settings


def run(monkeypatch: pytest.MonkeyPatch, *argv: str, stdin: str = "") -> int:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    return main(list(argv))


def accounts(settings: Settings) -> AccountStore:
    return AccountStore(make_engine(settings.gateway_database_url), hasher=FAST_HASHER)


def create_editor(monkeypatch: pytest.MonkeyPatch) -> int:
    return run(
        monkeypatch,
        *("create-user", "--username", "anna", "--name", "Anna Jensen", "--role", "editor"),
        *("--municipality", "kalundborg", "--password-stdin"),
        stdin=PASSWORD + "\n",
    )


def test_create_user_reads_the_password_from_stdin(
    migrated: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert create_editor(monkeypatch) == 0
    assert capsys.readouterr().out == "Brugeren 'anna' (Redaktør i kalundborg) er oprettet.\n"

    user = accounts(migrated).authenticate("anna", PASSWORD, datetime.now(UTC))
    assert (user.role, user.municipality) == (Role.EDITOR, "kalundborg")
    assert run(monkeypatch, "list-users") == 0
    assert capsys.readouterr().out == "anna\tAnna Jensen\tRedaktør\tkalundborg\taktiv\n"


def test_the_first_admin_has_no_municipality(
    migrated: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ("create-user", "--username", "itadmin", "--name", "IT-afdelingen", "--role", "admin", "--password-stdin")
    assert run(monkeypatch, *argv, stdin=PASSWORD) == 0
    assert "Administrator" in capsys.readouterr().out
    assert [user.role for user in accounts(migrated).list_users()] == [Role.ADMIN]


def test_a_short_password_is_refused(
    migrated: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ("create-user", "--username", "anna", "--name", "Anna", "--role", "admin", "--password-stdin")
    assert run(monkeypatch, *argv, stdin="kort\n") == 1
    assert capsys.readouterr().err == "Adgangskoden skal være mindst 12 tegn.\n"
    assert accounts(migrated).list_users() == []


def test_an_editor_without_a_municipality_is_refused_before_the_password_is_asked(
    migrated: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ("create-user", "--username", "anna", "--name", "Anna", "--role", "editor", "--password-stdin")
    assert run(monkeypatch, *argv, stdin=PASSWORD) == 1
    assert "skal høre til en kommune" in capsys.readouterr().err
    assert sys.stdin.read() == PASSWORD  # never read
    assert accounts(migrated).list_users() == []


def test_an_unknown_municipality_is_refused(
    migrated: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ("create-user", "--username", "anna", "--name", "Anna", "--role", "editor", "--municipality", "roskilde")
    assert run(monkeypatch, *argv, "--password-stdin", stdin=PASSWORD) == 1
    assert capsys.readouterr().err == "Ukendt kommune 'roskilde'.\n"


def test_an_unknown_role_is_bad_input(
    migrated: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ("create-user", "--username", "anna", "--name", "Anna", "--role", "root", "--password-stdin")
    with pytest.raises(SystemExit) as exited:
        run(monkeypatch, *argv, stdin=PASSWORD)
    assert exited.value.code == 1
    assert "--role" in capsys.readouterr().err


def test_missing_tables_are_explained_and_not_created(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert create_editor(monkeypatch) == 1
    err = capsys.readouterr().err
    assert "make run" in err
    assert "python -m ops.database upgrade" in err
    engine = make_engine(settings.gateway_database_url)
    assert not inspect(engine).has_table("admin_users")
    engine.dispose()


def test_passwords_typed_twice_must_match(
    migrated: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    typed = iter([PASSWORD, PASSWORD + "x"])
    monkeypatch.setattr("getpass.getpass", lambda prompt: next(typed))
    assert run(monkeypatch, "create-user", "--username", "itadmin", "--name", "IT", "--role", "admin") == 1
    assert "ikke ens" in capsys.readouterr().err
    assert accounts(migrated).list_users() == []


def test_unlock_and_set_password(
    migrated: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert create_editor(monkeypatch) == 0
    store = accounts(migrated)
    now = datetime.now(UTC)
    for _ in range(MAX_FAILED_LOGINS):
        with pytest.raises(LoginRefused):
            store.authenticate("anna", "forkert adgangskode", now)
    capsys.readouterr()
    assert run(monkeypatch, "list-users") == 0
    assert "låst til" in capsys.readouterr().out

    assert run(monkeypatch, "unlock", "--username", "anna") == 0
    assert capsys.readouterr().out == "Kontoen 'anna' er låst op.\n"
    assert store.authenticate("anna", PASSWORD, now).username == "anna"

    assert (
        run(monkeypatch, "set-password", "--username", "anna", "--password-stdin", stdin="en helt ny adgangskode") == 0
    )
    assert store.authenticate("anna", "en helt ny adgangskode", now).username == "anna"
    assert run(monkeypatch, "unlock", "--username", "bent") == 1
    assert capsys.readouterr().err == "Der er ingen bruger med brugernavnet 'bent'.\n"


def test_python_dash_m_bot_admin_runs(migrated: Settings) -> None:
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT), "BORGERBOT_VAR_DIR": str(migrated.var_dir)}
    result = subprocess.run(
        [sys.executable, "-m", "bot.admin", "list-users"], capture_output=True, text=True, env=env, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Der er ingen brugere endnu.")
