"""Kit parts: a proposal's placed parts, its project season and its bill of materials.

Three nullable columns: a proposal drawn freehand has none of them. ``parts`` holds the
placements as sent (part id, lon, lat, rotation_deg), ``bill`` the bill of materials as it was
when the proposal was sent (prices are estimates that change; a moderator judges what was sent).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


# Plain ALTER TABLE on both databases (no batch copy of the table on SQLite, which would lose the
# R*Tree triggers of revision 0001); SQLite drops a column in place since 3.35.
def upgrade() -> None:
    op.add_column("proposals", sa.Column("parts", sa.JSON, nullable=True))
    op.add_column("proposals", sa.Column("season", sa.String(16), nullable=True))
    op.add_column("proposals", sa.Column("bill", sa.JSON, nullable=True))


def downgrade() -> None:
    for column in ("bill", "season", "parts"):
        op.drop_column("proposals", column)
