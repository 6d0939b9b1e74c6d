"""vote clicks: the journal that makes a vote click durable before it is acknowledged

A click is written to `vote_click` in a transaction of its own, which no lock held on the
voter's ballot or participant row can delay (the table has no foreign keys for that reason), then
acknowledged, then applied to the ballot; `applied_at` marks it applied (a refused click is
deleted).

Revision ID: 0010_vote_clicks
Revises: 0009_gap_rating_raters
Create Date: 2026-12-06 03:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0011_vote_clicks"
down_revision: str | None = "0010_board_posts"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "vote_click",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("click_key", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("workshop_id", sa.Integer(), nullable=False),
        sa.Column("voter_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("fix_id", sa.Integer(), nullable=False),
        sa.Column("shown", sa.Integer(), nullable=False),
        sa.Column("wanted", sa.Integer(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("applied_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("changed", sa.Boolean(), nullable=False),
        sa.CheckConstraint(
            "shown >= 0 AND wanted >= 0 AND (wanted - shown = 1 OR shown - wanted = 1)",
            name=op.f("ck_vote_click_one_step"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vote_click")),
        sa.UniqueConstraint("team_id", "click_key", name=op.f("uq_vote_click_team_id_click_key")),
    )
    with op.batch_alter_table("vote_click", schema=None) as batch_op:
        batch_op.create_index("ix_vote_click_voter", ["workshop_id", "voter_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_vote_click_applied_at"), ["applied_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("vote_click", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_vote_click_applied_at"))
        batch_op.drop_index("ix_vote_click_voter")
    op.drop_table("vote_click")
