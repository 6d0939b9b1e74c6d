"""One participant's own progress in a workshop: what they have done, what is left, and the one
thing to do next (for `/workshop status` and the Home tab)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum

from sqlalchemy import func
from sqlmodel import Session, col, select

from flows.gaps.aggregation import current_round
from flows.scope import count_of, of_workshop
from flows.voting import own_votes
from flows.workshops import FACILITATOR_ROLES, participant_role
from storage.models import (
    Fix,
    FixStatus,
    GapRating,
    Phase,
    Role,
    Stakeholder,
    StakeholderRating,
    Touchpoint,
    Workshop,
)


class NextStep(StrEnum):
    """The one next action, named by what it asks (the bot draws its button)."""

    join_workshop = "join"
    wait = "wait"  # nothing to do until the facilitator moves on
    add_stakeholder = "add_stakeholder"
    rate_stakeholders = "rate_stakeholders"
    rate_touchpoints = "rate_touchpoints"
    propose_fix = "propose_fix"
    vote = "vote"
    read_results = "read_results"


@dataclass(frozen=True)
class PersonalProgress:
    workshop_id: int
    phase: Phase
    role: Role | None  # None: not in the workshop yet
    stakeholders: int  # in the workshop
    stakeholders_added: int  # by this person
    stakeholders_rated: int  # by this person, of `stakeholders`
    rating_round: int
    touchpoints: int
    touchpoints_rated: int  # by this person in the current round
    fixes_proposed: int  # active ones by this person
    vote_budget: int
    votes_used: int
    next_step: NextStep

    @property
    def facilitates(self) -> bool:
        return self.role in FACILITATOR_ROLES

    @property
    def touchpoints_left(self) -> int:
        return max(0, self.touchpoints - self.touchpoints_rated)

    @property
    def votes_left(self) -> int:
        return max(0, self.vote_budget - self.votes_used)


def personal_progress(session: Session, workshop: Workshop, user_id: str) -> PersonalProgress:
    workshop_id = workshop.id
    assert workshop_id is not None
    role = participant_role(session, workshop.team_id, workshop_id, user_id)
    stakeholders = count_of(session, Stakeholder, workshop)
    stakeholders_added = count_of(session, Stakeholder, workshop, Stakeholder.author_id == user_id)
    stakeholders_rated = count_of(
        session, StakeholderRating, workshop, StakeholderRating.rater_id == user_id
    )
    touchpoints = count_of(session, Touchpoint, workshop)
    rating_round = current_round(session, workshop)
    touchpoints_rated = session.exec(
        select(func.count(func.distinct(GapRating.touchpoint_id))).where(
            *of_workshop(GapRating, workshop),
            GapRating.round == rating_round,
            GapRating.user_id == user_id,
        )
    ).one()
    fixes_proposed = count_of(
        session, Fix, workshop, Fix.author_id == user_id, col(Fix.status) == FixStatus.active
    )
    votes_used = sum(own_votes(session, workshop, user_id).values())
    progress = PersonalProgress(
        workshop_id=workshop_id,
        phase=Phase(workshop.phase),
        role=role,
        stakeholders=stakeholders,
        stakeholders_added=stakeholders_added,
        stakeholders_rated=stakeholders_rated,
        rating_round=rating_round,
        touchpoints=touchpoints,
        touchpoints_rated=touchpoints_rated,
        fixes_proposed=fixes_proposed,
        vote_budget=workshop.vote_budget,
        votes_used=votes_used,
        next_step=NextStep.wait,
    )
    return replace(progress, next_step=next_step(progress))


def next_step(p: PersonalProgress) -> NextStep:
    """What this person does now: the phase's task while it is unfinished, else wait."""
    if p.phase is Phase.closed:
        return NextStep.read_results
    if p.phase is Phase.setup:
        return NextStep.wait if p.role is not None else NextStep.join_workshop
    if p.phase is Phase.stakeholders:
        if p.stakeholders_added == 0 or p.stakeholders == 0:
            return NextStep.add_stakeholder
        if p.stakeholders_rated < p.stakeholders:
            return NextStep.rate_stakeholders
        return NextStep.wait
    if p.phase is Phase.rating:
        return NextStep.rate_touchpoints if p.touchpoints_left else NextStep.wait
    if p.phase is Phase.fixes:  # one more fix is always welcome
        return NextStep.propose_fix
    if p.phase is Phase.voting:
        if p.role is None:
            return NextStep.join_workshop
        return NextStep.vote if p.votes_left else NextStep.wait
    return NextStep.wait
