"""Alembic's environment: runs the revisions on the connection ``ops.database.upgrade`` passes in.

There is no alembic.ini: the script location and the connection are set in code, so the one
database URL comes from the settings like everywhere else.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

connection = context.config.attributes.get("connection")
if not isinstance(connection, Connection):
    raise RuntimeError("run the migrations through ops.database.upgrade(url), which passes the connection")

# SQLite alters tables by copying them ("batch" mode); PostgreSQL alters them in place.
context.configure(connection=connection, render_as_batch=connection.dialect.name == "sqlite")
with context.begin_transaction():
    context.run_migrations()
