"""digest schedules, deliveries, home views, scheduler jobs

Revision ID: 0004_digests
Revises: 0002_platform
Create Date: 2026-11-22 22:26:17.363649
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = "0004_digests"
# Chained after 0007_platform, which reached main first (one head for `upgrade head`).
down_revision: str | None = "0003_kpis"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


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
    with op.batch_alter_table("apscheduler_jobs", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_apscheduler_jobs_next_run_time"), ["next_run_time"], unique=False
        )

    op.create_table(
        "home_view",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("user_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("page", sa.Integer(), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_home_view")),
        sa.UniqueConstraint("team_id", "user_id", name=op.f("uq_home_view_team_id_user_id")),
    )
    op.create_table(
        "digest_schedule",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("workshop_id", sa.Integer(), nullable=False),
        sa.Column("created_by", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("cadence", sa.String(length=20), nullable=False),
        sa.Column("hour", sa.Integer(), nullable=False),
        sa.Column("minute", sa.Integer(), nullable=False),
        sa.Column("weekday", sa.Integer(), nullable=True),
        sa.Column("day_of_month", sa.Integer(), nullable=True),
        sa.Column("cron", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
        sa.Column("timezone", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("channel_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column("dm_user_ids", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("last_error", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
        sa.Column("failure_notified", sa.Boolean(), nullable=False),
        sa.Column("active_since", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["workshop_id"],
            ["workshop.id"],
            name=op.f("fk_digest_schedule_workshop_id_workshop"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_digest_schedule")),
    )
    with op.batch_alter_table("digest_schedule", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_digest_schedule_created_by"), ["created_by"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_digest_schedule_team_id"), ["team_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_digest_schedule_workshop_id"), ["workshop_id"], unique=False
        )

    op.create_table(
        "digest_delivery",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("workshop_id", sa.Integer(), nullable=False),
        sa.Column("schedule_id", sa.Integer(), nullable=True),
        sa.Column("fire_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("requested_by", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("generated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("error", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
        sa.ForeignKeyConstraint(
            ["schedule_id"],
            ["digest_schedule.id"],
            name=op.f("fk_digest_delivery_schedule_id_digest_schedule"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["workshop_id"],
            ["workshop.id"],
            name=op.f("fk_digest_delivery_workshop_id_workshop"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_digest_delivery")),
        sa.UniqueConstraint(
            "schedule_id", "fire_time", name=op.f("uq_digest_delivery_schedule_id_fire_time")
        ),
    )
    with op.batch_alter_table("digest_delivery", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_digest_delivery_schedule_id"), ["schedule_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_digest_delivery_team_id"), ["team_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_digest_delivery_workshop_id"), ["workshop_id"], unique=False
        )

    # ### end Alembic commands ###


def downgrade() -> None:
    # ### commands auto generated by Alembic - please adjust! ###
    with op.batch_alter_table("digest_delivery", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_digest_delivery_workshop_id"))
        batch_op.drop_index(batch_op.f("ix_digest_delivery_team_id"))
        batch_op.drop_index(batch_op.f("ix_digest_delivery_schedule_id"))

    op.drop_table("digest_delivery")
    with op.batch_alter_table("digest_schedule", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_digest_schedule_workshop_id"))
        batch_op.drop_index(batch_op.f("ix_digest_schedule_team_id"))
        batch_op.drop_index(batch_op.f("ix_digest_schedule_created_by"))

    op.drop_table("digest_schedule")
    op.drop_table("home_view")
    with op.batch_alter_table("apscheduler_jobs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_apscheduler_jobs_next_run_time"))

    op.drop_table("apscheduler_jobs")
    # ### end Alembic commands ###
