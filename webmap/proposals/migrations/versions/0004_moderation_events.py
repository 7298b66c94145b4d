"""Moderation events: every approval, rejection and return to the queue, with who and when.

Undoing a decision puts a proposal back to pending and clears its ``moderated_at`` and
``moderated_by``; the events keep the record. The decisions taken before this revision become
events from those two columns. Downgrading drops the log (the proposals keep their status).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "moderation_events",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "proposal_id", sa.Integer, sa.ForeignKey("proposals.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("moderator", sa.String(80), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.Text, nullable=True),
        sa.CheckConstraint(
            "action IN ('approved', 'rejected', 'reopened')", name="ck_moderation_events_action"
        ),
    )
    op.create_index("ix_moderation_events_proposal", "moderation_events", ["proposal_id", "at"])
    op.execute(
        "INSERT INTO moderation_events (proposal_id, action, moderator, at, reason) "
        "SELECT id, status, COALESCE(moderated_by, 'unknown'), moderated_at, reason FROM proposals "
        "WHERE status IN ('approved', 'rejected') AND moderated_at IS NOT NULL"
    )


def downgrade() -> None:
    op.drop_index("ix_moderation_events_proposal", table_name="moderation_events")
    op.drop_table("moderation_events")
