"""A workspace's own journey templates: a journey saved under a name (from a finished workshop,
or typed), offered again when a new workshop is set up. Names are unique per workspace, ignoring
case (`name_key`)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.models.base import timestamp_column, utcnow

MAX_TEMPLATE_NAME = 60


class JourneyTemplate(SQLModel, table=True):
    __tablename__ = "journey_template"
    __table_args__ = (UniqueConstraint("team_id", "name_key"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32, index=True)
    name: str = Field(max_length=MAX_TEMPLATE_NAME)
    name_key: str = Field(max_length=MAX_TEMPLATE_NAME)  # the name casefolded
    # [{"name": "Awareness", "touchpoints": ["Search results", ...]}, ...] in journey order
    stages: list = Field(sa_column=Column(JSON, nullable=False))
    created_by: str = Field(max_length=32)
    created_at: datetime = Field(default_factory=utcnow, sa_column=timestamp_column(nullable=False))
    updated_at: datetime = Field(default_factory=utcnow, sa_column=timestamp_column(nullable=False))
