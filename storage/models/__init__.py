"""All tables; importing this package registers them on SQLModel.metadata (Alembic needs that)."""

from storage.models import slack_oauth  # noqa: F401  (slack_sdk's OAuth tables)
from storage.models.base import id_col, pk, timestamp_column, utcnow
from storage.models.benchmarking import MatchVerdict, TouchpointMatch
from storage.models.calls import PhaseCall
from storage.models.core import (
    Channel,
    JourneyStage,
    Participant,
    Phase,
    PhaseChange,
    Role,
    Touchpoint,
    Workshop,
)
from storage.models.customers import (
    CUSTOMER_SCALE,
    NO_SEGMENT,
    WHOLE_STAGE,
    CustomerFigure,
    CustomerImport,
    Measure,
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
from storage.models.follows import WorkshopFollow
from storage.models.gaps import GapRating, RatingNudge, RatingRound
from storage.models.journeys import JourneyTemplate
from storage.models.kpis import WHOLE_JOURNEY, CustomKpi, KpiValue
from storage.models.lanes import Persona, RoundPersona
from storage.models.rounds import (
    DeadlineState,
    LoopNote,
    PhaseDeadline,
    RatingReminder,
    RoundSchedule,
    RoundScheduleStatus,
    ScheduledRound,
)
from storage.models.slack_events import EventReceipt
from storage.models.stakeholders import (
    Attitude,
    Stakeholder,
    StakeholderCategory,
    StakeholderRating,
    StakeholderTouchpoint,
)

__all__ = [
    "CUSTOMER_SCALE",
    "NO_SEGMENT",
    "SCHEDULER_JOBS_TABLE",
    "WHOLE_JOURNEY",
    "WHOLE_STAGE",
    "ActionItem",
    "ActionStatus",
    "Attitude",
    "Ballot",
    "Cadence",
    "Channel",
    "CustomKpi",
    "CustomerFigure",
    "CustomerImport",
    "DeadlineState",
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
    "LoopNote",
    "MatchVerdict",
    "Measure",
    "Participant",
    "Persona",
    "Phase",
    "PhaseCall",
    "PhaseChange",
    "PhaseDeadline",
    "RatingNudge",
    "RatingReminder",
    "RatingRound",
    "Role",
    "RoundPersona",
    "RoundSchedule",
    "RoundScheduleStatus",
    "ScheduleStatus",
    "ScheduledRound",
    "Stakeholder",
    "StakeholderCategory",
    "StakeholderRating",
    "StakeholderTouchpoint",
    "Touchpoint",
    "TouchpointMatch",
    "Vote",
    "VoteClick",
    "Workshop",
    "WorkshopFollow",
    "id_col",
    "pk",
    "timestamp_column",
    "utcnow",
]
