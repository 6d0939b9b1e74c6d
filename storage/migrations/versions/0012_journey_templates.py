"""journey templates: a workspace's own journeys, saved under a name unique per workspace

Revision ID: 0012_journey_templates
Revises: 0015_round_schedules
Create Date: 2026-12-06 06:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0012_journey_templates"
down_revision: str | None = "0015_round_schedules"  # the heads of parallel branches were chained when merged
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "journey_template",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
        sa.Column("name_key", sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
        sa.Column("stages", sa.JSON(), nullable=False),
        sa.Column("created_by", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_journey_template")),
        sa.UniqueConstraint(
            "team_id", "name_key", name=op.f("uq_journey_template_team_id_name_key")
        ),
    )
    with op.batch_alter_table("journey_template", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_journey_template_team_id"), ["team_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("journey_template", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_journey_template_team_id"))
    op.drop_table("journey_template")
