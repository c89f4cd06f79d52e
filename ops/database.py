"""The app database's schema, migrated by Alembic to the newest revision (``ops/migrations``).

``upgrade(url)`` is what ``make run``, the tests and a deploy call; ``python -m ops.database upgrade``
migrates the configured database (``BORGERBOT_DATABASE_URL``, or SQLite ``var/borgerbot.db``).
"""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection, create_engine, text
from sqlalchemy.engine import make_url

from core.log import configure_logging
from core.settings import get_settings
from kb.content.engine import make_engine

logger = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
# Any fixed number: PostgreSQL's advisory lock that lets one process migrate at a time.
_MIGRATION_LOCK = 1_486_214_401


def alembic_config(connection: Connection) -> Config:
    """Alembic's configuration in code (no alembic.ini), running on ``connection``."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    return config


def _lock(connection: Connection) -> None:
    """Serialise migrations between processes (two gateways starting at once), and make SQLite's DDL
    transactional: a failed revision leaves nothing half-made."""
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_MIGRATION_LOCK})")
    elif connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def upgrade(url: str) -> None:
    """Migrate the database at ``url`` to the newest revision; a database already there is left as it is."""
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            _lock(connection)
            before = MigrationContext.configure(connection).get_current_revision()
            command.upgrade(alembic_config(connection), "head")
            after = MigrationContext.configure(connection).get_current_revision()
            connection.commit()
    finally:
        engine.dispose()
    database = make_url(url).render_as_string(hide_password=True)
    logger.info("database.upgraded", extra={"database": database, "from_revision": before, "to_revision": after})


def ensure_database(url: str) -> bool:
    """Create the PostgreSQL database ``url`` names when it does not exist yet; True when it was made.

    Connects to the server's ``postgres`` database to do it, so the role needs CREATEDB (a municipality's
    DBA usually makes the database beforehand, and then nothing happens here). SQLite makes its file itself.
    """
    target = make_url(url)
    if target.get_backend_name() != "postgresql" or not target.database:
        return False
    maintenance = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with maintenance.connect() as connection:
            exists = connection.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": target.database}
            ).first()
            if exists:
                return False
            name = connection.dialect.identifier_preparer.quote(target.database)
            connection.exec_driver_sql(f"CREATE DATABASE {name}")
    finally:
        maintenance.dispose()
    logger.info("database.created", extra={"database": target.render_as_string(hide_password=True)})
    return True


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m ops.database", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("upgrade", help="migrate the configured database to the newest revision")
    parser.parse_args(argv)
    settings = get_settings()
    configure_logging(settings.log_level)
    upgrade(settings.gateway_database_url)


if __name__ == "__main__":
    main()
