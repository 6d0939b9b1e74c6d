"""phase calls: the "your turn" message posted in the channel once per phase change

A row is inserted (claimed) before the message is sent; the unique (team_id, phase_change_id)
pair keeps a retried request or a second replica from posting the same call twice.

Revision ID: 0016_phase_calls
Revises: 0011_vote_clicks
Create Date: 2026-12-06 06:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0016_phase_calls"
down_revision: str | None = "0011_vote_clicks"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "phase_call",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("workshop_id", sa.Integer(), nullable=False),
        sa.Column("phase_change_id", sa.Integer(), nullable=False),
        sa.Column("phase", sa.String(length=20), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ts", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.ForeignKeyConstraint(
            ["phase_change_id"],
            ["phase_change.id"],
            name=op.f("fk_phase_call_phase_change_id_phase_change"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workshop_id"],
            ["workshop.id"],
            name=op.f("fk_phase_call_workshop_id_workshop"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_phase_call")),
        sa.UniqueConstraint(
            "team_id", "phase_change_id", name=op.f("uq_phase_call_team_id_phase_change_id")
        ),
    )
    with op.batch_alter_table("phase_call", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_phase_call_workshop_id"), ["workshop_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("phase_call", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_phase_call_workshop_id"))
    op.drop_table("phase_call")
