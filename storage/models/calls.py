"""The "your turn" posts: one channel message per phase change that needs the team.

A row is claimed (inserted) before the message is sent; the unique (team, phase change) pair
means a retried request, a second replica or a re-run of the after-ack work posts it once.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.models.base import now_field, workshop_fk
from storage.models.core import Phase


class PhaseCall(SQLModel, table=True):
    __tablename__ = "phase_call"
    __table_args__ = (UniqueConstraint("team_id", "phase_change_id"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)  # indexed by the unique constraint
    workshop_id: int = workshop_fk()
    phase_change_id: int = Field(foreign_key="phase_change.id", ondelete="CASCADE")
    phase: Phase = Field(sa_type=String(20))
    claimed_at: datetime = now_field()
    ts: str | None = Field(default=None, max_length=32)  # the posted message, once Slack said so
