"""Rasa's own tables, which Rasa creates: we read them (the consumer) and delete from them (retention).

Defined once here, as Rasa 3.6 defines them (rasa.core.tracker_store.SQLTrackerStore.SQLEvent,
rasa.core.brokers.sql.SQLEventBroker.SQLBrokerEvent); both are named ``events``, so they live in
databases of their own.
"""

from __future__ import annotations

from sqlalchemy import Column, Float, Integer, MetaData, String, Table, Text

# Rasa's SQL tracker store (rasa.core.tracker_store.SQLTrackerStore.SQLEvent); Rasa creates it.
tracker_events_table = Table(
    "events",
    MetaData(),
    Column("id", Integer, primary_key=True),
    Column("sender_id", String(255), nullable=False, index=True),
    Column("type_name", String(255), nullable=False),
    Column("timestamp", Float),  # seconds since the epoch
    Column("intent_name", String(255)),
    Column("action_name", String(255)),
    Column("data", Text),
)
# Rasa's SQL event broker (rasa.core.brokers.sql.SQLEventBroker.SQLBrokerEvent), in a database of
# its own; no time column: each event's JSON in `data` has its `timestamp`.
broker_events_table = Table(
    "events",
    MetaData(),
    Column("id", Integer, primary_key=True),
    Column("sender_id", String(255)),
    Column("data", Text),
)
