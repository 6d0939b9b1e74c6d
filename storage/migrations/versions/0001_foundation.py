"""workshops, journey stages, touchpoints, participants"""

import sqlalchemy as sa

from storage.migrations.parts import create_table, drop_table, integer, moment, slack_id, text

revision: str = "0001_foundation"
down_revision: str | None = None

WORKSHOP_INDEXED = ("channel_id", "team_id")
TOUCHPOINT_INDEXED = ("stage_id", "team_id", "workshop_id")


def upgrade() -> None:
    create_table(
        "workshop",
        slack_id("channel_id"),
        text("title", 150),
        sa.Column("phase", sa.String(length=20), nullable=False),
        sa.Column("phase_before_close", sa.String(length=20), nullable=True),
        slack_id("facilitator_id"),
        integer("vote_budget"),
        integer("max_votes_per_fix"),
        sa.Column("live_tallies", sa.Boolean(), nullable=False),
        slack_id("board_ts", nullable=True),
        moment("created_at"),
        moment("updated_at"),
        in_workshop=False,
        indexed=WORKSHOP_INDEXED,
    )
    create_table(
        "journey_stage",
        integer("position"),
        text("name", 60),
        unique=[("workshop_id", "position")],
    )
    create_table(
        "participant",
        slack_id("user_id"),
        sa.Column("role", sa.String(length=20), nullable=False),
        moment("joined_at"),
        unique=[("workshop_id", "user_id")],
    )
    create_table(
        "phase_change",
        sa.Column("from_phase", sa.String(length=20), nullable=False),
        sa.Column("to_phase", sa.String(length=20), nullable=False),
        text("action", 20),
        slack_id("user_id"),
        moment("at"),
    )
    create_table(
        "touchpoint",
        integer("stage_id"),
        integer("position"),
        text("name", 60),
        references={"stage_id": "journey_stage"},
        unique=[("stage_id", "position")],
        indexed=TOUCHPOINT_INDEXED,
    )


def downgrade() -> None:
    drop_table("touchpoint", indexed=TOUCHPOINT_INDEXED)
    drop_table("phase_change")
    drop_table("participant")
    drop_table("journey_stage")
    drop_table("workshop", indexed=WORKSHOP_INDEXED)
