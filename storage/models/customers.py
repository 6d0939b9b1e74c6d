"""Customers' own answers about the journey: survey imports and their figures per touchpoint.

An import is one file (or one pasted set) of survey answers for a workshop, dated by the survey.
Its `content_hash` (of the answers as imported, with their scale and date) is unique per
workshop, so importing the same answers again adds nothing, whatever the number of retries or
replicas. Each import holds one figure row per (stage, touchpoint, measure, segment): the number
of answers, their mean and sample standard deviation, already converted to the workshop's 1–7
scale. Raw answers are summed into these on import; a file of aggregates is stored as given.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Column, Date, Float, String, UniqueConstraint
from sqlmodel import Field

from storage.models.base import WorkshopRow, now_field

# A figure about a whole stage rather than one of its touchpoints. Touchpoint ids start at 1,
# and a NULL in a unique key would never conflict, so "no touchpoint" needs a real value.
WHOLE_STAGE = 0
NO_SEGMENT = ""  # answers of every customer, no persona or segment given
CUSTOMER_SCALE = (1, 7)  # what figures are stored on, whatever the survey's own scale


class Measure(StrEnum):
    expectation = "expectation"
    experience = "experience"


class CustomerImport(WorkshopRow, table=True):
    __tablename__ = "customer_import"
    __table_args__ = (
        UniqueConstraint("workshop_id", "content_hash"),
        CheckConstraint("answer_count > 0", name="answer_count_positive"),
    )

    content_hash: str = Field(max_length=64)
    survey_date: date = Field(sa_column=Column(Date, nullable=False))
    source: str = Field(max_length=20)  # "csv", "slack file", "form"
    scale: str = Field(max_length=8)  # the survey's own scale, e.g. "1-5"; figures are on 1–7
    answer_count: int
    imported_by: str = Field(max_length=32)
    imported_at: datetime = now_field()


class CustomerFigure(WorkshopRow, table=True):
    __tablename__ = "customer_figure"
    __table_args__ = (
        UniqueConstraint(
            "import_id",
            "stage_id",
            "touchpoint_key",
            "measure",
            "segment",
            name="uq_customer_figure_key",  # the conventional name passes 63 characters
        ),
        CheckConstraint(
            "(touchpoint_id IS NULL AND touchpoint_key = 0) OR touchpoint_key = touchpoint_id",
            name="touchpoint_key",
        ),
        CheckConstraint("measure IN ('expectation', 'experience')", name="measure_known"),
        CheckConstraint("n > 0", name="n_positive"),
        CheckConstraint(
            f"mean BETWEEN {CUSTOMER_SCALE[0]} AND {CUSTOMER_SCALE[1]}", name="mean_range"
        ),
        CheckConstraint("sd IS NULL OR sd >= 0", name="sd_not_negative"),
    )

    import_id: int = Field(foreign_key="customer_import.id", ondelete="CASCADE", index=True)
    stage_id: int = Field(foreign_key="journey_stage.id", ondelete="CASCADE", index=True)
    touchpoint_id: int | None = Field(
        default=None, foreign_key="touchpoint.id", ondelete="CASCADE", index=True
    )
    touchpoint_key: int = WHOLE_STAGE  # the touchpoint id, or WHOLE_STAGE
    measure: Measure = Field(sa_type=String(12))
    segment: str = Field(default=NO_SEGMENT, max_length=60)
    n: int
    mean: float = Field(sa_column=Column(Float, nullable=False))
    sd: float | None = Field(default=None, sa_column=Column(Float, nullable=True))
