"""Workshops that run themselves: phase deadlines, recurring rating rounds, and the claim rows that
make each scheduled step happen exactly once, however many schedulers run.

- `phase_deadline`: when the workshop's current phase closes by itself (one row per workshop,
  phase and rating round; setting it again moves it). Closing is a compare-and-set on `state`.
- `round_schedule`: at most one recurring rating-round rule per workshop (a crontab line in the
  facilitator's time zone) and how long each round stays open.
- `scheduled_round`: the claim of one opening, unique per (schedule, fire time).
- `rating_reminder`: the claim of one reminder DM, unique per (workshop, round, person): nobody
  is reminded twice in a round.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, String, UniqueConstraint
from sqlmodel import Field

from storage.models.base import TeamRow, WorkshopRow, now_field, timestamp_column, workshop_fk

MAX_OPEN_DAYS = 28


class DeadlineState(StrEnum):
    pending = "pending"
    closed = "closed"  # the deadline closed the phase
    moot = "moot"  # the phase had moved on (or its round was replaced) before the deadline


class PhaseDeadline(WorkshopRow, table=True):
    __tablename__ = "phase_deadline"
    __table_args__ = (
        UniqueConstraint("workshop_id", "phase", "round"),
        CheckConstraint("round >= 0", name="round_not_negative"),
    )

    phase: str = Field(sa_type=String(20))
    round: int = 0  # the rating round for the rating phase; 0 for the other phases
    due_at: datetime = Field(sa_column=timestamp_column(nullable=False, index=True))
    timezone: str = Field(max_length=64)  # the zone the facilitator set it in
    set_by: str = Field(max_length=32)
    # Reminders go out between this moment and the deadline.
    set_at: datetime = now_field()
    state: DeadlineState = Field(default=DeadlineState.pending, sa_type=String(20), index=True)
    settled_at: datetime | None = Field(default=None, sa_column=timestamp_column(nullable=True))


class RoundScheduleStatus(StrEnum):
    active = "active"
    paused = "paused"


class RoundSchedule(TeamRow, table=True):
    __tablename__ = "round_schedule"
    __table_args__ = (
        UniqueConstraint("workshop_id"),
        CheckConstraint(f"open_days BETWEEN 1 AND {MAX_OPEN_DAYS}", name="open_days_range"),
        CheckConstraint("close_hour BETWEEN 0 AND 23", name="close_hour_range"),
        CheckConstraint("close_minute BETWEEN 0 AND 59", name="close_minute_range"),
    )

    workshop_id: int = workshop_fk(index=False)
    created_by: str = Field(max_length=32)
    cron: str = Field(max_length=100)  # when rounds open, in `timezone`
    timezone: str = Field(max_length=64)
    open_days: int = 5  # rating closes this many days after the round opens...
    close_hour: int = 17  # ...at this local time
    close_minute: int = 0
    status: RoundScheduleStatus = Field(default=RoundScheduleStatus.active, sa_type=String(20))
    # Openings before this moment are never made (set on creation and on every change).
    active_since: datetime = now_field()
    created_at: datetime = now_field()


class ScheduledRound(WorkshopRow, table=True):
    __tablename__ = "scheduled_round"
    __table_args__ = (UniqueConstraint("schedule_id", "fire_time"),)

    schedule_id: int = Field(foreign_key="round_schedule.id", ondelete="CASCADE")
    fire_time: datetime = Field(sa_column=timestamp_column(nullable=False))
    round: int | None = None  # the round it opened; None when it opened none
    outcome: str = Field(max_length=100)
    claimed_at: datetime = now_field()


class RatingReminder(TeamRow, table=True):
    __tablename__ = "rating_reminder"
    __table_args__ = (UniqueConstraint("workshop_id", "round", "user_id"),)

    workshop_id: int = workshop_fk(index=False)
    round: int
    user_id: str = Field(max_length=32)
    deadline_id: int = Field(foreign_key="phase_deadline.id", ondelete="CASCADE", index=True)
    claimed_at: datetime = now_field()


class LoopNote(WorkshopRow, table=True):
    """The claim of one "you said, we did" note: a done action item whose touchpoint's gap
    narrowed in a later round is announced once, whatever posts it."""

    __tablename__ = "loop_note"
    __table_args__ = (UniqueConstraint("action_item_id"),)

    action_item_id: int = Field(foreign_key="action_item.id", ondelete="CASCADE")
    before_round: int
    after_round: int
    claimed_at: datetime = now_field()
