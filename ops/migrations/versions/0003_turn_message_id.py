"""The gateway's id of each citizen message on analytics_turns, unique: a message answered with the
degraded 503 that Rasa answered late anyway is one row, not two (docs/review.md, "Gateway turns").

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Nullable: the rows before it, and the gateway's own turns Rasa never saw, have none.
    op.add_column("analytics_turns", sa.Column("message_id", sa.String(64), nullable=True))
    op.create_index("uq_analytics_turns_message_id", "analytics_turns", ["message_id"], unique=True)


def downgrade() -> None:
    op.drop_index("uq_analytics_turns_message_id", table_name="analytics_turns")
    with op.batch_alter_table("analytics_turns") as batch:
        batch.drop_column("message_id")
