"""Who follows which workshop: a manager (any member of the workspace) follows a workshop to see
its trend on their Home tab and to have their Home refreshed when its results post.

`workshop_follow` is unique per (team, workshop, user), so a double click or two replicas
following at once store one row; following again is a no-op and unfollowing deletes it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.models.base import now_field, workshop_fk


class WorkshopFollow(SQLModel, table=True):
    __tablename__ = "workshop_follow"
    __table_args__ = (
        UniqueConstraint("team_id", "workshop_id", "user_id"),
        Index("ix_workshop_follow_team_id_user_id", "team_id", "user_id"),  # a user's follows
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    workshop_id: int = workshop_fk()
    user_id: str = Field(max_length=32)
    followed_at: datetime = now_field()
