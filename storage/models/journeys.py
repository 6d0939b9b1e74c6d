"""A workspace's own journey templates: a journey saved under a name (from a finished workshop,
or typed), offered again when a new workshop is set up. Names are unique per workspace, ignoring
case (`name_key`)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field

from storage.models.base import TeamRow, now_field

MAX_TEMPLATE_NAME = 60


class JourneyTemplate(TeamRow, table=True):
    __tablename__ = "journey_template"
    __table_args__ = (UniqueConstraint("team_id", "name_key"),)

    name: str = Field(max_length=MAX_TEMPLATE_NAME)
    name_key: str = Field(max_length=MAX_TEMPLATE_NAME)  # the name casefolded
    # [{"name": "Awareness", "touchpoints": ["Search results", ...]}, ...] in journey order
    stages: list = Field(sa_column=Column(JSON, nullable=False))
    created_by: str = Field(max_length=32)
    created_at: datetime = now_field()
    updated_at: datetime = now_field()
