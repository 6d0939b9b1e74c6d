"""All tables; importing this package registers them on SQLModel.metadata (Alembic needs that)."""

from storage.models.base import timestamp_column, utcnow
from storage.models.core import (
    JourneyStage,
    Participant,
    Phase,
    PhaseChange,
    Role,
    Touchpoint,
    Workshop,
)
from storage.models.kpis import WHOLE_JOURNEY, CustomKpi, KpiValue

__all__ = [
    "WHOLE_JOURNEY",
    "CustomKpi",
    "JourneyStage",
    "KpiValue",
    "Participant",
    "Phase",
    "PhaseChange",
    "Role",
    "Touchpoint",
    "Workshop",
    "timestamp_column",
    "utcnow",
]
