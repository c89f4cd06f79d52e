"""The analytics tables of the weekly fallback review: turns, checkpoints, pending turns, question groups.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def _utc() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "analytics_turns",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("event_key", sa.String(200), nullable=False, unique=True),
        sa.Column("conversation_id", sa.String(64), nullable=False),
        sa.Column("municipality", sa.String(64), nullable=False),
        sa.Column("turn_index", sa.Integer, nullable=False),
        sa.Column("at", _utc(), nullable=False),
        sa.Column("local_date", sa.Date, nullable=False),
        sa.Column("iso_week", sa.String(8), nullable=False),
        sa.Column("local_hour", sa.Integer, nullable=False),
        sa.Column("weekday", sa.Integer, nullable=False),
        sa.Column("topic", sa.String(32), nullable=True),
        sa.Column("outcome", sa.String(32), nullable=False),
        sa.Column("reason", sa.String(64), nullable=True),
        sa.Column("guide_id", sa.String(100), nullable=True),
        sa.Column("passage", sa.String(300), nullable=True),
        sa.Column("confidence", sa.Float, nullable=True),
        sa.Column("intent", sa.String(64), nullable=True),
        sa.Column("feedback", sa.String(8), nullable=True),
        sa.Column("language", sa.String(8), nullable=True),
        sa.Column("question", sa.Text, nullable=False),
        sa.Column("replies", sa.JSON, nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
    )
    op.create_index("ix_analytics_turns_conversation_id", "analytics_turns", ["conversation_id"])
    op.create_index("ix_analytics_turns_week", "analytics_turns", ["municipality", "iso_week"])
    op.create_index("ix_analytics_turns_at", "analytics_turns", ["at"])
    op.create_table(
        "analytics_checkpoints",
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("position", sa.String(200), nullable=False),
        sa.Column("updated_at", _utc(), nullable=False),
    )
    op.create_table(
        "analytics_pending",
        sa.Column("conversation_id", sa.String(64), primary_key=True),
        sa.Column("state", sa.JSON, nullable=False),
        sa.Column("updated_at", _utc(), nullable=False),
    )
    op.create_table(
        "analytics_question_groups",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("municipality", sa.String(64), nullable=False),
        sa.Column("label", sa.String(300), nullable=False),
        sa.Column("centroid", sa.JSON, nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("guide_id", sa.String(100), nullable=True),
        sa.Column("first_week", sa.String(8), nullable=False),
        sa.Column("updated_at", _utc(), nullable=False),
        sa.Column("updated_by", sa.String(64), nullable=False),
        sa.UniqueConstraint("municipality", "label", name="uq_analytics_group_label"),
    )
    op.create_index("ix_analytics_question_groups_municipality", "analytics_question_groups", ["municipality"])


def downgrade() -> None:
    op.drop_table("analytics_question_groups")
    op.drop_table("analytics_pending")
    op.drop_table("analytics_checkpoints")
    op.drop_table("analytics_turns")
