"""Budget ballots: each site's closing date, and each participant's choice of approved proposals.

Downgrading drops both tables (the ballots are lost; proposals and votes stay).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ballots",
        sa.Column("site", sa.String(64), primary_key=True),
        sa.Column("closes_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("set_by", sa.String(80), nullable=False),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "ballot_choices",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("site", sa.String(64), nullable=False),
        sa.Column(
            "participant_id", sa.Integer, sa.ForeignKey("participants.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column(
            "proposal_id", sa.Integer, sa.ForeignKey("proposals.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("participant_id", "proposal_id", name="uq_ballot_choices_participant_proposal"),
    )
    op.create_index("ix_ballot_choices_site", "ballot_choices", ["site", "participant_id"])


def downgrade() -> None:
    op.drop_index("ix_ballot_choices_site", table_name="ballot_choices")
    op.drop_table("ballot_choices")
    op.drop_table("ballots")
