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
from storage.models.fixes import (
    ActionItem,
    ActionStatus,
    Ballot,
    Effort,
    Fix,
    FixStatus,
    Impact,
    Vote,
)

__all__ = [
    "ActionItem",
    "ActionStatus",
    "Ballot",
    "Effort",
    "Fix",
    "FixStatus",
    "Impact",
    "JourneyStage",
    "Participant",
    "Phase",
    "PhaseChange",
    "Role",
    "Touchpoint",
    "Vote",
    "Workshop",
    "timestamp_column",
    "utcnow",
]
