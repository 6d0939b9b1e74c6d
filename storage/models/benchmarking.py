"""Benchmarking across workshops: the touchpoint matches people confirmed or rejected.

Touchpoints of two workshops whose names are the same once normalised are matched without
asking (flows/benchmarking.py); names that are only similar are *suggested*, and the answer is
kept here, one row per pair of touchpoints. The pair is stored in one order (the lower id
first, a check constraint), so (A, B) and (B, A) are the same row and a double click or two
replicas answering at once meet the unique constraint instead of writing two verdicts.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, String, UniqueConstraint
from sqlmodel import Field

from storage.models.base import TeamRow, now_field


class MatchVerdict(StrEnum):
    confirmed = "confirmed"  # the same touchpoint under two names: compared side by side
    rejected = "rejected"  # different touchpoints: never suggested again


class TouchpointMatch(TeamRow, table=True):
    __tablename__ = "touchpoint_match"
    __table_args__ = (
        UniqueConstraint("team_id", "touchpoint_a_id", "touchpoint_b_id"),
        CheckConstraint("touchpoint_a_id < touchpoint_b_id", name="pair_ordered"),
        CheckConstraint("verdict IN ('confirmed', 'rejected')", name="verdict_known"),
    )

    touchpoint_a_id: int = Field(foreign_key="touchpoint.id", ondelete="CASCADE", index=True)
    touchpoint_b_id: int = Field(foreign_key="touchpoint.id", ondelete="CASCADE", index=True)
    verdict: MatchVerdict = Field(sa_type=String(10))
    decided_by: str = Field(max_length=32)
    decided_at: datetime = now_field()
