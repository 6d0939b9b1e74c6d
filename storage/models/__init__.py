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
from storage.models.slack_events import EventReceipt

__all__ = [
    "ActionItem",
    "ActionStatus",
    "Ballot",
    "Effort",
    "EventReceipt",
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
