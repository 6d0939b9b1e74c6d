"""Fixes, dot votes and action items.

Vote integrity lives in the schema, so that no code path (a bug, a replayed request, two replicas
racing) can ever overshoot a limit:

- A voter's `ballot` snapshots the workshop's vote budget and per-fix maximum when they first vote.
- Each dot is one `vote` row holding a `budget_slot` (0 ≤ slot < budget, unique per ballot) and a
  `fix_slot` (0 ≤ slot < per-fix maximum, unique per ballot and fix). So a ballot can never hold
  more rows than its budget, nor more than the maximum on one fix.
- The limits a vote row is checked against are the ballot's own: a composite foreign key ties
  (ballot, workshop, budget, maximum) on the vote to the ballot's row, and (fix, workshop) to the
  fix, so a vote cannot borrow bigger limits or point at another workshop's fix.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKeyConstraint, Index, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.models.base import TeamRow, WorkshopRow, now_field, timestamp_column


class Effort(StrEnum):
    small = "S"
    medium = "M"
    large = "L"


class Impact(StrEnum):
    low = "low"
    medium = "medium"
    high = "high"


class FixStatus(StrEnum):
    active = "active"
    removed = "removed"
    merged = "merged"


class ActionStatus(StrEnum):
    open = "open"
    in_progress = "in_progress"
    done = "done"


class Fix(WorkshopRow, table=True):
    __table_args__ = (
        # (id, workshop_id) is unique so that votes can reference both together.
        UniqueConstraint("id", "workshop_id"),
        # A replayed form submission carries the same key and cannot propose the fix twice.
        UniqueConstraint("team_id", "request_key"),
    )

    touchpoint_id: int = Field(foreign_key="touchpoint.id", ondelete="CASCADE", index=True)
    author_id: str = Field(max_length=32)
    title: str = Field(max_length=120)
    description: str | None = Field(default=None, max_length=2000)
    effort: Effort | None = Field(default=None, sa_type=String(1))
    impact: Impact | None = Field(default=None, sa_type=String(10))
    status: FixStatus = Field(default=FixStatus.active, sa_type=String(10))
    merged_into_id: int | None = Field(default=None, foreign_key="fix.id", ondelete="SET NULL")
    request_key: str | None = Field(default=None, max_length=64)
    created_at: datetime = now_field()
    updated_at: datetime = now_field()


class Ballot(WorkshopRow, table=True):
    """One voter's votes in one workshop, and the limits they vote under."""

    __table_args__ = (
        UniqueConstraint("workshop_id", "voter_id"),
        UniqueConstraint("id", "workshop_id", "vote_budget", "max_votes_per_fix"),
        CheckConstraint(
            "vote_budget >= 1 AND max_votes_per_fix >= 1 AND max_votes_per_fix <= vote_budget",
            name="limits",
        ),
    )

    voter_id: str = Field(max_length=32)
    vote_budget: int
    max_votes_per_fix: int
    created_at: datetime = now_field()


class Vote(TeamRow, table=True):
    """One dot: a ballot's vote for a fix."""

    __table_args__ = (
        ForeignKeyConstraint(
            ["ballot_id", "workshop_id", "vote_budget", "max_votes_per_fix"],
            ["ballot.id", "ballot.workshop_id", "ballot.vote_budget", "ballot.max_votes_per_fix"],
            ondelete="CASCADE",
        ),
        ForeignKeyConstraint(
            ["fix_id", "workshop_id"], ["fix.id", "fix.workshop_id"], ondelete="CASCADE"
        ),
        UniqueConstraint("ballot_id", "budget_slot"),
        UniqueConstraint("ballot_id", "fix_id", "fix_slot"),
        CheckConstraint("budget_slot >= 0 AND budget_slot < vote_budget", name="budget_slot"),
        CheckConstraint("fix_slot >= 0 AND fix_slot < max_votes_per_fix", name="fix_slot"),
    )

    workshop_id: int = Field(index=True)
    ballot_id: int  # indexed by its unique constraints
    fix_id: int = Field(index=True)
    vote_budget: int
    max_votes_per_fix: int
    budget_slot: int
    fix_slot: int
    cast_at: datetime = now_field()


class ActionItem(WorkshopRow, table=True):
    """A winning fix turned into work: an owner, a due date and a status."""

    __tablename__ = "action_item"
    __table_args__ = (UniqueConstraint("fix_id"),)

    fix_id: int = Field(foreign_key="fix.id", ondelete="CASCADE")
    owner_id: str = Field(max_length=32, index=True)
    due_date: date
    status: ActionStatus = Field(default=ActionStatus.open, sa_type=String(12))
    created_by: str = Field(max_length=32)
    # The owner's DM with the status buttons, edited in place when the status changes.
    dm_channel_id: str | None = Field(default=None, max_length=32)
    dm_ts: str | None = Field(default=None, max_length=32)
    created_at: datetime = now_field()
    updated_at: datetime = now_field()


class VoteClick(SQLModel, table=True):
    """A vote click as it arrived: the journal that makes a click durable before it is answered.

    The click is written here in a transaction of its own and acknowledged; it is then applied
    to the voter's ballot (flows/vote_clicks.py) with the compare-and-set rules of
    flows.voting.change_vote, and `applied_at` is set in the transaction that changes the votes,
    so each click is applied exactly once (a refused click is deleted instead). Writing it must
    never wait for the locks a vote takes (workshop, fix, participant), so the table has no
    foreign key to them: on PostgreSQL an insert checks a foreign key with a lock on the parent
    row that a held FOR UPDATE blocks.
    """

    __tablename__ = "vote_click"
    __table_args__ = (
        # A request delivered twice carries the same key and is journaled once.
        UniqueConstraint("team_id", "click_key"),
        CheckConstraint(
            "shown >= 0 AND wanted >= 0 AND (wanted - shown = 1 OR shown - wanted = 1)",
            name="one_step",
        ),
        Index("ix_vote_click_voter", "workshop_id", "voter_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)  # indexed by the unique constraint
    click_key: str = Field(max_length=64)
    workshop_id: int
    voter_id: str = Field(max_length=32)
    fix_id: int
    shown: int  # the voter's votes on the fix the button was drawn with
    wanted: int
    received_at: datetime = now_field()
    applied_at: datetime | None = Field(
        default=None, sa_column=timestamp_column(nullable=True, index=True)
    )
    changed: bool = False  # False for a repeat (a refused click is deleted), or not applied yet
