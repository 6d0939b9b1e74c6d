"""Digest schedules, the deliveries that claim each post, who looks at the Home tab, and the table
APScheduler keeps its jobs in.

`digest_schedule` is the source of truth for schedules; the scheduler process mirrors it into
APScheduler jobs. Every post first inserts a `digest_delivery` row, unique per (schedule, fire
time), so no digest is ever posted twice, even with two schedulers on one database.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, Column, Float, LargeBinary, String, Table, Unicode, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.models.base import WorkshopRow, now_field, timestamp_column


class Cadence(StrEnum):
    daily = "daily"
    weekdays = "weekdays"  # Monday to Friday, in the schedule's time zone
    weekly = "weekly"
    monthly = "monthly"  # on day N; in months without day N, on their last day
    cron = "cron"


class ScheduleStatus(StrEnum):
    active = "active"
    paused = "paused"
    failing = "failing"  # still runs; its channel could not be posted to last time
    # Stopped because the workspace's token is gone (the app was uninstalled, its token revoked
    # or refused); last_error says why. Reinstalling the app resumes it, unlike a user's pause.
    suspended = "suspended"


class DeliveryStatus(StrEnum):
    claimed = "claimed"  # the slot is taken; posting is under way (or crashed half-way)
    sent = "sent"
    failed = "failed"


class DigestSchedule(WorkshopRow, table=True):
    __tablename__ = "digest_schedule"

    created_by: str = Field(max_length=32, index=True)
    cadence: Cadence = Field(sa_type=String(20))
    hour: int = 9
    minute: int = 0
    weekday: int | None = None  # 0 = Monday (weekly)
    day_of_month: int | None = None  # 1–31 (monthly)
    cron: str | None = Field(default=None, max_length=100)
    timezone: str = Field(max_length=64)
    channel_id: str | None = Field(default=None, max_length=32)
    dm_user_ids: list[str] = Field(default_factory=list, sa_type=JSON)
    status: ScheduleStatus = Field(default=ScheduleStatus.active, sa_type=String(20))
    last_error: str | None = Field(default=None, max_length=100)
    # The creator has been told about the current failure (told once until fixed or resumed).
    failure_notified: bool = False
    # Slots before this moment are never sent (set on creation and on resume).
    active_since: datetime = now_field()
    created_at: datetime = now_field()
    updated_at: datetime = now_field()


class DigestDelivery(WorkshopRow, table=True):
    __tablename__ = "digest_delivery"
    # The claim: one row per (schedule, fire time). NULL schedule ids (digests asked for with
    # `/workshop digest now`) never collide, as NULLs are distinct in unique constraints.
    __table_args__ = (UniqueConstraint("schedule_id", "fire_time"),)

    schedule_id: int | None = Field(
        default=None, foreign_key="digest_schedule.id", ondelete="SET NULL", index=True
    )
    fire_time: datetime = Field(sa_column=timestamp_column(nullable=False))
    requested_by: str | None = Field(default=None, max_length=32)  # None: the scheduler
    status: DeliveryStatus = Field(default=DeliveryStatus.claimed, sa_type=String(20))
    # The moment the digest's content was read: the next digest covers what happened after it.
    generated_at: datetime = now_field()
    error: str | None = Field(default=None, max_length=100)
    # What the sections asked the next digest to compare against (DigestSection.memo), by section
    # key, e.g. each stakeholder's quadrant; written when the digest is sent.
    section_memos: dict | None = Field(default=None, sa_type=JSON)


class HomeView(SQLModel, table=True):
    """Who has opened the Home tab, and on which page: only they get refreshed after changes."""

    __tablename__ = "home_view"
    __table_args__ = (UniqueConstraint("team_id", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    user_id: str = Field(max_length=32)
    page: int = 0
    opened_at: datetime = now_field()


# APScheduler's own job table, declared here (exactly as SQLAlchemyJobStore declares it) so that
# the migration creates it and the schema checks cover it. Its rows are pickled jobs whose
# arguments carry the workspace id; the job store reads and writes it, nothing else does.
SCHEDULER_JOBS_TABLE = "apscheduler_jobs"
scheduler_jobs = Table(
    SCHEDULER_JOBS_TABLE,
    SQLModel.metadata,
    Column("id", Unicode(191), primary_key=True),
    Column("next_run_time", Float(25), index=True),
    Column("job_state", LargeBinary, nullable=False),
)
