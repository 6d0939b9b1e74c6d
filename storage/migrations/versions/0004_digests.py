"""digest schedules, deliveries, home views, scheduler jobs"""

import sqlalchemy as sa
from alembic import op

from storage.migrations.parts import Ref, create_table, drop_table, integer, moment, slack_id, text

revision: str = "0004_digests"
# Chained after 0007_platform, which reached main first (one head for `upgrade head`).
down_revision: str | None = "0003_kpis"


SCHEDULE_INDEXED = ("created_by", "team_id", "workshop_id")
DELIVERY_INDEXED = ("schedule_id", "team_id", "workshop_id")


def upgrade() -> None:
    # APScheduler's SQLAlchemyJobStore table, created here rather than by the job store at
    # start-up, so the schema is entirely the migrations' (see storage/models/digests.py).
    op.create_table(
        "apscheduler_jobs",
        sa.Column("id", sa.Unicode(length=191), nullable=False),
        sa.Column("next_run_time", sa.Float(precision=25), nullable=True),
        sa.Column("job_state", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_apscheduler_jobs")),
    )
    op.create_index(
        op.f("ix_apscheduler_jobs_next_run_time"), "apscheduler_jobs", ["next_run_time"]
    )
    create_table(
        "home_view",
        slack_id("user_id"),
        integer("page"),
        moment("opened_at"),
        in_workshop=False,
        unique=[("team_id", "user_id")],
        indexed=(),
    )
    create_table(
        "digest_schedule",
        slack_id("created_by"),
        sa.Column("cadence", sa.String(length=20), nullable=False),
        integer("hour"),
        integer("minute"),
        integer("weekday", nullable=True),
        integer("day_of_month", nullable=True),
        text("cron", 100, nullable=True),
        text("timezone", 64),
        slack_id("channel_id", nullable=True),
        sa.Column("dm_user_ids", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        text("last_error", 100, nullable=True),
        sa.Column("failure_notified", sa.Boolean(), nullable=False),
        moment("active_since"),
        moment("created_at"),
        moment("updated_at"),
        indexed=SCHEDULE_INDEXED,
    )
    create_table(
        "digest_delivery",
        integer("schedule_id", nullable=True),
        moment("fire_time"),
        slack_id("requested_by", nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        moment("generated_at"),
        text("error", 100, nullable=True),
        references={"schedule_id": Ref("digest_schedule", ondelete="SET NULL")},
        unique=[("schedule_id", "fire_time")],
        indexed=DELIVERY_INDEXED,
    )


def downgrade() -> None:
    drop_table("digest_delivery", indexed=DELIVERY_INDEXED)
    drop_table("digest_schedule", indexed=SCHEDULE_INDEXED)
    drop_table("home_view", indexed=())
    op.drop_index(op.f("ix_apscheduler_jobs_next_run_time"), table_name="apscheduler_jobs")
    op.drop_table("apscheduler_jobs")
