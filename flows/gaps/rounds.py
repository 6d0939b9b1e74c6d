"""Rating rounds: every workshop rates in round 1; the facilitator may open round 2, 3, … on the
same touchpoints. Results compare the current round with the latest earlier round of the same
persona, or of everyone's (flows.gaps.like_for_like)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

from sqlmodel import Session

from flows.errors import Conflict
from flows.formatting import plural, rounded
from flows.gaps.aggregation import count_ratings, current_round
from flows.gaps.like_for_like import previous_like, round_personas
from flows.gaps.results import GapResults, TouchpointGap
from flows.gaps.statistics import GapStats
from flows.inserts import added
from flows.workshops import get_workshop, move_phase, require_facilitator
from storage.models import Phase, RatingRound, Workshop, utcnow

PHASES_AFTER_RATING = (Phase.rating, Phase.fixes, Phase.voting)


@dataclass(frozen=True)
class RoundOpened:
    workshop: Workshop
    number: int
    moved_from: Phase | None  # the phase the workshop was taken back from, if it was moved
    compared_with: int | None = None  # the latest earlier round rated by everyone


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
    opened = RatingRound(
        team_id=team_id, workshop_id=workshop_id, number=number + 1, opened_by=user_id
    )
    if not added(session, opened):  # opened by another request since `number` was read
        raise Conflict(_already_open(number + 1))
    moved_from = None
    if phase is not Phase.rating:
        _move_back_to_rating(session, workshop, phase, user_id)
        moved_from = phase
    session.flush()
    session.refresh(workshop)
    previous = previous_like(round_personas(session, workshop), number + 1)
    return RoundOpened(workshop, number + 1, moved_from, previous)


def _already_open(number: int, *, unrated: bool = False) -> str:
    state = " and nobody has rated it yet" if unrated else ""
    return f"Round {number} is already open{state}; I did not open another."


def _move_back_to_rating(session: Session, workshop: Workshop, phase: Phase, user_id: str) -> None:
    if move_phase(session, workshop, phase, Phase.rating, "new_round", user_id, utcnow()) is None:
        raise Conflict("Someone changed the phase at the same moment; have a look at the board.")


# Comparing rounds like for like ------------------------------------------------------------------


@dataclass(frozen=True)
class RoundComparison:
    """How the gaps moved between two rounds, over the same touchpoints only: those rated in
    both rounds. A touchpoint rated in the previous round and skipped in this one (or the other
    way round) is left out of every figure and named, so a change can never be an artefact of
    who rated what.

    - `before` / `now`: the mean gap pooled over every rating of the compared touchpoints in
      each round (Σ gaps / Σ n, as the journey's mean gap is computed).
    - `weighted_before` / `weighted_now`: the importance-weighted gap over the compared
      touchpoints that have importance answers in both rounds, each round's mean importances
      normalised to sum to 1 over that same set (None when no such touchpoint).
    - narrowed / widened: touchpoints whose mean gap, shown to one decimal, rose / fell;
      closed: short of expectations then (mean gap < 0), meeting them now (≥ 0).
    """

    round: int
    previous_round: int
    compared: tuple[TouchpointGap, ...]  # journey order
    not_rated_again: tuple[TouchpointGap, ...]  # rated in the previous round only
    newly_rated: tuple[TouchpointGap, ...]  # rated in this round only
    before: float | None
    now: float | None
    weighted_before: float | None
    weighted_now: float | None
    narrowed: int
    widened: int
    closed: int
    # "round 1, the last round for Busy parent": the compared round in words (like for like by
    # persona, flows.gaps.like_for_like)
    previous_words: str = ""

    @property
    def since(self) -> str:
        return f"since {self.previous_words or f'round {self.previous_round}'}"

    @property
    def change(self) -> float | None:
        """now − before: positive means the gap narrowed."""
        if self.before is None or self.now is None:
            return None
        return self.now - self.before

    @property
    def weighted_change(self) -> float | None:
        if self.weighted_before is None or self.weighted_now is None:
            return None
        return self.weighted_now - self.weighted_before


def compare_rounds(results: GapResults) -> RoundComparison | None:
    """The like-for-like comparison of `results`' round with the round it is compared with (the
    latest earlier round of the same persona, or of everyone's); None when there is none."""
    if results.previous_round is None:
        return None
    both, gone, new = [], [], []
    for touchpoint in results.touchpoints:
        rated_then = touchpoint.previous is not None and touchpoint.previous.rated
        if touchpoint.stats.rated and rated_then:
            both.append(touchpoint)
        elif rated_then:
            gone.append(touchpoint)
        elif touchpoint.stats.rated:
            new.append(touchpoint)
    shown = [rounded(t.change) or 0 for t in both]
    weighted = [
        t
        for t in both
        if t.stats.mean_importance is not None
        and t.previous is not None
        and t.previous.mean_importance is not None
    ]
    return RoundComparison(
        round=results.round,
        previous_round=results.previous_round,
        compared=tuple(both),
        not_rated_again=tuple(gone),
        newly_rated=tuple(new),
        before=_pooled_mean([t.previous for t in both]),  # type: ignore[misc]
        now=_pooled_mean([t.stats for t in both]),
        weighted_before=_weighted([t.previous for t in weighted]),  # type: ignore[misc]
        weighted_now=_weighted([t.stats for t in weighted]),
        narrowed=sum(1 for change in shown if change > 0),
        widened=sum(1 for change in shown if change < 0),
        closed=sum(
            1
            for t in both
            if t.previous is not None  # always, in `both`
            and (t.previous.exact_mean_gap or 0) < 0
            and (t.stats.exact_mean_gap or 0) >= 0
        ),
        previous_words=results.previous_words,
    )


def _pooled_mean(stats: list[GapStats]) -> float | None:
    """Σ of every rating's gap / number of ratings, exactly (each mean × its n is its sum)."""
    n = sum(s.n for s in stats)
    if not n:
        return None
    return float(sum((s.exact_mean_gap or Fraction(0)) * s.n for s in stats) / n)


def _weighted(stats: list[GapStats]) -> float | None:
    """Σ weight × mean gap, the weights being the mean importances normalised to sum to 1."""
    total = math.fsum(s.mean_importance or 0 for s in stats)
    if total <= 0:
        return None
    return math.fsum((s.mean_importance or 0) / total * (s.mean_gap or 0) for s in stats)


def not_rated_again_text(comparison: RoundComparison, names_shown: int = 5) -> str:
    """ "Compared over the 4 touchpoints rated in both rounds; not rated again: Lobby, Kiosk." """
    text = (
        f"Compared over the {plural(len(comparison.compared), 'touchpoint')} rated in both "
        f"rounds {comparison.previous_round} and {comparison.round}"
    )
    gone = [t.name for t in comparison.not_rated_again]
    if gone:
        shown = ", ".join(gone[:names_shown])
        more = f" and {len(gone) - names_shown} more" if len(gone) > names_shown else ""
        text += f"; not rated again in round {comparison.round}: {shown}{more}"
    return text + "."
