"""Events into ``analytics_turns``, inside the caller's transaction, so the consumer commits the turns,
the pending state and its checkpoint together (or acknowledges a RabbitMQ batch only after that).

Idempotent: a turn already written (``event_key`` is unique) is not written again, feedback sets the
same value again, and each conversation's pending state recognises events it has seen. A turn whose
citizen message already has a row (``message_id`` is unique: the gateway's degraded 503, when Rasa
answered after the gateway gave up) is not written either; see `record_gateway_turn` for the other order.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, Table, delete, func, select, update
from sqlalchemy.dialects import postgresql, sqlite

from bot.analytics.tables import checkpoints_table, pending_table, turns_table
from bot.analytics.turns import ConversationState, TurnBuilder

logger = logging.getLogger(__name__)

# A turn normally ends within seconds (its action_listen); one still open after this never will.
STALE_AFTER = timedelta(minutes=15)
# A conversation's state with no open turn is kept this long after its last event, so a redelivered
# batch is recognised; after it, the state is rebuilt from its turns if the conversation goes on.
FORGET_AFTER = timedelta(hours=2)


@dataclass
class Counts:
    """What one batch did, for the ``analytics.consumed`` log line."""

    events: int = 0
    skipped: int = 0  # seen before (a redelivery)
    turns: int = 0  # rows written
    feedback: int = 0
    conversations: int = 0

    def add(self, other: Counts) -> None:
        for name in ("events", "skipped", "turns", "feedback", "conversations"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


@contextmanager
def transaction(engine: Engine, lock: Callable[[Connection], None] | None = None) -> Iterator[Connection]:
    """One transaction, committed at the end; on any error the connection is thrown away, not pooled.

    A commit that fails can leave the driver's connection inside its transaction (SQLite after an
    explicit BEGIN); pooled, that connection's next commit would write the failed batch after all.
    """
    with engine.connect() as conn:
        try:
            if lock is not None:
                lock(conn)
            yield conn
            conn.commit()
        except BaseException:
            conn.invalidate()
            raise


def _insert(conn: Connection, table: Table) -> Any:
    """The dialect's INSERT, which has ON CONFLICT (PostgreSQL in production, SQLite embedded)."""
    return (postgresql if conn.dialect.name == "postgresql" else sqlite).insert(table)


def insert_ignoring_duplicates(
    conn: Connection, table: Table, rows: Sequence[Mapping[str, Any]], key: str, *, any_unique: bool = False
) -> int:
    """Insert the rows whose ``key`` is new (with ``any_unique``: new in every unique column); how many were."""
    if not rows:
        return 0
    statement = _insert(conn, table).values([dict(row) for row in rows])
    statement = (
        statement.on_conflict_do_nothing() if any_unique else statement.on_conflict_do_nothing(index_elements=[key])
    )
    # Counted from RETURNING: PostgreSQL's driver reports no row count for a multi-row insert (-1).
    return len(conn.execute(statement.returning(table.c[key])).all())


def insert_turns(conn: Connection, rows: Sequence[Mapping[str, Any]]) -> int:
    """Insert the turns that are new by ``event_key`` and by ``message_id``; how many were."""
    return insert_ignoring_duplicates(conn, turns_table, rows, "event_key", any_unique=True)


def record_gateway_turn(conn: Connection, row: Mapping[str, Any]) -> None:
    """The gateway's own turn; with a ``message_id``, it replaces the Rasa turn of that message if
    the consumer wrote one first (the citizen saw the gateway's reply, not Rasa's late one)."""
    if row.get("message_id") is None:
        conn.execute(turns_table.insert().values(dict(row)))
    else:
        _upsert(conn, turns_table, row, "message_id")


def _upsert(conn: Connection, table: Table, row: Mapping[str, Any], key: str) -> None:
    changed = {name: value for name, value in row.items() if name != key}
    conn.execute(_insert(conn, table).values(dict(row)).on_conflict_do_update(index_elements=[key], set_=changed))


def read_checkpoint(conn: Connection, name: str) -> str | None:
    return conn.execute(select(checkpoints_table.c.position).where(checkpoints_table.c.name == name)).scalar()


def save_checkpoint(conn: Connection, name: str, position: str) -> None:
    _upsert(conn, checkpoints_table, {"name": name, "position": position, "updated_at": datetime.now(UTC)}, "name")


def recovered_state(conn: Connection, conversation_id: str) -> ConversationState:
    """A conversation's state rebuilt from its turns, when it goes on after its state was forgotten."""
    turns = turns_table.c
    ours = (turns.conversation_id == conversation_id) & (turns.source == "rasa")
    count = int(conn.execute(select(func.count()).select_from(turns_table).where(ours)).scalar() or 0)
    if not count:
        return ConversationState()
    newest = select(turns.event_key, turns.topic).where(ours).order_by(turns.at.desc(), turns.id.desc()).limit(1)
    answer = conn.execute(newest.where(turns.outcome == "answer")).first()
    latest = conn.execute(newest).first()
    return ConversationState(
        next_index=count,
        last_answer_key=answer.event_key if answer else None,
        last_topic=latest.topic if latest else None,
    )


class TurnWriter:
    """Applies events to the conversations' pending states and writes the turns they end."""

    def __init__(self, default_municipality: str) -> None:
        self.default_municipality = default_municipality

    def _states(self, conn: Connection, conversation_ids: Iterable[str]) -> dict[str, ConversationState]:
        ids = list(conversation_ids)
        query = select(pending_table.c.conversation_id, pending_table.c.state)
        found = {
            row.conversation_id: row.state
            for row in conn.execute(query.where(pending_table.c.conversation_id.in_(ids)))
        }
        return {
            cid: ConversationState.from_json(found[cid]) if cid in found else recovered_state(conn, cid) for cid in ids
        }

    def _write(self, conn: Connection, built: Sequence[TurnBuilder]) -> Counts:
        counts = Counts(conversations=len(built), skipped=sum(b.skipped for b in built))
        # Rows first: a "Ja" may judge an answer of the same batch.
        counts.turns = insert_turns(conn, [row for b in built for row in b.rows])
        now = datetime.now(UTC)
        for builder in built:
            for judged in builder.feedback:
                conn.execute(
                    update(turns_table)
                    .where(turns_table.c.event_key == judged.event_key)
                    .values(feedback=judged.feedback)
                )
                counts.feedback += 1
            row = {"conversation_id": builder.conversation_id, "state": builder.state.to_json(), "updated_at": now}
            _upsert(conn, pending_table, row, "conversation_id")
        return counts

    def apply(self, conn: Connection, events: Sequence[Mapping[str, Any]]) -> Counts:
        """Apply Rasa's events (each with its ``sender_id``, in the order published) and write what they end."""
        by_conversation: dict[str, list[Mapping[str, Any]]] = {}
        for event in events:
            sender = event.get("sender_id")
            if isinstance(sender, str) and isinstance(event.get("timestamp"), int | float):
                by_conversation.setdefault(sender, []).append(event)
            else:
                logger.warning("analytics.event_unreadable", extra={"kind": event.get("event")})
        states = self._states(conn, by_conversation)
        built = [
            TurnBuilder(cid, states[cid], self.default_municipality).feed(evs) for cid, evs in by_conversation.items()
        ]
        counts = self._write(conn, built)
        counts.events = len(events)
        return counts

    def flush_stale(self, conn: Connection, now: datetime) -> Counts:
        """End the turns open since before ``now - STALE_AFTER``; forget idle states (see FORGET_AFTER).

        Run only when caught up with the broker: a turn's last events may be waiting there.
        """
        pending = pending_table.c
        query = select(pending.conversation_id, pending.state, pending.updated_at)
        stale = conn.execute(query.where(pending.updated_at < now - STALE_AFTER))
        built, forgotten = [], []
        for row in stale:
            state = ConversationState.from_json(row.state)
            if state.open_turn is not None:
                built.append(TurnBuilder(row.conversation_id, state, self.default_municipality).flush())
            elif row.updated_at < now - FORGET_AFTER:
                forgotten.append(row.conversation_id)
        counts = self._write(conn, built)
        if forgotten:
            conn.execute(delete(pending_table).where(pending.conversation_id.in_(forgotten)))
        return counts
