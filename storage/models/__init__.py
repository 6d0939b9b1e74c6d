"""All tables; importing this package registers them on SQLModel.metadata (Alembic needs that)."""

from storage.models import slack_oauth  # noqa: F401  (slack_sdk's OAuth tables)
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
from storage.models.slack_events import EventReceipt
from storage.models.stakeholders import (
    Attitude,
    Stakeholder,
    StakeholderCategory,
    StakeholderRating,
    StakeholderTouchpoint,
)

__all__ = [
    "WHOLE_JOURNEY",
    "Attitude",
    "CustomKpi",
    "EventReceipt",
    "JourneyStage",
    "KpiValue",
    "Participant",
    "Phase",
    "PhaseChange",
    "Role",
    "Stakeholder",
    "StakeholderCategory",
    "StakeholderRating",
    "StakeholderTouchpoint",
    "Touchpoint",
    "Workshop",
    "timestamp_column",
    "utcnow",
]
