"""Rasa's SQL tracker store, without a second read of the tracker per turn, and on PostgreSQL with every
pooled connection checked before use (SQLAlchemy's pool_pre_ping).

Before saving, Rasa 3.6 streams the turn's new events to the event broker, and finds them by reading
the whole stored conversation again (every event parsed and replayed into a tracker) only to count
it; the save then counts the stored events once more, in one query. Here the broker gets the events
that count finds, the same ones, without the read (`tests/integration/test_rasa_tracker_store.py`).

Rasa builds its engine without the pre-ping and offers no option for it, so after PostgreSQL drops
the connections (a restart, a fail-over, pg_terminate_backend) the next message fails on a dead one
and the citizen gets the 503. Loaded by the Rasa server itself (Python 3.10, .venv-rasa) from the
endpoints file ops.endpoints writes; it imports Rasa and SQLAlchemy only, nothing of ours.
"""

from typing import Any

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs  # type: ignore[import-not-found]
from sqlalchemy.orm import sessionmaker


class CountingSQLTrackerStore(SQLTrackerStore):  # type: ignore[misc]
    """SQLTrackerStore that finds the events to stream by counting the stored ones, not reading them."""

    async def stream_events(self, tracker: Any) -> None:
        if self.event_broker is None:
            return
        with self.session_scope() as session:
            new_events = list(self._additional_events(session, tracker))
        await self._stream_new_events(self.event_broker, new_events, tracker.sender_id)


class PrePingSQLTrackerStore(CountingSQLTrackerStore):
    """CountingSQLTrackerStore whose engine tests a connection with a cheap round trip before handing it out."""

    engine: Any
    sessionmaker: Any

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        url = self.engine.url  # the URL object, password and all (its string form may hide it)
        self.engine.dispose()
        self.engine = sa.create_engine(url, pool_pre_ping=True, **create_engine_kwargs(url))
        self.sessionmaker = sessionmaker(bind=self.engine)
