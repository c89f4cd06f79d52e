"""The staff admin's tables: guides with versions, municipality data, the published revision,
the audit log, staff accounts and their sessions (docs/admin.md, "Data").

Revision ID: 0001
Revises:
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _utc() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "content_guides",
        sa.Column("id", sa.String(100), primary_key=True),
        sa.Column("municipality", sa.String(64), nullable=False),
        sa.Column("topic", sa.String(32), nullable=False),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("owner", sa.String(200), nullable=False),
        sa.Column("last_reviewed", sa.Date, nullable=False),
        sa.Column("latest_version", sa.Integer, nullable=False),
        sa.Column("published_version", sa.Integer, nullable=True),
        sa.Column("retired_at", _utc(), nullable=True),
        sa.Column("updated_at", _utc(), nullable=False),
        sa.Column("updated_by", sa.String(64), nullable=False),
    )
    op.create_index("ix_content_guides_municipality", "content_guides", ["municipality"])
    op.create_table(
        "content_guide_versions",
        sa.Column("guide_id", sa.String(100), sa.ForeignKey("content_guides.id"), primary_key=True),
        sa.Column("number", sa.Integer, primary_key=True),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("author", sa.String(64), nullable=False),
        sa.Column("created_at", _utc(), nullable=False),
        sa.Column("note", sa.String(200), nullable=False),
    )
    op.create_table(
        "content_municipalities",
        sa.Column("slug", sa.String(64), primary_key=True),
        sa.Column("data", sa.JSON, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("updated_at", _utc(), nullable=False),
        sa.Column("updated_by", sa.String(64), nullable=False),
    )
    op.create_table(
        "content_municipality_versions",
        sa.Column("slug", sa.String(64), sa.ForeignKey("content_municipalities.slug"), primary_key=True),
        sa.Column("number", sa.Integer, primary_key=True),
        sa.Column("data", sa.JSON, nullable=False),
        sa.Column("author", sa.String(64), nullable=False),
        sa.Column("created_at", _utc(), nullable=False),
    )
    state = op.create_table(
        "content_state",
        sa.Column("key", sa.String(32), primary_key=True),
        sa.Column("revision", sa.Integer, nullable=False),
    )
    op.bulk_insert(state, [{"key": "published", "revision": 0}])
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", _utc(), nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("target", sa.String(200), nullable=False),
        sa.Column("municipality", sa.String(64), nullable=True),
        sa.Column("details", sa.JSON, nullable=True),
    )
    op.create_index("ix_audit_log_at", "audit_log", ["at"])
    op.create_table(
        "admin_users",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("username", sa.String(64), nullable=False, unique=True),
        sa.Column("full_name", sa.String(200), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("role", sa.String(32), nullable=False),
        sa.Column("municipality", sa.String(64), nullable=True),
        sa.Column("failed_logins", sa.Integer, nullable=False, server_default="0"),
        sa.Column("locked_until", _utc(), nullable=True),
        sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.Column("created_at", _utc(), nullable=False),
    )
    op.create_table(
        "admin_sessions",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("admin_users.id"), nullable=False),
        sa.Column("created_at", _utc(), nullable=False),
        sa.Column("expires_at", _utc(), nullable=False),
        sa.Column("last_seen_at", _utc(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("admin_sessions")
    op.drop_table("admin_users")
    op.drop_index("ix_audit_log_at", table_name="audit_log")
    op.drop_table("audit_log")
    op.drop_table("content_state")
    op.drop_table("content_municipality_versions")
    op.drop_table("content_municipalities")
    op.drop_table("content_guide_versions")
    op.drop_index("ix_content_guides_municipality", table_name="content_guides")
    op.drop_table("content_guides")
