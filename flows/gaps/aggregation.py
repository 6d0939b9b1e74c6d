"""Gap rating reads: the SQL that sums ratings per touchpoint and round (one GROUP BY), counts
raters, and reads the current round and the journey's touchpoints in order.

A stage's and the journey's sums are its touchpoints' sums added up (`statistics.pooled`), and
the statistics follow from those sums.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from sqlalchemy import BindParameter, Exists, Select, bindparam, func, select
from sqlmodel import Session, col

from flows.gaps.statistics import RatingSums
from flows.scope import count_of
from storage.models import GapRating, JourneyStage, Participant, RatingRound, Touchpoint, Workshop

# The statements of the results are built once, and bound to a workshop and round at each call:
# building one costs the client more CPU than PostgreSQL spends running these small queries
# (about 0.15 ms of CPU a statement, measured on PostgreSQL), and the results send five.
TEAM: BindParameter[str] = bindparam("team_id")
WORKSHOP: BindParameter[int] = bindparam("workshop_id")
ROUND: BindParameter[int] = bindparam("round")


def scope(workshop: Workshop, **values: object) -> dict[str, object]:
    return {"team_id": workshop.team_id, "workshop_id": workshop.id, **values}


_LATEST_ROUND = select(func.max(RatingRound.number)).where(
    col(RatingRound.team_id) == TEAM, col(RatingRound.workshop_id) == WORKSHOP
)


def current_round(session: Session, workshop: Workshop) -> int:
    return session.execute(_LATEST_ROUND, scope(workshop)).scalar() or 1


def _sums_columns() -> tuple:
    """count, Σ expectation, Σ experience, Σ gap, Σ gap², importance answers, Σ importance."""
    gap = col(GapRating.experience) - col(GapRating.expectation)
    return (
        func.count(),
        func.sum(GapRating.expectation),
        func.sum(GapRating.experience),
        func.sum(gap),
        func.sum(gap * gap),
        func.count(col(GapRating.importance)),
        func.coalesce(func.sum(GapRating.importance), 0),
    )


IN_WORKSHOP = (col(GapRating.team_id) == TEAM, col(GapRating.workshop_id) == WORKSHOP)
_ROUND_SUMS = (
    select(col(GapRating.touchpoint_id), *_sums_columns())
    .where(*IN_WORKSHOP, col(GapRating.round) == ROUND)
    .group_by(col(GapRating.touchpoint_id))
)
_ROUNDS_SUMS = (
    select(col(GapRating.round), col(GapRating.touchpoint_id), *_sums_columns())
    .where(*IN_WORKSHOP, col(GapRating.round).in_(bindparam("rounds", expanding=True)))
    .group_by(col(GapRating.round), col(GapRating.touchpoint_id))
)


def _to_sums(values: Iterable) -> RatingSums:
    return RatingSums(*(int(value or 0) for value in values))


def touchpoint_sums(session: Session, workshop: Workshop, number: int) -> dict[int, RatingSums]:
    return rounds_touchpoint_sums(session, workshop, (number,))[number]


def rounds_touchpoint_sums(
    session: Session, workshop: Workshop, numbers: Iterable[int]
) -> dict[int, dict[int, RatingSums]]:
    """Round → touchpoint id → sums, for each of `numbers`, in one GROUP BY (round, touchpoint):
    the results compare two rounds with one scan of their ratings."""
    wanted = sorted(set(numbers))
    if len(wanted) == 1:  # grouping by the touchpoint alone is a little cheaper
        (number,) = wanted
        rows = session.execute(_ROUND_SUMS, scope(workshop, round=number))
        return {number: {touchpoint_id: _to_sums(values) for touchpoint_id, *values in rows}}
    sums: dict[int, dict[int, RatingSums]] = {number: {} for number in wanted}
    for number, touchpoint_id, *values in session.execute(
        _ROUNDS_SUMS, scope(workshop, rounds=wanted)
    ):
        sums[number][touchpoint_id] = _to_sums(values)
    return sums


def touchpoint_gaps(session: Session, workshop: Workshop) -> dict[int, float]:
    """Touchpoint id → mean gap (experience − expectation) in the workshop's current round;
    touchpoints nobody rated are absent."""
    sums = touchpoint_sums(session, workshop, current_round(session, workshop))
    return {touchpoint_id: s.gap / s.n for touchpoint_id, s in sums.items() if s.n}


def count_ratings(session: Session, workshop: Workshop, number: int) -> int:
    return count_of(session, GapRating, workshop, col(GapRating.round) == number)


@cache
def _participants_and_raters_statement(rounds: int) -> Select:
    """The participants, and for each of `rounds` rounds (bound as round_0, round_1, …) how many
    of them rated anything in it."""

    def rated(number: BindParameter) -> Exists:
        return (
            select(col(GapRating.id))
            .where(
                *IN_WORKSHOP,
                col(GapRating.round) == number,
                col(GapRating.user_id) == col(Participant.user_id),
            )
            .exists()
        )

    return select(
        func.count(),
        *(func.count().filter(rated(bindparam(f"round_{i}"))) for i in range(rounds)),
    ).where(col(Participant.team_id) == TEAM, col(Participant.workshop_id) == WORKSHOP)


def participants_and_raters(
    session: Session, workshop: Workshop, numbers: Iterable[int]
) -> tuple[int, dict[int, int]]:
    """The participants, and how many of them rated in each round of `numbers`, in one query.

    Every rater is a participant (rating joins the workshop; a foreign key holds it), so the
    raters are counted over the participants, one probe of the (workshop, round, rater) index
    each, rather than by scanning every rating of the round for distinct raters."""
    wanted = sorted(set(numbers))
    rounds = {f"round_{i}": number for i, number in enumerate(wanted)}
    row = session.execute(
        _participants_and_raters_statement(len(wanted)), scope(workshop, **rounds)
    ).one()
    return row[0], dict(zip(wanted, row[1:], strict=True))


@dataclass(frozen=True)
class JourneyTouchpoint:
    id: int
    name: str
    position: int
    stage_id: int
    stage_name: str
    stage_position: int


JOURNEY = (
    select(
        col(Touchpoint.id),
        col(Touchpoint.name),
        col(Touchpoint.position),
        col(JourneyStage.id),
        col(JourneyStage.name),
        col(JourneyStage.position),
    )
    .join(JourneyStage, col(JourneyStage.id) == col(Touchpoint.stage_id))
    .where(
        col(Touchpoint.team_id) == TEAM,
        col(Touchpoint.workshop_id) == WORKSHOP,
        col(JourneyStage.team_id) == TEAM,
    )
    .order_by(col(JourneyStage.position), col(Touchpoint.position))
)


def journey_touchpoints(session: Session, workshop: Workshop) -> list[JourneyTouchpoint]:
    return [JourneyTouchpoint(*row) for row in session.execute(JOURNEY, scope(workshop))]
