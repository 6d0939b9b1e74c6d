"""journey lanes: the channel of each touchpoint

A touchpoint may carry the channel it happens through (web, app, email, …), stored as a string
like the other enums, so adding a channel needs no migration.

Revision ID: 0014_journey_lanes
Revises: 0011_vote_clicks
Create Date: 2026-12-06 06:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014_journey_lanes"
down_revision: str | None = "0011_vote_clicks"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("touchpoint", schema=None) as batch_op:
        batch_op.add_column(sa.Column("channel", sa.String(length=20), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("touchpoint", schema=None) as batch_op:
        batch_op.drop_column("channel")
