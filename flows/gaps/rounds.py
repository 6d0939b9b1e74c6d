"""Rating rounds: every workshop rates in round 1; the facilitator may open round 2, 3, … on the
same touchpoints. Results compare the current round with the one before it."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from flows.errors import Conflict
from flows.gaps.aggregation import count_ratings, current_round
from flows.workshops import get_workshop, require_facilitator
from storage.models import Phase, PhaseChange, RatingRound, Workshop, pk, utcnow

PHASES_AFTER_RATING = (Phase.rating, Phase.fixes, Phase.voting)


@dataclass(frozen=True)
class RoundOpened:
    workshop: Workshop
    number: int
    moved_from: Phase | None  # the phase the workshop was taken back from, if it was moved


def open_rating_round(
    session: Session,
    team_id: str,
    workshop_id: int,
    user_id: str,
    expected_round: int | None = None,
) -> RoundOpened:
    """Start the next rating round on the same touchpoints (facilitators only).

    `expected_round` is the round the caller saw: the one the results' button was drawn in, or
    the one that was current when `/workshop round new` arrived. Only the round after it is
    opened, so a stale or double click, a command typed twice or two at once open one round
    between them; the others are told it is already open. The database settles a race: rounds
    are numbered rows under a unique (workshop, number) key, so inserting round `seen + 1` is
    a compare-and-set on the current round. A round nobody has rated is never followed by
    another. From the fixes or voting phase the workshop goes back to rating so the team can
    rate again.
    """
    workshop = get_workshop(session, team_id, workshop_id)
    require_facilitator(session, workshop, user_id, "open a new rating round")
    phase = Phase(workshop.phase)
    if phase is Phase.closed:
        raise Conflict("The workshop is closed; reopen it before opening a new rating round.")
    if phase not in PHASES_AFTER_RATING:
        raise Conflict("Rating has not started yet: round 1 opens with the Gap rating phase.")
    number = current_round(session, workshop)
    if expected_round is not None and expected_round != number:
        raise Conflict(_already_open(number))
    if count_ratings(session, workshop, number) == 0:
        if number > 1:
            raise Conflict(_already_open(number, unrated=True))
        raise Conflict("Nobody has rated round 1 yet; rate it before opening another.")
    try:
        with session.begin_nested():
            session.add(
                RatingRound(
                    team_id=team_id, workshop_id=workshop_id, number=number + 1, opened_by=user_id
                )
            )
    except IntegrityError:  # opened by another request since `number` was read
        raise Conflict(_already_open(number + 1)) from None
    moved_from = None
    if phase is not Phase.rating:
        _move_back_to_rating(session, workshop, phase, user_id)
        moved_from = phase
    session.flush()
    session.refresh(workshop)
    return RoundOpened(workshop, number + 1, moved_from)


def _already_open(number: int, *, unrated: bool = False) -> str:
    state = " and nobody has rated it yet" if unrated else ""
    return f"Round {number} is already open{state}; I did not open another."


def _move_back_to_rating(session: Session, workshop: Workshop, phase: Phase, user_id: str) -> None:
    moved = session.exec(
        update(Workshop)
        .where(
            col(Workshop.id) == workshop.id,
            col(Workshop.team_id) == workshop.team_id,
            col(Workshop.phase) == phase,
        )
        .values(phase=Phase.rating, updated_at=utcnow())
    ).rowcount
    if moved != 1:
        raise Conflict("Someone changed the phase at the same moment; have a look at the board.")
    session.add(
        PhaseChange(
            team_id=workshop.team_id,
            workshop_id=pk(workshop),
            from_phase=phase,
            to_phase=Phase.rating,
            action="new_round",
            user_id=user_id,
        )
    )
