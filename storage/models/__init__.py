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
from storage.models.digests import (
    SCHEDULER_JOBS_TABLE,
    Cadence,
    DeliveryStatus,
    DigestDelivery,
    DigestSchedule,
    HomeView,
    ScheduleStatus,
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
    VoteClick,
)
from storage.models.gaps import GapRating, RatingNudge, RatingRound
from storage.models.journeys import JourneyTemplate
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
    "SCHEDULER_JOBS_TABLE",
    "WHOLE_JOURNEY",
    "ActionItem",
    "ActionStatus",
    "Attitude",
    "Ballot",
    "Cadence",
    "CustomKpi",
    "DeliveryStatus",
    "DigestDelivery",
    "DigestSchedule",
    "Effort",
    "EventReceipt",
    "Fix",
    "FixStatus",
    "GapRating",
    "HomeView",
    "Impact",
    "JourneyStage",
    "JourneyTemplate",
    "KpiValue",
    "Participant",
    "Phase",
    "PhaseChange",
    "RatingNudge",
    "RatingRound",
    "Role",
    "ScheduleStatus",
    "Stakeholder",
    "StakeholderCategory",
    "StakeholderRating",
    "StakeholderTouchpoint",
    "Touchpoint",
    "Vote",
    "VoteClick",
    "Workshop",
    "timestamp_column",
    "utcnow",
]
