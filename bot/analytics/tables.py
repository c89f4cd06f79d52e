"""The analytics tables (docs/review.md): turns, the consumer's checkpoints, unanswered-question groups.

Analytics reads only these; they are filled from Rasa's event broker and the gateway's own turns.
The schema is made by the Alembic revisions ``ops/migrations/versions/0002_analytics.py`` and
``0003_turn_message_id.py``.
"""

from __future__ import annotations

from sqlalchemy import JSON, Column, Date, Float, Index, Integer, MetaData, String, Table, Text, UniqueConstraint

from kb.content.tables import UtcDateTime

metadata = MetaData()

turns_table = Table(
    "analytics_turns",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    # Idempotency: the same event consumed twice (a broker redelivery) writes one row.
    Column("event_key", String(200), nullable=False, unique=True),
    Column("conversation_id", String(64), nullable=False),  # Rasa's sender id = the gateway session id
    Column("municipality", String(64), nullable=False),
    Column("turn_index", Integer, nullable=False),  # 0, 1, … within the conversation
    Column("at", UtcDateTime, nullable=False),  # when the citizen wrote, UTC
    Column("local_date", Date, nullable=False),  # Europe/Copenhagen
    Column("iso_week", String(8), nullable=False),  # "2026-W48", Europe/Copenhagen
    Column("local_hour", Integer, nullable=False),  # 0-23, Europe/Copenhagen
    Column("weekday", Integer, nullable=False),  # 0 = Monday, Europe/Copenhagen
    Column("topic", String(32), nullable=True),  # pas, flytning, mitid, aabningstider, or None
    # answer, clarification, escalation, feedback, hours, greeting, other_language, degraded
    Column("outcome", String(32), nullable=False),
    # escalation: request_human, out_of_scope, no_answer, second_miss, not_helpful, technical;
    # clarification: the decision's reason (low_confidence, no_match, ...)
    Column("reason", String(64), nullable=True),
    Column("guide_id", String(100), nullable=True),
    Column("passage", String(300), nullable=True),
    Column("confidence", Float, nullable=True),
    Column("intent", String(64), nullable=True),
    Column("feedback", String(8), nullable=True),  # "ja" / "nej" given to this turn's answer
    Column("language", String(8), nullable=True),  # ISO 639-1 when not Danish
    Column("question", Text, nullable=False),  # as masked by the gateway before anything kept it
    Column("replies", JSON, nullable=False),  # the bot's texts in this turn
    Column("source", String(16), nullable=False),  # "rasa" (event broker) or "gateway"
    # The gateway's id of the citizen message (sent to Rasa in the message's metadata; not Rasa's own
    # message_id): one row per message, so a degraded 503 that Rasa answered late anyway counts once.
    Column("message_id", String(64), nullable=True),
    Index("uq_analytics_turns_message_id", "message_id", unique=True),
)

checkpoints_table = Table(
    "analytics_checkpoints",
    metadata,
    Column("name", String(64), primary_key=True),  # e.g. "sql-broker"
    Column("position", String(200), nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
)

# A pending turn: the citizen's message waits here until the bot's outcome for it arrives.
pending_table = Table(
    "analytics_pending",
    metadata,
    Column("conversation_id", String(64), primary_key=True),
    Column("state", JSON, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
)

groups_table = Table(
    "analytics_question_groups",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("municipality", String(64), nullable=False),
    Column("label", String(300), nullable=False),  # its most central question
    Column("centroid", JSON, nullable=False),  # unit vector, to recognise the group next week
    Column("state", String(16), nullable=False),  # new, writing, resolved, ignored
    Column("guide_id", String(100), nullable=True),  # "resolved by guide X"
    Column("first_week", String(8), nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Column("updated_by", String(64), nullable=False),
    UniqueConstraint("municipality", "label", name="uq_analytics_group_label"),
)
