"""The "your turn" call: when the workshop moves into a phase where the team has something to do,
one short message in the channel says what, and about how long it takes.

Each phase change is called at most once, whatever happens to the request: the call is claimed
by inserting a row unique per (team, phase change) before anything is posted. A call Slack
refused is released (deleted), so a later run may post it; one whose fate is unknown stays
claimed: a missing call is better than two.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from sqlalchemy import delete, update
from sqlmodel import Session, col

from flows.inserts import added
from flows.scope import count_of, team_row
from flows.workshops import PhaseAction
from storage.models import Phase, PhaseCall, PhaseChange, Touchpoint, Workshop

# Phases in which every participant has something to do.
CALLED_PHASES = (Phase.stakeholders, Phase.rating, Phase.fixes, Phase.voting)
# Moving forward calls the team; going back (a correction) or reopening does not.
CALLING_ACTIONS = (PhaseAction.advance.value, PhaseAction.skip.value)

# Rough time a participant spends, for "about N minutes". Rating: two choices per touchpoint
# (expectation and experience), about 10 seconds a touchpoint.
SECONDS_PER_TOUCHPOINT = 10
MINUTES = {Phase.stakeholders: 5, Phase.fixes: 5, Phase.voting: 2}


@dataclass(frozen=True)
class PhaseCallFacts:
    phase: Phase
    minutes: int  # about how long a participant needs
    touchpoints: int
    vote_budget: int


def rating_minutes(touchpoints: int) -> int:
    """Whole minutes, rounded up, at least one: 19 touchpoints × 10 s = 190 s → 4 minutes."""
    return max(1, math.ceil(touchpoints * SECONDS_PER_TOUCHPOINT / 60))


def call_facts(session: Session, workshop: Workshop, phase: Phase) -> PhaseCallFacts:
    touchpoints = count_of(session, Touchpoint, workshop)
    minutes = rating_minutes(touchpoints) if phase is Phase.rating else MINUTES.get(phase, 1)
    return PhaseCallFacts(phase, minutes, touchpoints, workshop.vote_budget)


def claim_phase_call(session: Session, team_id: str, change_id: int) -> int | None:
    """Claim the call of phase change `change_id`: the claim's id, or None when the change
    calls nobody (going back, a phase without participants' work) or it is claimed already."""
    change = team_row(session, PhaseChange, team_id, change_id)
    if change is None or change.action not in CALLING_ACTIONS:
        return None
    if Phase(change.to_phase) not in CALLED_PHASES:
        return None
    call = PhaseCall(
        team_id=team_id,
        workshop_id=change.workshop_id,
        phase_change_id=change_id,
        phase=Phase(change.to_phase),
    )
    if not added(session, call):  # claimed by a retry or another replica: it posts, not us
        return None
    return call.id


def phase_call_posted(session: Session, team_id: str, call_id: int, ts: str) -> None:
    session.execute(
        update(PhaseCall)
        .where(col(PhaseCall.id) == call_id, col(PhaseCall.team_id) == team_id)
        .values(ts=ts)
        .execution_options(synchronize_session=False)
    )


def release_phase_call(session: Session, team_id: str, call_id: int) -> None:
    """Slack refused the post (nothing was posted): a later run may call again."""
    session.execute(
        delete(PhaseCall)
        .where(col(PhaseCall.id) == call_id, col(PhaseCall.team_id) == team_id)
        .execution_options(synchronize_session=False)
    )
