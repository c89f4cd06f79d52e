"""Where a conversation is kept, each place as a ConversationStore that retention asks and deletes from.

Four stores hold a conversation: Rasa's tracker store, the event broker's table, the analytics tables
and the gateway's sessions with their transcript. Each is asked about its own rows only, so a
conversation left behind in one store (its deletion there failed) is still found the next time.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from sqlalchemy import (
    JSON,
    Column,
    ColumnElement,
    Connection,
    Engine,
    Table,
    case,
    cast,
    delete,
    func,
    inspect,
    select,
    type_coerce,
)

from bot.analytics.rasa_tables import broker_events_table, tracker_events_table
from bot.analytics.tables import pending_table, turns_table
from bot.sessions import make_engine as make_plain_engine
from bot.sessions import messages_table, sessions_table
from core.settings import Settings
from kb.content.engine import make_engine

# Ids per IN (...) list: well under SQLite's and PostgreSQL's limits on bound parameters.
CHUNK = 500


@dataclass(frozen=True)
class Seen:
    """A conversation's newest record in one store, and its municipality when that store knows it."""

    last_at: datetime
    municipality: str | None = None


class ConversationStore(Protocol):
    """One place conversations are kept; ``name`` is how logs and reports call it."""

    name: str

    def conversations_older_than(self, cutoff: datetime) -> dict[str, Seen]:
        """Conversations whose newest record here is before ``cutoff``, by id."""
        ...

    def last_seen(self, conversation_ids: Collection[str]) -> dict[str, Seen]:
        """The newest record here of each of these conversations this store holds."""
        ...

    def delete(self, conversation_ids: Collection[str]) -> int:
        """Delete every row of these conversations, in one transaction; how many rows."""
        ...


@dataclass(frozen=True)
class Source:
    """One table's view of conversations: the id, the time of a row and, maybe, the municipality."""

    table: Table
    conversation: ColumnElement[Any]
    time: ColumnElement[Any]
    municipality: ColumnElement[Any] | None = None
    epoch: bool = False  # the time is seconds since the epoch, not a datetime


def _chunks(ids: Collection[str]) -> Iterator[list[str]]:
    ordered = sorted(ids)
    for start in range(0, len(ordered), CHUNK):
        yield ordered[start : start + CHUNK]


def _as_utc(value: Any, epoch: bool) -> datetime:
    if epoch:
        return datetime.fromtimestamp(float(value), UTC)
    assert isinstance(value, datetime)
    # SQLite keeps no offset; every time here was written in UTC.
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _merge(into: dict[str, Seen], conversation_id: str, seen: Seen) -> None:
    """Keep the newest time and the first municipality any source named."""
    old = into.get(conversation_id)
    if old is None:
        into[conversation_id] = seen
        return
    into[conversation_id] = Seen(max(old.last_at, seen.last_at), old.municipality or seen.municipality)


class SqlConversationStore:
    """A store in one SQL database: its sources say how old a conversation is, ``deletes`` what to remove.

    A table that does not exist yet (Rasa not started, the database not migrated) holds nothing.
    """

    def __init__(self, name: str, engine: Engine, sources: Sequence[Source], deletes: Sequence[Column[Any]]) -> None:
        self.name = name
        self.engine = engine
        self.sources = tuple(sources)
        # The conversation-id column of each table to delete from, in order.
        self.deletes = tuple(deletes)
        # Whether close_stores disposes the engine (open_stores made it) or its maker does.
        self.owns_engine = False

    def _present(self, conn: Connection) -> set[str]:
        inspector = inspect(conn)
        names = {source.table.name for source in self.sources} | {column.table.name for column in self.deletes}
        return {name for name in names if inspector.has_table(name)}

    def _activity(
        self, conn: Connection, source: Source, cutoff: datetime | None, ids: list[str] | None
    ) -> dict[str, Seen]:
        last = func.max(source.time)
        columns: list[ColumnElement[Any]] = [source.conversation.label("conversation"), last.label("last")]
        if source.municipality is not None:
            columns.append(func.max(source.municipality).label("municipality"))
        query = select(*columns).where(source.conversation.is_not(None), source.time.is_not(None))
        if ids is not None:
            query = query.where(source.conversation.in_(ids))
        query = query.group_by(source.conversation)
        if cutoff is not None:
            query = query.having(last < (cutoff.timestamp() if source.epoch else cutoff.astimezone(UTC)))
        found: dict[str, Seen] = {}
        for row in conn.execute(query):
            municipality = row.municipality if source.municipality is not None else None
            _merge(found, str(row.conversation), Seen(_as_utc(row.last, source.epoch), municipality))
        return found

    def conversations_older_than(self, cutoff: datetime) -> dict[str, Seen]:
        found: dict[str, Seen] = {}
        with self.engine.connect() as conn:
            present = self._present(conn)
            for source in self.sources:
                if source.table.name in present:
                    for conversation_id, seen in self._activity(conn, source, cutoff, None).items():
                        _merge(found, conversation_id, seen)
        # A conversation older than the cutoff in one table may be newer in another.
        if len(self.sources) > 1 and found:
            return {cid: seen for cid, seen in self.last_seen(found).items() if seen.last_at < cutoff}
        return found

    def last_seen(self, conversation_ids: Collection[str]) -> dict[str, Seen]:
        found: dict[str, Seen] = {}
        with self.engine.connect() as conn:
            present = self._present(conn)
            for source in self.sources:
                if source.table.name not in present:
                    continue
                for chunk in _chunks(conversation_ids):
                    for conversation_id, seen in self._activity(conn, source, None, chunk).items():
                        _merge(found, conversation_id, seen)
        return found

    def delete(self, conversation_ids: Collection[str]) -> int:
        rows = 0
        with self.engine.begin() as conn:
            present = self._present(conn)
            for column in self.deletes:
                table = column.table
                if table.name not in present:
                    continue
                for chunk in _chunks(conversation_ids):
                    rows += int(conn.execute(delete(table).where(column.in_(chunk))).rowcount)
        return rows


def _json(engine: Engine, column: Column[Any]) -> ColumnElement[Any]:
    """Rasa's event JSON, kept as text: PostgreSQL must cast it; SQLite's json_extract reads text as it is."""
    return cast(column, JSON) if engine.dialect.name == "postgresql" else type_coerce(column, JSON)


def _rasa_source(engine: Engine, table: Table, time: ColumnElement[Any]) -> Source:
    """Rasa's events by sender id; the municipality is the one the gateway put in a user message's metadata."""
    municipality: ColumnElement[Any] = _json(engine, table.c.data)[("metadata", "municipality")].as_string()
    if "type_name" in table.c:
        # Only user messages carry it: the tracker store names the type, so the other events go unparsed.
        municipality = case((table.c.type_name == "user", municipality))
    return Source(table, table.c.sender_id, time, municipality, epoch=True)


class TrackerStore(SqlConversationStore):
    """Rasa's SQL tracker store (`events` by sender id); a conversation's age is its newest event's."""

    def __init__(self, engine: Engine) -> None:
        events = tracker_events_table.c
        source = _rasa_source(engine, tracker_events_table, events.timestamp)
        super().__init__("tracker", engine, [source], [events.sender_id])


class BrokerStore(SqlConversationStore):
    """Rasa's SQL event broker table (by sender id); an event's time is the `timestamp` in its JSON."""

    def __init__(self, engine: Engine) -> None:
        events = broker_events_table.c
        time = _json(engine, events.data)["timestamp"].as_float()
        super().__init__("broker", engine, [_rasa_source(engine, broker_events_table, time)], [events.sender_id])


class AnalyticsStore(SqlConversationStore):
    """`analytics_turns` (which know the municipality) and the turns still waiting in `analytics_pending`."""

    def __init__(self, engine: Engine) -> None:
        turns, pending = turns_table.c, pending_table.c
        sources = [
            Source(turns_table, turns.conversation_id, turns.at, turns.municipality),
            Source(pending_table, pending.conversation_id, pending.updated_at),
        ]
        super().__init__("analytics", engine, sources, [turns.conversation_id, pending.conversation_id])


class GatewayStore(SqlConversationStore):
    """The gateway's sessions (last seen, municipality) and their transcripts (bot.sessions)."""

    def __init__(self, engine: Engine) -> None:
        sessions, messages = sessions_table.c, messages_table.c
        source = Source(sessions_table, sessions.id, sessions.last_seen_at, sessions.municipality)
        super().__init__("gateway", engine, [source], [messages.session_id, sessions.id])


def open_stores(settings: Settings, app_engine: Engine | None = None) -> list[SqlConversationStore]:
    """Every store of the configured deployment; the app database's over ``app_engine`` when given
    (close them with close_stores, which leaves ``app_engine`` to its maker)."""
    app = app_engine or make_engine(settings.gateway_database_url)
    # Rasa's own files keep the journal mode Rasa gave them (the app engine turns on write-ahead logging).
    made: list[SqlConversationStore] = [TrackerStore(make_plain_engine(settings.tracker_database_url))]
    broker = settings.broker_database_url
    if broker:
        made.append(BrokerStore(make_plain_engine(broker)))
    app_stores: list[SqlConversationStore] = [AnalyticsStore(app), GatewayStore(app)]
    for store in made + (app_stores if app_engine is None else []):
        store.owns_engine = True
    return made + app_stores


def close_stores(stores: Sequence[SqlConversationStore]) -> None:
    """Release the connections of the engines open_stores made."""
    for engine in {id(store.engine): store.engine for store in stores if store.owns_engine}.values():
        engine.dispose()
