"""digest memos: what each digest's sections remember for the next

Revision ID: 0008_digest_memos
Revises: 0007_fixes_votes
Create Date: 2026-11-22 23:23:51.547875
"""

from collections.abc import Sequence

import sqlalchemy as sa

from storage.migrations.parts import add_columns, drop_columns

revision: str = '0008_digest_memos'
down_revision: str | None = '0007_fixes_votes'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    add_columns("digest_delivery", sa.Column("section_memos", sa.JSON(), nullable=True))


def downgrade() -> None:
    drop_columns("digest_delivery", "section_memos")
