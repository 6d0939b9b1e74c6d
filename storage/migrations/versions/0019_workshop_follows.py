"""workshop follows: who follows which workshop (its trend on their Home tab), one row per
(team, workshop, user)

Revision ID: 0019_workshop_follows
Revises: 0012_journey_templates
Create Date: 2026-12-06 09:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0019_workshop_follows"
down_revision: str | None = "0018_touchpoint_matches"  # chained after the parallel 0018 when merged
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "workshop_follow",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("workshop_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("followed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["workshop_id"],
            ["workshop.id"],
            name=op.f("fk_workshop_follow_workshop_id_workshop"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workshop_follow")),
        sa.UniqueConstraint(
            "team_id",
            "workshop_id",
            "user_id",
            name=op.f("uq_workshop_follow_team_id_workshop_id_user_id"),
        ),
    )
    with op.batch_alter_table("workshop_follow", schema=None) as batch_op:
        batch_op.create_index(
            "ix_workshop_follow_team_id_user_id", ["team_id", "user_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_workshop_follow_workshop_id"), ["workshop_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("workshop_follow", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_workshop_follow_workshop_id"))
        batch_op.drop_index("ix_workshop_follow_team_id_user_id")
    op.drop_table("workshop_follow")
