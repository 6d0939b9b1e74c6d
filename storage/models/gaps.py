"""Gap ratings: what each participant says customers expect and experience at each touchpoint,
round by round, and the rounds and nudges that organise the rating.

A rating is one row per (touchpoint, round, rater): answering again replaces the row (an upsert
on that unique key), so retries and double submissions can never count twice. The checks keep
impossible values out of the table whatever code writes to it, and every rater is a participant
of the workshop (rating joins it; the foreign key holds whatever code writes), so the raters of a
round are counted over the participants, one probe of the (workshop, round, rater) index each,
instead of over every rating.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKeyConstraint, Index, UniqueConstraint
from sqlmodel import Field

from storage.models.base import TeamRow, WorkshopRow, now_field, workshop_fk

EXPECTATION_SCALE = (1, 7)
EXPERIENCE_SCALE = (1, 7)
IMPORTANCE_SCALE = (1, 5)
EMOTION_SCALE = (-2, 2)  # how the customer feels at the touchpoint (Smaply's emotion curve)
MAX_COMMENT_LENGTH = 300


class GapRating(TeamRow, table=True):
    __tablename__ = "gap_rating"
    __table_args__ = (
        UniqueConstraint("touchpoint_id", "round", "user_id"),
        # A round's ratings (workshop, round), one rater's ratings in it, and whether they rated.
        Index("ix_gap_rating_workshop_round_user", "workshop_id", "round", "user_id"),
        ForeignKeyConstraint(
            ["workshop_id", "user_id"],
            ["participant.workshop_id", "participant.user_id"],
            ondelete="CASCADE",
        ),
        CheckConstraint(
            f"expectation BETWEEN {EXPECTATION_SCALE[0]} AND {EXPECTATION_SCALE[1]}",
            name="expectation_range",
        ),
        CheckConstraint(
            f"experience BETWEEN {EXPERIENCE_SCALE[0]} AND {EXPERIENCE_SCALE[1]}",
            name="experience_range",
        ),
        CheckConstraint(
            f"importance IS NULL OR importance BETWEEN {IMPORTANCE_SCALE[0]} "
            f"AND {IMPORTANCE_SCALE[1]}",
            name="importance_range",
        ),
        CheckConstraint("round >= 1", name="round_positive"),
        CheckConstraint(
            f"emotion IS NULL OR emotion BETWEEN {EMOTION_SCALE[0]} AND {EMOTION_SCALE[1]}",
            name="emotion_range",
        ),
    )

    workshop_id: int = workshop_fk(index=False)
    # The unique (touchpoint_id, round, user_id) constraint indexes touchpoint_id already.
    touchpoint_id: int = Field(foreign_key="touchpoint.id", ondelete="CASCADE")
    round: int
    user_id: str = Field(max_length=32)
    expectation: int
    experience: int
    importance: int | None = None
    comment: str | None = Field(default=None, max_length=MAX_COMMENT_LENGTH)
    emotion: int | None = None  # −2…+2, only when the workshop's emotion curve is on
    # The persona the rater rated for (journey lanes); None when the workshop has none.
    persona_id: int | None = Field(default=None, foreign_key="persona.id", ondelete="SET NULL")
    created_at: datetime = now_field()
    updated_at: datetime = now_field()


class RatingRound(WorkshopRow, table=True):
    """A rating round the facilitator opened after the first. Round 1 starts with the workshop
    and has no row; the current round is the highest number here, or 1."""

    __tablename__ = "rating_round"
    __table_args__ = (
        UniqueConstraint("workshop_id", "number"),
        CheckConstraint("number >= 2", name="number_after_first"),
    )

    number: int
    opened_by: str = Field(max_length=32)
    opened_at: datetime = now_field()


class RatingNudge(TeamRow, table=True):
    """When a participant was last nudged to rate in a round. Claiming the row (insert, or
    update once the cool-down has passed) is what lets a DM go out, so a double click or two
    replicas never DM anyone twice."""

    __tablename__ = "rating_nudge"
    __table_args__ = (UniqueConstraint("workshop_id", "round", "user_id"),)

    workshop_id: int = workshop_fk(index=False)
    round: int
    user_id: str = Field(max_length=32)
    nudged_by: str = Field(max_length=32)
    nudged_at: datetime = now_field()
