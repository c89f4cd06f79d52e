"""Rasa's SQL tracker store, with every pooled connection checked before use (SQLAlchemy's pool_pre_ping).

Rasa 3.6 builds its engine without that check and offers no option for it, so after PostgreSQL drops
the connections (a restart, a fail-over, pg_terminate_backend) the next message fails on a dead one
and the citizen gets the 503. Loaded by the Rasa server itself (Python 3.10, .venv-rasa) from the
endpoints file ops.endpoints writes; it imports Rasa and SQLAlchemy only, nothing of ours.
"""

from typing import Any

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs  # type: ignore[import-not-found]
from sqlalchemy.orm import sessionmaker


class PrePingSQLTrackerStore(SQLTrackerStore):  # type: ignore[misc]
    """SQLTrackerStore whose engine tests a connection with a cheap round trip before handing it out."""

    engine: Any
    sessionmaker: Any

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        url = self.engine.url  # the URL object, password and all (its string form may hide it)
        self.engine.dispose()
        self.engine = sa.create_engine(url, pool_pre_ping=True, **create_engine_kwargs(url))
        self.sessionmaker = sessionmaker(bind=self.engine)
