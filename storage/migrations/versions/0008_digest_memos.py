"""digest memos: what each digest's sections remember for the next"""

import sqlalchemy as sa

from storage.migrations.parts import add_columns, drop_columns

revision: str = '0008_digest_memos'
down_revision: str | None = '0007_fixes_votes'


def upgrade() -> None:
    add_columns("digest_delivery", sa.Column("section_memos", sa.JSON(), nullable=True))


def downgrade() -> None:
    drop_columns("digest_delivery", "section_memos")
