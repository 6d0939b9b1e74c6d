"""Customer KPIs of a workshop's journey: custom KPI definitions and recorded values.

The built-in KPIs (NPS, CSAT, ...) live in code (`flows/kpi_catalogue.py`); a workshop's own
KPIs are rows of `custom_kpi`. A recorded value is one row of `kpi_value` per
(workshop, KPI, stage, period end): recording the same period again replaces it (an upsert on
that unique key), so a retried request or a re-imported file never duplicates a value.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Column, Date, Float, String, UniqueConstraint
from sqlmodel import Field

from storage.models.base import WorkshopRow, now_field

# The stage key of a value for the whole journey rather than one stage. Stage ids start at 1,
# and a NULL in a unique key would never conflict, so "no stage" needs a real value to be unique.
WHOLE_JOURNEY = 0


class CustomKpi(WorkshopRow, table=True):
    """A KPI a workshop defines for itself beside the built-in catalogue."""

    __tablename__ = "custom_kpi"
    __table_args__ = (
        UniqueConstraint("workshop_id", "name_key"),
        CheckConstraint(
            "min_value IS NULL OR max_value IS NULL OR min_value < max_value", name="range_order"
        ),
    )

    name: str = Field(max_length=40)
    # The name case-folded, so "Repeat rate" and "repeat RATE" are one KPI.
    name_key: str = Field(max_length=80)
    unit: str = Field(default="", max_length=12)
    higher_is_better: bool = True
    min_value: float | None = None
    max_value: float | None = None
    created_by: str = Field(max_length=32)
    created_at: datetime = now_field()


class KpiValue(WorkshopRow, table=True):
    """One KPI's value for one period (of the whole journey, or of one stage)."""

    __tablename__ = "kpi_value"
    __table_args__ = (
        UniqueConstraint("workshop_id", "kpi_key", "stage_key", "period_end"),
        CheckConstraint(
            "(stage_id IS NULL AND stage_key = 0) OR stage_key = stage_id", name="stage_key"
        ),
    )

    # A built-in key ("nps", "csat", ...) or "custom:<custom_kpi.id>".
    kpi_key: str = Field(max_length=40)
    custom_kpi_id: int | None = Field(
        default=None, foreign_key="custom_kpi.id", ondelete="CASCADE", index=True
    )
    stage_id: int | None = Field(
        default=None, foreign_key="journey_stage.id", ondelete="CASCADE", index=True
    )
    stage_key: int = WHOLE_JOURNEY  # the stage id, or WHOLE_JOURNEY
    period_end: date = Field(sa_column=Column(Date, nullable=False))
    value: float = Field(sa_column=Column(Float, nullable=False))
    target: float | None = Field(default=None, sa_column=Column(Float, nullable=True))
    benchmark: float | None = Field(default=None, sa_column=Column(Float, nullable=True))
    benchmark_source: str | None = Field(default=None, sa_type=String(150))
    # How many survey answers the value was computed from (None when typed in directly).
    answer_count: int | None = None
    recorded_by: str = Field(max_length=32)
    recorded_at: datetime = now_field()
