"""Personas: whose journey the team maps (journey lanes, issue 17).

A workshop may define a few personas; a participant rates for the persona they know best (their
choice is on their participant row), and each rating carries the persona it was given for, so
a later change of mind never rewrites an earlier round. One name per workshop, compared on a
normalised key (" Busy parent " and "busy parent" collide), held by the database.

Or the facilitator runs a round per persona: a `round_persona` row says that every rating of
that round is given for that persona. One per (workshop, round), held by the database, so a
double click or two replicas never give a round two personas.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, UniqueConstraint
from sqlmodel import Field

from storage.models.base import TeamRow, now_field, workshop_fk

MAX_PERSONA_NAME = 40
MAX_PERSONA_DESCRIPTION = 150


class Persona(TeamRow, table=True):
    __table_args__ = (UniqueConstraint("workshop_id", "name_key"),)

    # Lookups by workshop use the unique (workshop_id, name_key) index.
    workshop_id: int = workshop_fk(index=False)
    name: str = Field(max_length=MAX_PERSONA_NAME)
    name_key: str = Field(max_length=120)  # trimmed, NFKC-normalised, case-folded
    description: str = Field(default="", max_length=MAX_PERSONA_DESCRIPTION)
    # The customer stakeholder it was created from, if any (kept when that stakeholder goes).
    stakeholder_id: int | None = Field(
        default=None, foreign_key="stakeholder.id", ondelete="SET NULL"
    )
    created_by: str = Field(max_length=32)
    created_at: datetime = now_field()


class RoundPersona(TeamRow, table=True):
    """The persona a whole rating round is rated for (the facilitator's round per persona)."""

    __tablename__ = "round_persona"
    __table_args__ = (
        UniqueConstraint("workshop_id", "round"),
        CheckConstraint("round >= 1", name="round_positive"),
    )

    workshop_id: int = workshop_fk(index=False)
    round: int
    persona_id: int = Field(foreign_key="persona.id", ondelete="CASCADE")
    set_by: str = Field(max_length=32)
    created_at: datetime = now_field()
