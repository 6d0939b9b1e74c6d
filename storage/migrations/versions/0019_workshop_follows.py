"""workshop follows: who follows which workshop (its trend on their Home tab), one row per
(team, workshop, user)
"""

from storage.migrations.parts import NamedIndex, create_table, drop_table, moment, slack_id

revision: str = "0019_workshop_follows"
down_revision: str | None = "0018_touchpoint_matches"  # chained after the parallel 0018 when merged


FOLLOW_INDEXED = (
    NamedIndex("ix_workshop_follow_team_id_user_id", ("team_id", "user_id")),
    "workshop_id",
)


def upgrade() -> None:
    create_table(
        "workshop_follow",
        slack_id("user_id"),
        moment("followed_at"),
        unique=[("team_id", "workshop_id", "user_id")],
        indexed=FOLLOW_INDEXED,
    )


def downgrade() -> None:
    drop_table("workshop_follow", indexed=FOLLOW_INDEXED)
