"""Stakeholders of a workshop, the touchpoints they shape, and each participant's rating of their
influence and interest (Mendelow's grid).

The database enforces what must hold under concurrency: one name per workshop (compared on a
normalised key, so "CFO" and " cfo " collide), and one rating per stakeholder and rater (a
changed rating replaces the old one).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, String, UniqueConstraint
from sqlmodel import Field

from storage.models.base import TeamRow, now_field, workshop_fk

RATING_MIN = 1
RATING_MAX = 5


class StakeholderCategory(StrEnum):
    customer = "customer"
    employee = "employee"
    executive = "executive"
    supplier = "supplier"
    partner = "partner"
    regulator = "regulator"
    influencer = "influencer"
    competitor = "competitor"
    other = "other"


class Attitude(StrEnum):
    supporter = "supporter"
    neutral = "neutral"
    blocker = "blocker"


class Stakeholder(TeamRow, table=True):
    __table_args__ = (UniqueConstraint("workshop_id", "name_key"),)

    # Lookups by workshop use the unique (workshop_id, name_key) index.
    workshop_id: int = workshop_fk(index=False)
    name: str = Field(max_length=80)
    # The name trimmed, NFKC-normalised and case-folded; case folding can lengthen a name
    # ("ß" → "ss"), hence the wider column.
    name_key: str = Field(max_length=240)
    category: StakeholderCategory = Field(sa_type=String(20))
    attitude: Attitude = Field(sa_type=String(20))
    note: str = Field(default="", max_length=200)
    author_id: str = Field(max_length=32)
    created_at: datetime = now_field()
    updated_at: datetime = now_field()


class StakeholderTouchpoint(TeamRow, table=True):
    """A touchpoint that a stakeholder owns or shapes."""

    __tablename__ = "stakeholder_touchpoint"
    __table_args__ = (UniqueConstraint("stakeholder_id", "touchpoint_id"),)

    stakeholder_id: int = Field(foreign_key="stakeholder.id", ondelete="CASCADE")
    touchpoint_id: int = Field(foreign_key="touchpoint.id", ondelete="CASCADE", index=True)


class StakeholderRating(TeamRow, table=True):
    """One participant's current rating of one stakeholder, on 1–5 scales."""

    __tablename__ = "stakeholder_rating"
    __table_args__ = (
        UniqueConstraint("stakeholder_id", "rater_id"),
        CheckConstraint(f"influence BETWEEN {RATING_MIN} AND {RATING_MAX}", name="influence_range"),
        CheckConstraint(f"interest BETWEEN {RATING_MIN} AND {RATING_MAX}", name="interest_range"),
    )

    # Denormalised from the stakeholder so the board can count a workshop's raters in one query.
    workshop_id: int = workshop_fk()
    stakeholder_id: int = Field(foreign_key="stakeholder.id", ondelete="CASCADE")
    rater_id: str = Field(max_length=32)
    influence: int
    interest: int
    updated_at: datetime = now_field()
