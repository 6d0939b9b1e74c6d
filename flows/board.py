"""What the workshop board shows: a Slack-free summary of a workshop's state.

Each phase's flow adds its own progress figures by registering a provider, so the board grows
with the product without this module knowing every feature.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_
from sqlmodel import Session, col, select

from flows.scope import of_workshop
from flows.workshops import facilitator_ids, participant_count
from storage.models import JourneyStage, Phase, Touchpoint, Workshop, id_col, pk


@dataclass(frozen=True)
class Figure:
    label: str
    value: str


@dataclass(frozen=True)
class StageSummary:
    name: str
    touchpoints: list[str]


@dataclass(frozen=True)
class BoardSummary:
    workshop_id: int
    team_id: str
    channel_id: str
    title: str
    phase: Phase
    facilitator_ids: list[str]
    participant_count: int
    stages: list[StageSummary]
    figures: list[Figure]
    deadline: datetime | None = None  # when the current phase closes by itself (flows.rounds)

    @property
    def touchpoint_count(self) -> int:
        return sum(len(stage.touchpoints) for stage in self.stages)


FigureProvider = Callable[[Session, Workshop], list[Figure]]
_figure_providers: list[FigureProvider] = []


def register_figures(provider: FigureProvider) -> FigureProvider:
    """Decorator: `provider(session, workshop)` adds figures to the board (progress, counts)."""
    if provider not in _figure_providers:
        _figure_providers.append(provider)
    return provider


def journey_stages(session: Session, workshop: Workshop) -> list[StageSummary]:
    """The journey in order, stage by stage, in one query (a stage without touchpoints too)."""
    rows = session.exec(
        select(id_col(JourneyStage.id), JourneyStage.name, Touchpoint.name)
        .outerjoin(
            Touchpoint,
            and_(
                col(Touchpoint.stage_id) == col(JourneyStage.id),
                col(Touchpoint.team_id) == workshop.team_id,
            ),
        )
        .where(*of_workshop(JourneyStage, workshop))
        .order_by(col(JourneyStage.position), col(JourneyStage.id), col(Touchpoint.position))
    ).all()
    stages: dict[int, StageSummary] = {}
    for stage_id, stage_name, touchpoint in rows:
        stage = stages.setdefault(stage_id, StageSummary(stage_name, []))
        if touchpoint is not None:
            stage.touchpoints.append(touchpoint)
    return list(stages.values())


def board_summary(session: Session, workshop: Workshop) -> BoardSummary:
    return BoardSummary(
        workshop_id=pk(workshop),
        team_id=workshop.team_id,
        channel_id=workshop.channel_id,
        title=workshop.title,
        phase=Phase(workshop.phase),
        facilitator_ids=facilitator_ids(session, workshop),
        participant_count=participant_count(session, workshop),
        stages=journey_stages(session, workshop),
        figures=board_figures(session, workshop),
        deadline=_deadline(session, workshop),
    )


def _deadline(session: Session, workshop: Workshop) -> datetime | None:
    # Imported here: flows.rounds reads gap rounds, whose package registers board figures.
    from flows.rounds import as_utc, current_deadline

    deadline = current_deadline(session, workshop)
    return as_utc(deadline.due_at) if deadline is not None else None


def board_figures(session: Session, workshop: Workshop) -> list[Figure]:
    """Every feature's progress figures, in the order they registered."""
    return [figure for add in _figure_providers for figure in add(session, workshop)]
