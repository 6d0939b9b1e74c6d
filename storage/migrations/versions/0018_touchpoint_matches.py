"""touchpoint matches: confirmed or rejected name matches between workshops (benchmarking)

Revision ID: 0018_touchpoint_matches
Revises: 0012_journey_templates
Create Date: 2026-12-07 09:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0018_touchpoint_matches"
down_revision: str | None = "0012_journey_templates"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "touchpoint_match",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("touchpoint_a_id", sa.Integer(), nullable=False),
        sa.Column("touchpoint_b_id", sa.Integer(), nullable=False),
        sa.Column("verdict", sa.String(length=10), nullable=False),
        sa.Column("decided_by", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "touchpoint_a_id < touchpoint_b_id", name=op.f("ck_touchpoint_match_pair_ordered")
        ),
        sa.CheckConstraint(
            "verdict IN ('confirmed', 'rejected')", name=op.f("ck_touchpoint_match_verdict_known")
        ),
        sa.ForeignKeyConstraint(
            ["touchpoint_a_id"],
            ["touchpoint.id"],
            name=op.f("fk_touchpoint_match_touchpoint_a_id_touchpoint"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["touchpoint_b_id"],
            ["touchpoint.id"],
            name=op.f("fk_touchpoint_match_touchpoint_b_id_touchpoint"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_touchpoint_match")),
        sa.UniqueConstraint(
            "team_id",
            "touchpoint_a_id",
            "touchpoint_b_id",
            name=op.f("uq_touchpoint_match_team_id_touchpoint_a_id_touchpoint_b_id"),
        ),
    )
    with op.batch_alter_table("touchpoint_match", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_touchpoint_match_team_id"), ["team_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_touchpoint_match_touchpoint_a_id"), ["touchpoint_a_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_touchpoint_match_touchpoint_b_id"), ["touchpoint_b_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("touchpoint_match", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_touchpoint_match_touchpoint_b_id"))
        batch_op.drop_index(batch_op.f("ix_touchpoint_match_touchpoint_a_id"))
        batch_op.drop_index(batch_op.f("ix_touchpoint_match_team_id"))
    op.drop_table("touchpoint_match")
