"""Proposals, votes and moderators, with a bounding-box index (SQLite R*Tree, PostgreSQL GiST).

Revision ID: 0001
Revises:
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

BOX = "box(point(min_lon, min_lat), point(max_lon, max_lat))"
RTREE_TRIGGERS = {
    "proposals_rtree_insert": "AFTER INSERT ON proposals BEGIN "
    "INSERT INTO proposals_rtree VALUES (new.id, new.min_lon, new.max_lon, new.min_lat, new.max_lat); END",
    "proposals_rtree_update": "AFTER UPDATE OF min_lon, max_lon, min_lat, max_lat ON proposals BEGIN "
    "UPDATE proposals_rtree SET min_lon = new.min_lon, max_lon = new.max_lon, "
    "min_lat = new.min_lat, max_lat = new.max_lat WHERE id = new.id; END",
    "proposals_rtree_delete": "AFTER DELETE ON proposals BEGIN "
    "DELETE FROM proposals_rtree WHERE id = old.id; END",
}


def upgrade() -> None:
    op.create_table(
        "proposals",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("token", sa.String(64), nullable=False, unique=True),
        sa.Column("site", sa.String(64), nullable=False),
        sa.Column("category", sa.String(32), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("materials", sa.Text, nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("author", sa.String(80), nullable=False),
        sa.Column("geometry", sa.JSON, nullable=False),
        sa.Column("min_lon", sa.Double, nullable=False),
        sa.Column("min_lat", sa.Double, nullable=False),
        sa.Column("max_lon", sa.Double, nullable=False),
        sa.Column("max_lat", sa.Double, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("reason", sa.Text),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("moderated_at", sa.DateTime(timezone=True)),
        sa.Column("moderated_by", sa.String(80)),
        sa.CheckConstraint("status IN ('pending', 'approved', 'rejected')", name="ck_proposals_status"),
    )
    op.create_index("ix_proposals_status_site", "proposals", ["status", "site"])
    op.create_table(
        "votes",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "proposal_id", sa.Integer, sa.ForeignKey("proposals.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("voter", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("proposal_id", "voter", name="uq_votes_proposal_voter"),
    )
    op.create_table(
        "moderators",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("username", sa.String(80), nullable=False, unique=True),
        sa.Column("password_hash", sa.String(256), nullable=False),
        sa.Column("sites", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    if op.get_bind().dialect.name == "sqlite":
        op.execute("CREATE VIRTUAL TABLE proposals_rtree USING rtree(id, min_lon, max_lon, min_lat, max_lat)")
        for name, body in RTREE_TRIGGERS.items():
            op.execute(f"CREATE TRIGGER {name} {body}")
    elif op.get_bind().dialect.name == "postgresql":
        op.execute(f"CREATE INDEX ix_proposals_bbox ON proposals USING gist (({BOX}))")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in RTREE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS proposals_rtree")
    op.drop_table("moderators")
    op.drop_table("votes")
    op.drop_index("ix_proposals_status_site", table_name="proposals")
    op.drop_table("proposals")
