"""Proposal versions and moderators' comments: the author revises a pending proposal after feedback.

``proposal_versions`` keeps every version an author sent (never overwritten; the proposal row holds
a copy of the latest); each proposal stored before this revision becomes its own version 1.
``proposal_comments`` holds moderators' notes, pinned at a point of the site or general.
Downgrading drops both tables (the proposals keep their latest version).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

COPIED = "category, title, materials, description, author, geometry, parts, season, bill"


def upgrade() -> None:
    op.create_table(
        "proposal_versions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "proposal_id", sa.Integer, sa.ForeignKey("proposals.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("category", sa.String(32), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("materials", sa.Text, nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("author", sa.String(80), nullable=False),
        sa.Column("geometry", sa.JSON, nullable=False),
        sa.Column("parts", sa.JSON, nullable=True),
        sa.Column("season", sa.String(16), nullable=True),
        sa.Column("bill", sa.JSON, nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("proposal_id", "number", name="uq_proposal_versions_number"),
        sa.CheckConstraint("number > 0", name="ck_proposal_versions_number"),
    )
    op.create_table(
        "proposal_comments",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "proposal_id", sa.Integer, sa.ForeignKey("proposals.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("moderator", sa.String(80), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("lon", sa.Double, nullable=True),
        sa.Column("lat", sa.Double, nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("(lon IS NULL) = (lat IS NULL)", name="ck_proposal_comments_point"),
    )
    op.create_index("ix_proposal_comments_proposal", "proposal_comments", ["proposal_id", "id"])
    op.execute(
        f"INSERT INTO proposal_versions (proposal_id, number, {COPIED}, created_at) "
        f"SELECT id, 1, {COPIED}, created_at FROM proposals"
    )


def downgrade() -> None:
    op.drop_index("ix_proposal_comments_proposal", table_name="proposal_comments")
    op.drop_table("proposal_comments")
    op.drop_table("proposal_versions")
