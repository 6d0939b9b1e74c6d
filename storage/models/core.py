"""Workshops, their journey (stages and touchpoints), participants and phase history.

Every table carries `team_id`, and every query filters by it: a workspace can never reach another
workspace's rows, even with a forged id.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import String, UniqueConstraint
from sqlmodel import Field

from storage.models.base import TeamRow, WorkshopRow, now_field, timestamp_column


# Enums are stored as strings, not database enum types, so adding a value needs no migration.
class Phase(StrEnum):
    setup = "setup"
    stakeholders = "stakeholders"
    rating = "rating"
    fixes = "fixes"
    voting = "voting"
    closed = "closed"


class Channel(StrEnum):
    """Through which channel a touchpoint happens (journey lanes, issue 17)."""

    web = "web"
    app = "app"
    email = "email"
    phone = "phone"
    store = "store"
    chat = "chat"
    social = "social"
    partner = "partner"
    other = "other"


class Role(StrEnum):
    facilitator = "facilitator"
    co_facilitator = "co_facilitator"
    participant = "participant"


class Workshop(TeamRow, table=True):
    channel_id: str = Field(max_length=32, index=True)
    title: str = Field(max_length=150)
    phase: Phase = Field(default=Phase.setup, sa_type=String(20))
    # The phase a closed workshop returns to when it is reopened.
    phase_before_close: Phase | None = Field(default=None, sa_type=String(20))
    facilitator_id: str = Field(max_length=32)
    vote_budget: int = 3
    max_votes_per_fix: int = 1
    live_tallies: bool = False
    # The rating form asks "How does the customer feel here?" (−2…+2) when this is on.
    emotion_curve: bool = False
    board_ts: str | None = Field(default=None, max_length=32)
    # A board post Slack never answered (timeout, 5xx, dropped connection): when it was sent.
    # Before the board is posted again, the channel's history is searched for it.
    board_post_sent_at: datetime | None = Field(
        default=None, sa_column=timestamp_column(nullable=True)
    )
    # A replica posting (or looking for) the board holds it from then, so no two post at once.
    board_claimed_at: datetime | None = Field(
        default=None, sa_column=timestamp_column(nullable=True)
    )
    created_at: datetime = now_field()
    updated_at: datetime = now_field()


class JourneyStage(WorkshopRow, table=True):
    __tablename__ = "journey_stage"
    __table_args__ = (UniqueConstraint("workshop_id", "position"),)

    position: int
    name: str = Field(max_length=60)


class Touchpoint(WorkshopRow, table=True):
    __table_args__ = (UniqueConstraint("stage_id", "position"),)

    stage_id: int = Field(foreign_key="journey_stage.id", ondelete="CASCADE", index=True)
    position: int
    name: str = Field(max_length=60)
    # The channel it happens through; None until the facilitator sets one (`/workshop channels`).
    channel: Channel | None = Field(default=None, sa_type=String(20))


class Participant(WorkshopRow, table=True):
    __table_args__ = (UniqueConstraint("workshop_id", "user_id"),)

    user_id: str = Field(max_length=32)
    role: Role = Field(default=Role.participant, sa_type=String(20))
    # The persona this participant rates for, when the workshop has personas (changeable).
    persona_id: int | None = Field(default=None, foreign_key="persona.id", ondelete="SET NULL")
    joined_at: datetime = now_field()


class PhaseChange(WorkshopRow, table=True):
    __tablename__ = "phase_change"

    from_phase: Phase = Field(sa_type=String(20))
    to_phase: Phase = Field(sa_type=String(20))
    action: str = Field(max_length=20)
    user_id: str = Field(max_length=32)
    at: datetime = now_field()
