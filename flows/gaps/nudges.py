"""Nudges: the facilitator reminds the participants who have not rated in this round yet, each
at most once per cool-down."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlmodel import Session, col

from flows.errors import Conflict
from flows.gaps.aggregation import current_round
from flows.scope import of_workshop
from flows.workshops import get_workshop, require_facilitator
from storage.db import insert_into
from storage.models import GapRating, Participant, Phase, RatingNudge, Workshop, utcnow

NUDGE_COOLDOWN = timedelta(minutes=30)  # nobody is nudged twice within this, per round


@dataclass(frozen=True)
class NudgePlan:
    workshop: Workshop
    round: int
    to_nudge: tuple[str, ...]  # claimed: DM these now
    recently_nudged: tuple[str, ...]  # not rated, but nudged within the cool-down


def plan_nudges(
    session: Session, team_id: str, workshop_id: int, user_id: str, now: datetime | None = None
) -> NudgePlan:
    """Claim the participants to DM: joined, not rated in this round, not the facilitator
    asking, and not nudged within NUDGE_COOLDOWN. The claim is one upsert whose conflict branch
    only fires once the cool-down has passed, so concurrent clicks claim each person once."""
    workshop = get_workshop(session, team_id, workshop_id)
    require_facilitator(session, workshop, user_id, "nudge participants")
    if workshop.phase != Phase.rating:
        raise Conflict("Nudges are for the Gap rating phase, and the workshop is not in it.")
    number = current_round(session, workshop)
    candidates = _not_rated(session, workshop, number, exclude=user_id)
    if not candidates:
        return NudgePlan(workshop, number, (), ())
    now = now or utcnow()
    claimed = set(_claim_nudges(session, workshop, number, user_id, candidates, now))
    return NudgePlan(
        workshop,
        number,
        tuple(u for u in candidates if u in claimed),
        tuple(u for u in candidates if u not in claimed),
    )


def _not_rated(session: Session, workshop: Workshop, number: int, exclude: str) -> list[str]:
    rated = select(col(GapRating.user_id)).where(
        *of_workshop(GapRating, workshop),
        col(GapRating.round) == number,
    )
    return list(
        session.execute(
            select(col(Participant.user_id))
            .where(
                *of_workshop(Participant, workshop),
                col(Participant.user_id) != exclude,
                col(Participant.user_id).not_in(rated),
            )
            .order_by(col(Participant.id))
        ).scalars()
    )


def _claim_nudges(
    session: Session,
    workshop: Workshop,
    number: int,
    nudged_by: str,
    user_ids: list[str],
    now: datetime,
) -> list[str]:
    statement = insert_into(session, RatingNudge).values(
        [
            {
                "team_id": workshop.team_id,
                "workshop_id": workshop.id,
                "round": number,
                "user_id": user_id,
                "nudged_by": nudged_by,
                "nudged_at": now,
            }
            for user_id in user_ids
        ]
    )
    claim = statement.on_conflict_do_update(
        index_elements=["workshop_id", "round", "user_id"],
        set_={"nudged_at": statement.excluded.nudged_at, "nudged_by": statement.excluded.nudged_by},
        where=col(RatingNudge.nudged_at) <= now - NUDGE_COOLDOWN,
    ).returning(col(RatingNudge.user_id))
    return list(session.execute(claim).scalars())
