"""Helpers of the retention tests: the four stores in real databases, conversations seeded by hand
with known ages, and what is left of each conversation in every table."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, insert, select, text

from bot.analytics.retention_stores import AnalyticsStore, BrokerStore, GatewayStore, SqlConversationStore, TrackerStore
from bot.analytics.tables import pending_table, turns_table
from bot.sessions import messages_table, sessions_table
from bot.sessions import metadata as sessions_metadata
from core.settings import PROJECT_ROOT, Settings
from kb.content.engine import make_engine
from kb.municipalities import Municipality, load_municipalities
from ops.database import upgrade

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
QUESTION = "Hvad koster et pas til mit barn?"
REPLY = "Et pas til et barn koster 177 kr."
STORES = ("tracker", "broker", "analytics", "gateway")

# Rasa's tables as Rasa 3.6 makes them (rasa.core.tracker_store.SQLEvent, rasa.core.brokers.sql.SQLBrokerEvent),
# written out here so the test does not lean on the code's own description of them.
_SERIAL = {"sqlite": "INTEGER PRIMARY KEY", "postgresql": "SERIAL PRIMARY KEY"}
TRACKER_DDL = (
    "CREATE TABLE events (id {serial}, sender_id VARCHAR(255) NOT NULL, type_name VARCHAR(255) NOT NULL, "
    "timestamp FLOAT, intent_name VARCHAR(255), action_name VARCHAR(255), data TEXT)",
    "CREATE INDEX ix_events_sender_id ON events (sender_id)",
)
BROKER_DDL = ("CREATE TABLE events (id {serial}, sender_id VARCHAR(255), data TEXT)",)


def create_rasa_tables(tracker: Engine, broker: Engine) -> None:
    for engine, statements in ((tracker, TRACKER_DDL), (broker, BROKER_DDL)):
        with engine.begin() as conn:
            for statement in statements:
                conn.execute(text(statement.format(serial=_SERIAL[engine.dialect.name])))


@dataclass(frozen=True)
class Databases:
    """The app database (analytics, gateway sessions, audit), Rasa's tracker store, the broker's own."""

    app: Engine
    tracker: Engine
    broker: Engine

    def stores(self) -> list[SqlConversationStore]:
        return [TrackerStore(self.tracker), BrokerStore(self.broker), AnalyticsStore(self.app), GatewayStore(self.app)]

    def prepare(self) -> None:
        """Rasa's tables by hand and the gateway's session tables (the analytics ones come from the migration)."""
        create_rasa_tables(self.tracker, self.broker)
        sessions_metadata.create_all(self.app)


def shipped_databases(settings: Settings) -> Databases:
    """The databases a development deployment uses under the settings' var/ folder: the app database
    migrated, Rasa's tables made as Rasa makes them."""
    upgrade(settings.gateway_database_url)
    assert settings.broker_database_url
    db = Databases(
        app=make_engine(settings.gateway_database_url),
        tracker=make_engine(settings.tracker_database_url),
        broker=make_engine(settings.broker_database_url),
    )
    db.prepare()
    return db


def _rasa_events(conversation_id: str, last_at: datetime, municipality: str | None) -> list[dict[str, object]]:
    """A user message and the bot's answer a second later (at ``last_at``), as Rasa stores them."""
    asked = (last_at - timedelta(seconds=1)).timestamp()
    return [
        {
            "event": "user",
            "timestamp": asked,
            "text": QUESTION,
            "parse_data": {"intent": {"name": "pas_pris"}},
            "metadata": {"municipality": municipality} if municipality else {},
            "sender_id": conversation_id,
        },
        {"event": "bot", "timestamp": last_at.timestamp(), "text": REPLY, "sender_id": conversation_id},
    ]


def seed(
    db: Databases,
    conversation_id: str,
    municipality: str | None,
    last_at: datetime,
    stores: Collection[str] = STORES,
    *,
    pending_at: datetime | None = None,
) -> None:
    """One conversation, its last activity at ``last_at``, in the chosen stores (analytics and the gateway
    know its municipality; without one it is only in Rasa's stores)."""
    events = _rasa_events(conversation_id, last_at, municipality)
    if "tracker" in stores:
        with db.tracker.begin() as conn:
            for event in events:
                conn.execute(
                    text(
                        "INSERT INTO events (sender_id, type_name, timestamp, intent_name, data) "
                        "VALUES (:sender, :type, :ts, :intent, :data)"
                    ),
                    {
                        "sender": conversation_id,
                        "type": event["event"],
                        "ts": event["timestamp"],
                        "intent": "pas_pris" if event["event"] == "user" else None,
                        "data": json.dumps(event),
                    },
                )
    if "broker" in stores:
        with db.broker.begin() as conn:
            for event in events:
                conn.execute(
                    text("INSERT INTO events (sender_id, data) VALUES (:sender, :data)"),
                    {"sender": conversation_id, "data": json.dumps(event)},
                )
    if "analytics" in stores and municipality:
        with db.app.begin() as conn:
            conn.execute(
                insert(turns_table).values(
                    event_key=f"{conversation_id}:0",
                    conversation_id=conversation_id,
                    municipality=municipality,
                    turn_index=0,
                    at=last_at - timedelta(seconds=1),
                    local_date=last_at.date(),
                    iso_week="2026-W48",
                    local_hour=13,
                    weekday=0,
                    topic="pas",
                    outcome="answer",
                    question=QUESTION,
                    replies=[REPLY],
                    source="rasa",
                )
            )
            if pending_at is not None:
                conn.execute(
                    insert(pending_table).values(
                        conversation_id=conversation_id, state={"question": QUESTION}, updated_at=pending_at
                    )
                )
    if "gateway" in stores and municipality:
        with db.app.begin() as conn:
            conn.execute(
                insert(sessions_table).values(
                    id=conversation_id,
                    municipality=municipality,
                    created_at=last_at - timedelta(minutes=5),
                    last_seen_at=last_at,
                )
            )
            conn.execute(
                insert(messages_table),
                [
                    {
                        "session_id": conversation_id,
                        "role": "citizen",
                        "body": {"text": QUESTION},
                        "created_at": last_at,
                    },
                    {"session_id": conversation_id, "role": "bot", "body": {"text": REPLY}, "created_at": last_at},
                ],
            )


def left(db: Databases) -> dict[str, set[str]]:
    """The conversation ids left in every table of every store."""
    tables = {
        "tracker": (db.tracker, "SELECT DISTINCT sender_id FROM events"),
        "broker": (db.broker, "SELECT DISTINCT sender_id FROM events"),
    }
    found = {name: _ids(engine, query) for name, (engine, query) in tables.items()}
    with db.app.connect() as conn:
        found["analytics_turns"] = set(conn.execute(select(turns_table.c.conversation_id)).scalars())
        found["analytics_pending"] = set(conn.execute(select(pending_table.c.conversation_id)).scalars())
        found["sessions"] = set(conn.execute(select(sessions_table.c.id)).scalars())
        found["messages"] = set(conn.execute(select(messages_table.c.session_id)).scalars())
    return found


def _ids(engine: Engine, query: str) -> set[str]:
    with engine.connect() as conn:
        return {str(row[0]) for row in conn.execute(text(query))}


def conversation_id(name: str) -> str:
    """A conversation id shaped like the gateway's (32 hex digits), so a log holding one is caught."""
    return hashlib.sha256(name.encode()).hexdigest()[:32]


def municipalities(retention: Mapping[str, int]) -> dict[str, Municipality]:
    """The shipped municipalities with the given retention_days."""
    shipped = load_municipalities(PROJECT_ROOT / "kb")
    return {slug: shipped[slug].model_copy(update={"retention_days": days}) for slug, days in retention.items()}


# Kalundborg keeps conversations 14 days, Høje-Taastrup 120: a conversation tied to neither keeps 120.
RETENTION = {"kalundborg": 14, "hoeje-taastrup": 120}
# (name, municipality, days since its last activity, the stores holding it, due)
SCENARIO: list[tuple[str, str | None, int, tuple[str, ...], bool]] = [
    ("kalundborg-due", "kalundborg", 15, STORES, True),
    ("kalundborg-kept", "kalundborg", 13, STORES, False),
    ("taastrup-kept", "hoeje-taastrup", 100, STORES, False),
    ("taastrup-due", "hoeje-taastrup", 121, STORES, True),
    ("unknown-kept", None, 100, ("tracker", "broker"), False),
    ("unknown-due", None, 125, ("tracker", "broker"), True),
    # Left in one store by an earlier deletion that failed elsewhere.
    ("leftover-due", "kalundborg", 20, ("analytics",), True),
]
# Old in Rasa's stores and analytics, but the citizen came back to it through the gateway 2 days ago.
ACTIVE = "kalundborg-active"
# An old turn, and a pending one updated yesterday.
PENDING = "kalundborg-pending"
TABLES_OF = {
    "tracker": ("tracker",),
    "broker": ("broker",),
    "analytics": ("analytics_turns",),
    "gateway": ("sessions", "messages"),
}


def seed_scenario(db: Databases) -> dict[str, set[str]]:
    """Seed every conversation of the scenario; the ids each table must keep."""
    keep: dict[str, set[str]] = {table: set() for tables in TABLES_OF.values() for table in tables}
    keep["analytics_pending"] = set()
    for name, municipality, days, stores, due in SCENARIO:
        cid = conversation_id(name)
        seed(db, cid, municipality, NOW - timedelta(days=days), stores)
        for store in stores:
            if not due and (municipality or store in ("tracker", "broker")):
                for table in TABLES_OF[store]:
                    keep[table].add(cid)
    active = conversation_id(ACTIVE)
    seed(db, active, "kalundborg", NOW - timedelta(days=20), ("tracker", "broker", "analytics"))
    seed(db, active, "kalundborg", NOW - timedelta(days=2), ("gateway",))
    pending = conversation_id(PENDING)
    seed(db, pending, "kalundborg", NOW - timedelta(days=20), ("analytics",), pending_at=NOW - timedelta(days=1))
    for table in keep:
        if table != "analytics_pending":
            keep[table].add(active)
    keep["analytics_turns"].add(pending)
    keep["analytics_pending"].add(pending)
    return keep


def due_ids() -> set[str]:
    return {conversation_id(name) for name, _, _, _, due in SCENARIO if due}
