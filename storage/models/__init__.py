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
from storage.models.digests import (
    SCHEDULER_JOBS_TABLE,
    Cadence,
    DeliveryStatus,
    DigestDelivery,
    DigestSchedule,
    HomeView,
    ScheduleStatus,
)

__all__ = [
    "SCHEDULER_JOBS_TABLE",
    "Cadence",
    "DeliveryStatus",
    "DigestDelivery",
    "DigestSchedule",
    "HomeView",
    "JourneyStage",
    "Participant",
    "Phase",
    "PhaseChange",
    "Role",
    "ScheduleStatus",
    "Touchpoint",
    "Workshop",
    "timestamp_column",
    "utcnow",
]
