"""round schedules: phase deadlines, recurring rating rounds and their claim rows

`phase_deadline` (one per workshop, phase and round; closing is a compare-and-set on `state`),
`round_schedule` (one recurring rule per workshop), `scheduled_round` (unique per schedule and
fire time) and `rating_reminder` (unique per workshop, round and person) make every opening,
reminder and closing happen once, even with two schedulers on one database; `loop_note`
(unique per action item) makes each "you said, we did" note post once.
"""

import sqlalchemy as sa

from storage.migrations.parts import create_table, drop_table, integer, moment, slack_id, text

revision: str = '0015_round_schedules'
down_revision: str | None = "0013_customer_answers"  # the heads of parallel branches were chained when merged


DEADLINE_INDEXED = ("due_at", "state", "team_id", "workshop_id")
REMINDER_INDEXED = ("deadline_id", "team_id")


def upgrade() -> None:
    create_table(
        "phase_deadline",
        sa.Column("phase", sa.String(length=20), nullable=False),
        integer("round"),
        moment("due_at"),
        text("timezone", 64),
        slack_id("set_by"),
        moment("set_at"),
        sa.Column("state", sa.String(length=20), nullable=False),
        moment("settled_at", nullable=True),
        checks={"round_not_negative": "round >= 0"},
        unique=[("workshop_id", "phase", "round")],
        indexed=DEADLINE_INDEXED,
    )
    create_table(
        "round_schedule",
        slack_id("created_by"),
        text("cron", 100),
        text("timezone", 64),
        integer("open_days"),
        integer("close_hour"),
        integer("close_minute"),
        sa.Column("status", sa.String(length=20), nullable=False),
        moment("active_since"),
        moment("created_at"),
        checks={
            "close_hour_range": "close_hour BETWEEN 0 AND 23",
            "close_minute_range": "close_minute BETWEEN 0 AND 59",
            "open_days_range": "open_days BETWEEN 1 AND 28",
        },
        unique=[("workshop_id",)],
        indexed=("team_id",),
    )
    create_table(
        "rating_reminder",
        integer("round"),
        slack_id("user_id"),
        integer("deadline_id"),
        moment("claimed_at"),
        references={"deadline_id": "phase_deadline"},
        unique=[("workshop_id", "round", "user_id")],
        indexed=REMINDER_INDEXED,
    )
    create_table(
        "scheduled_round",
        integer("schedule_id"),
        moment("fire_time"),
        integer("round", nullable=True),
        text("outcome", 100),
        moment("claimed_at"),
        references={"schedule_id": "round_schedule"},
        unique=[("schedule_id", "fire_time")],
    )
    create_table(
        "loop_note",
        integer("action_item_id"),
        integer("before_round"),
        integer("after_round"),
        moment("claimed_at"),
        references={"action_item_id": "action_item"},
        unique=[("action_item_id",)],
    )


def downgrade() -> None:
    drop_table("loop_note")
    drop_table("scheduled_round")
    drop_table("rating_reminder", indexed=REMINDER_INDEXED)
    drop_table("round_schedule", indexed=("team_id",))
    drop_table("phase_deadline", indexed=DEADLINE_INDEXED)
