"""board posts: when an unanswered board post was sent, and which replica is posting the board

A board post whose outcome is unknown (Slack timed out or answered 5xx) is recorded with the
time it was sent, so the board is looked for in the channel's history before it is posted again;
a claim time keeps two replicas from posting the same board at once.

Revision ID: 0010_board_posts
Revises: 0009_gap_rating_raters
Create Date: 2026-12-06 03:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010_board_posts"
down_revision: str | None = "0009_gap_rating_raters"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("workshop", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("board_post_sent_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("board_claimed_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("workshop", schema=None) as batch_op:
        batch_op.drop_column("board_claimed_at")
        batch_op.drop_column("board_post_sent_at")
