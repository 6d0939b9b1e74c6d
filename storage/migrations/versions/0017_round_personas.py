"""round personas: the persona a whole rating round is rated for (the facilitator's round per
persona), one per workshop and round

Revision ID: 0017_round_personas
Revises: 0012_journey_templates
Create Date: 2026-12-06 09:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0017_round_personas"
down_revision: str | None = "0019_workshop_follows"  # chained after the parallel 0018 and 0019 when merged
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "round_persona",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("workshop_id", sa.Integer(), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("persona_id", sa.Integer(), nullable=False),
        sa.Column("set_by", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("round >= 1", name=op.f("ck_round_persona_round_positive")),
        sa.ForeignKeyConstraint(
            ["workshop_id"],
            ["workshop.id"],
            name=op.f("fk_round_persona_workshop_id_workshop"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["persona_id"],
            ["persona.id"],
            name=op.f("fk_round_persona_persona_id_persona"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_round_persona")),
        sa.UniqueConstraint(
            "workshop_id", "round", name=op.f("uq_round_persona_workshop_id_round")
        ),
    )
    with op.batch_alter_table("round_persona", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_round_persona_team_id"), ["team_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("round_persona", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_round_persona_team_id"))
    op.drop_table("round_persona")
