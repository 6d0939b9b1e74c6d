"""touchpoint matches: confirmed or rejected name matches between workshops (benchmarking)"""

import sqlalchemy as sa

from storage.migrations.parts import create_table, drop_table, integer, moment, slack_id

revision: str = "0018_touchpoint_matches"
down_revision: str | None = "0012_journey_templates"


MATCH_INDEXED = ("team_id", "touchpoint_a_id", "touchpoint_b_id")


def upgrade() -> None:
    create_table(
        "touchpoint_match",
        integer("touchpoint_a_id"),
        integer("touchpoint_b_id"),
        sa.Column("verdict", sa.String(length=10), nullable=False),
        slack_id("decided_by"),
        moment("decided_at"),
        in_workshop=False,
        checks={
            "pair_ordered": "touchpoint_a_id < touchpoint_b_id",
            "verdict_known": "verdict IN ('confirmed', 'rejected')",
        },
        references={"touchpoint_a_id": "touchpoint", "touchpoint_b_id": "touchpoint"},
        unique=[("team_id", "touchpoint_a_id", "touchpoint_b_id")],
        indexed=MATCH_INDEXED,
    )


def downgrade() -> None:
    drop_table("touchpoint_match", indexed=MATCH_INDEXED)
