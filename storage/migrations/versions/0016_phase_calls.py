"""phase calls: the "your turn" message posted in the channel once per phase change

A row is inserted (claimed) before the message is sent; the unique (team_id, phase_change_id)
pair keeps a retried request or a second replica from posting the same call twice.
"""

import sqlalchemy as sa

from storage.migrations.parts import create_table, drop_table, integer, moment, slack_id

revision: str = "0016_phase_calls"
down_revision: str | None = "0011_vote_clicks"


def upgrade() -> None:
    create_table(
        "phase_call",
        integer("phase_change_id"),
        sa.Column("phase", sa.String(length=20), nullable=False),
        moment("claimed_at"),
        slack_id("ts", nullable=True),
        references={"phase_change_id": "phase_change"},
        unique=[("team_id", "phase_change_id")],
        indexed=("workshop_id",),
    )


def downgrade() -> None:
    drop_table("phase_call", indexed=("workshop_id",))
