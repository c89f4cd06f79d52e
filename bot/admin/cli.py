"""`python -m bot.admin`: staff accounts from the command line (the first admin, a forgotten password).

A password is read twice without echo (getpass), or once from standard input with
`--password-stdin` for scripts; there is never a default. The command migrates nothing: the
tables come from `make run` or `python -m ops.database upgrade`.
"""

from __future__ import annotations

import argparse
import getpass
import logging
import sys
from collections.abc import Callable, Collection
from datetime import UTC, datetime
from typing import NoReturn

from sqlalchemy import Engine, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from bot.admin.accounts import AccountStore
from bot.admin.policy import AccountError, new_account
from bot.admin.roles import Role
from bot.admin.tables import StaffUser, sessions_table, users_table
from core.log import configure_logging
from core.settings import Settings, get_settings
from kb.content.engine import make_engine
from kb.content.municipality_store import MunicipalityStore
from kb.content.tables import audit_table, municipalities_table
from kb.municipalities import load_municipalities

logger = logging.getLogger(__name__)

# The tables this command reads and writes; without them the database has not been migrated.
REQUIRED_TABLES = (users_table.name, sessions_table.name, audit_table.name)


class CommandError(Exception):
    """The command cannot do what was asked; the message (Danish) goes to stderr, exit code 1."""


class _Parser(argparse.ArgumentParser):
    """argparse that exits 1 on bad input, like every other refusal of this command."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(1, f"{self.prog}: fejl: {message}\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m bot.admin", description="Borgerbots personalekonti: opret, vis, lås op.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    create = commands.add_parser("create-user", help="opret en bruger")
    create.add_argument("--username", required=True)
    create.add_argument("--name", required=True, help="brugerens fulde navn")
    create.add_argument("--role", required=True, choices=[role.value for role in Role])
    create.add_argument("--municipality", help="kommunens slug (redaktør og leder), fx kalundborg")
    create.add_argument("--password-stdin", action="store_true", help="læs adgangskoden fra standard input")
    commands.add_parser("list-users", help="vis alle brugere")
    unlock = commands.add_parser("unlock", help="lås en konto op efter for mange forkerte forsøg")
    unlock.add_argument("--username", required=True)
    password = commands.add_parser("set-password", help="giv en bruger en ny adgangskode")
    password.add_argument("--username", required=True)
    password.add_argument("--password-stdin", action="store_true", help="læs adgangskoden fra standard input")
    return parser


def _actor() -> str:
    """Who the audit log names: the operating-system user at the command line."""
    try:
        name = getpass.getuser()
    except (OSError, KeyError):  # no login name in a bare container
        name = "ukendt"
    return f"cli:{name}"[:64]


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise CommandError("Ingen adgangskode på standard input.")
        return password
    password = getpass.getpass("Adgangskode: ")
    if getpass.getpass("Gentag adgangskoden: ") != password:
        raise CommandError("De to adgangskoder er ikke ens. Intet er ændret.")
    return password


def _check_tables(engine: Engine) -> None:
    try:
        present = set(inspect(engine).get_table_names())
    except OperationalError as exc:
        where = make_url(str(engine.url)).render_as_string(hide_password=True)
        raise CommandError(f"Databasen ({where}) kan ikke nås: {exc.orig}") from None
    if not set(REQUIRED_TABLES) <= present:
        raise CommandError(
            "Databasen har ikke brugertabellerne endnu. "
            "Kør 'make run' eller 'python -m ops.database upgrade' først, og prøv igen."
        )


def _known_municipalities(settings: Settings, engine: Engine) -> Collection[str]:
    """The municipalities an account may belong to: the shipped ones and those in the content database."""
    known = set(load_municipalities(settings.kb_dir))
    if inspect(engine).has_table(municipalities_table.name):
        known |= set(MunicipalityStore(engine).municipalities())
    return known


def _existing(store: AccountStore, username: str) -> StaffUser:
    user = store.find(username)
    if user is None:
        raise CommandError(f"Der er ingen bruger med brugernavnet '{username}'.")
    return user


def _create_user(args: argparse.Namespace, store: AccountStore, settings: Settings) -> str:
    known = _known_municipalities(settings, store.engine)
    # Every field is checked before the password is asked for, so a typo costs no typing.
    username, full_name, role, municipality = new_account(args.username, args.name, args.role, args.municipality, known)
    if store.find(username) is not None:
        raise CommandError(f"Brugernavnet '{username}' er allerede i brug.")
    password = _read_password(args.password_stdin)
    user = store.create_user(username, full_name, password, role, municipality, _actor(), known)
    where = f" i {user.municipality}" if user.municipality else ""
    return f"Brugeren '{user.username}' ({user.role.label}{where}) er oprettet.\n"


def _list_users(args: argparse.Namespace, store: AccountStore, settings: Settings) -> str:
    users = store.list_users()
    if not users:
        return "Der er ingen brugere endnu. Opret den første med 'python -m bot.admin create-user --role admin …'.\n"
    now = datetime.now(UTC)
    lines = []
    for user in users:
        if not user.active:
            status = "deaktiveret"
        elif user.locked_until is not None and user.locked_until > now:
            status = f"låst til {user.locked_until.astimezone():%H:%M}"
        else:
            status = "aktiv"
        lines.append(f"{user.username}\t{user.full_name}\t{user.role.label}\t{user.municipality or '-'}\t{status}\n")
    return "".join(lines)


def _unlock(args: argparse.Namespace, store: AccountStore, settings: Settings) -> str:
    user = store.unlock(_existing(store, args.username).id, _actor())
    return f"Kontoen '{user.username}' er låst op.\n"


def _set_password(args: argparse.Namespace, store: AccountStore, settings: Settings) -> str:
    user = _existing(store, args.username)
    store.set_password(user.id, _read_password(args.password_stdin), _actor())
    return f"Adgangskoden for '{user.username}' er ændret; brugerens sessioner er afsluttet.\n"


COMMANDS: dict[str, Callable[[argparse.Namespace, AccountStore, Settings], str]] = {
    "create-user": _create_user,
    "list-users": _list_users,
    "unlock": _unlock,
    "set-password": _set_password,
}


def main(argv: list[str] | None = None) -> int:
    """Run one command; 0 when done, 1 (a Danish message on stderr) when refused."""
    args = _parser().parse_args(argv)
    settings = get_settings()
    # The terminal is for the Danish messages; events below a warning are in the audit log already.
    configure_logging(max(settings.log_level.upper(), "WARNING", key=logging.getLevelName))
    engine = make_engine(settings.gateway_database_url)
    try:
        _check_tables(engine)
        output = COMMANDS[args.command](args, AccountStore(engine), settings)
    except (CommandError, AccountError) as exc:
        logger.info("admin.cli.refused", extra={"command": args.command})
        sys.stderr.write(f"{exc}\n")
        return 1
    finally:
        engine.dispose()
    sys.stdout.write(output)
    return 0
