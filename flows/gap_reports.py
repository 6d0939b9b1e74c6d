"""Gap rating beyond its own results message: the digest's widest gaps and whether they closed,
every touchpoint's figures of every round for exports, and how many touchpoints each participant
has left to rate (the Home tab).

The digest ranks the shortfalls (mean gap < 0) by importance-weighted gap, weight × mean gap
(flows.gaps.results), widest first: a touchpoint that matters more weighs more. Shortfalls that
nobody gave an importance have no weight; they follow, by mean gap. "Closed" means short of
expectations in the previous round and meeting them now.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from flows.digest import (
    SECTION_ITEM_LIMIT,
    DigestChart,
    DigestField,
    DigestItem,
    DigestSection,
    text,
)
from flows.exports import ExportTable
from flows.gaps.aggregation import current_round
from flows.gaps.results import GapResults, RoundChange, TouchpointGap, gap_results, round_change
from flows.gaps.statistics import display, signed
from storage.models import (
    GapRating,
    Participant,
    Phase,
    RatingRound,
    Touchpoint,
    Workshop,
)

GAPS_DIGEST_ORDER = 20
TOUCHPOINT_GAPS_EXPORT_ORDER = 60


def widest_gaps(results: GapResults) -> tuple[TouchpointGap, ...]:
    """The shortfalls, widest importance-weighted gap first; those without a weight last."""
    return tuple(
        sorted(
            results.shortfalls,
            key=lambda t: (
                t.weighted_gap is None,
                t.weighted_gap or 0.0,
                t.stats.exact_mean_gap,
                t.stage_position,
                t.position,
            ),
        )
    )


def closed_since_previous(touchpoint: TouchpointGap) -> bool:
    previous = touchpoint.previous
    return (
        previous is not None
        and previous.n > 0
        and (previous.exact_mean_gap or 0) < 0
        and (touchpoint.stats.exact_mean_gap or 0) >= 0
    )


def change_words(touchpoint: TouchpointGap) -> str:
    """ "+0.7, narrowed", "−0.4, widened", "+1.5, closed", "0.0, unchanged", "not rated then"."""
    if touchpoint.change is None:
        return "not rated then"
    shown = display(touchpoint.change) or 0
    if closed_since_previous(touchpoint):
        verdict = "closed"
    else:
        verdict = "narrowed" if shown > 0 else "widened" if shown < 0 else "unchanged"
    return f"{signed(touchpoint.change)}, {verdict}"


# The digest --------------------------------------------------------------------------------------


def widest_gaps_section(
    session: Session, workshop: Workshop, since: datetime | None
) -> DigestSection | None:
    """The widest importance-weighted gaps of the latest round with ratings, each with its
    change since the round before, and whether the gaps are closing overall."""
    results = gap_results(session, workshop)
    waiting = None
    if not results.has_ratings and results.previous_round is not None:
        waiting = results.round  # a new round was opened and nobody has rated it yet
        results = gap_results(session, workshop, results.previous_round)
    if not results.has_ratings:
        return None
    ranked = widest_gaps(results)
    note = closing_verdict(results, round_change(results))
    if waiting is not None:
        note += f" Round {waiting} is open; nobody has rated it yet."
    return DigestSection(
        key="gaps",
        title="Widest gaps",
        note=text(note),
        figures=_figures(results),
        items=tuple(_item(t, results.previous_round) for t in ranked[:SECTION_ITEM_LIMIT]),
        total=len(ranked),
        chart=DigestChart(
            "journey_gaps",
            data=results,
            alt_text=(
                f"Journey gap chart, round {results.round}: expectation against experience at "
                f"{results.rated_count} rated touchpoints, in journey order"
            ),
            title=f"Journey gaps, round {results.round}",
        ),
    )


def closing_verdict(results: GapResults, moved: RoundChange | None) -> str:
    """Whether the gaps closed since the previous round, in one or two sentences."""
    if moved is None:
        if not results.shortfalls:
            return f"Round {results.round}: every rated touchpoint meets expectations."
        return (
            f"Round {results.round} is the first rating: a later round will show whether "
            "these gaps close."
        )
    measure, before, now = "importance-weighted journey gap", None, None
    if results.weighted_gap is not None and results.previous_weighted_gap is not None:
        before, now = results.previous_weighted_gap, results.weighted_gap
    elif results.journey_previous is not None:  # nobody gave an importance: the plain mean gap
        measure = "journey gap"
        before, now = results.journey_previous.mean_gap, results.journey.mean_gap
    previous = moved.previous_round
    if before is None or now is None:
        return f"Round {previous} had no ratings, so there is nothing to compare with."
    change = display(now - before) or 0
    if change > 0:
        head = f"Gaps are closing: the {measure} narrowed from {signed(before)} to {signed(now)}"
    elif change < 0:
        head = f"Gaps are widening: the {measure} widened from {signed(before)} to {signed(now)}"
    else:
        head = f"No overall change: the {measure} stayed at {signed(now)}"
    return (
        f"{head} since round {previous}. Of {moved.compared} touchpoints rated in both rounds, "
        f"{moved.narrowed} narrowed ({moved.closed} closed: short of expectations then, meeting "
        f"them now) and {moved.widened} widened."
    )


def _figures(results: GapResults) -> tuple[DigestField, ...]:
    round_text = str(results.round)
    if results.previous_round is not None:
        round_text += f", compared with round {results.previous_round}"
    weighted = (
        signed(results.weighted_gap)
        if results.weighted_gap is not None
        else "no importance answers yet"
    )
    if results.previous_round is not None and results.previous_weighted_gap is not None:
        weighted += f" (round {results.previous_round}: {signed(results.previous_weighted_gap)})"
    return (
        DigestField("Round", text(round_text)),
        DigestField("Importance-weighted gap", text(weighted)),
        DigestField(
            "Short of expectations",
            text(f"{len(results.shortfalls)} of {results.rated_count} rated touchpoints"),
        ),
        DigestField("Rated by", text(f"{results.raters} of {results.participants} participants")),
    )


def _item(touchpoint: TouchpointGap, previous_round: int | None) -> DigestItem:
    stats = touchpoint.stats
    fields = [
        DigestField(
            "weighted",
            text(
                signed(touchpoint.weighted_gap, 2)
                if touchpoint.weighted_gap is not None
                else "no importance answers"
            ),
        )
    ]
    if stats.mean_importance is not None:
        fields.append(DigestField("importance", text(f"{display(stats.mean_importance):.1f}")))
    if previous_round is not None:
        fields.append(DigestField(f"since round {previous_round}", text(change_words(touchpoint))))
    if touchpoint.flags:
        fields.append(DigestField("flags", text(", ".join(touchpoint.flags))))
    return DigestItem(
        text(f"{touchpoint.name} ({touchpoint.stage_name}): gap {signed(stats.mean_gap)}"),
        fields=tuple(fields),
    )


# The export --------------------------------------------------------------------------------------

TOUCHPOINT_GAP_COLUMNS = (
    "round",
    "stage",
    "touchpoint_id",
    "touchpoint",
    "n",
    "mean_expectation",
    "mean_experience",
    "mean_gap",
    "sd_gap",
    "ci_low",
    "ci_high",
    "n_importance",
    "mean_importance",
    "weight",
    "weighted_gap",
    "quadrant",
    "flags",
    "change_since_previous_round",
)


def touchpoint_gaps_table(session: Session, workshop: Workshop) -> ExportTable | None:
    """Every touchpoint in every round (unrated ones with n = 0), unrounded."""
    rounds = [
        gap_results(session, workshop, number)
        for number in range(1, current_round(session, workshop) + 1)
    ]
    if not any(results.has_ratings for results in rounds):
        return None
    return ExportTable(
        name="touchpoint_gaps",
        title="Touchpoint gaps per round",
        columns=TOUCHPOINT_GAP_COLUMNS,
        rows=[_row(results.round, t) for results in rounds for t in results.touchpoints],
    )


def _row(number: int, touchpoint: TouchpointGap) -> tuple:
    stats = touchpoint.stats
    low, high = stats.ci if stats.ci is not None else (None, None)
    return (
        number,
        touchpoint.stage_name,
        touchpoint.touchpoint_id,
        touchpoint.name,
        stats.n,
        stats.mean_expectation,
        stats.mean_experience,
        stats.mean_gap,
        stats.sd_gap,
        low,
        high,
        stats.n_importance,
        stats.mean_importance,
        touchpoint.weight,
        touchpoint.weighted_gap,
        touchpoint.quadrant,
        "; ".join(touchpoint.flags),
        touchpoint.change,
    )


# The Home tab ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RatingToDo:
    workshop_id: int
    title: str
    round: int
    touchpoints: int
    rated: int  # by this user, in the current round

    @property
    def left(self) -> int:
        return max(self.touchpoints - self.rated, 0)


def ratings_left(session: Session, team_id: str, user_id: str) -> list[RatingToDo]:
    """The user's workshops in the Gap rating phase where they have touchpoints left to rate in
    the current round, newest first: four GROUP BY queries, however many workshops."""
    workshops = session.exec(
        select(Workshop.id, Workshop.title)
        .join(Participant, col(Participant.workshop_id) == col(Workshop.id))
        .where(
            Workshop.team_id == team_id,
            Workshop.phase == Phase.rating,
            Participant.team_id == team_id,
            Participant.user_id == user_id,
        )
        .order_by(col(Workshop.id).desc())
    ).all()
    if not workshops:
        return []
    ids = [workshop_id for workshop_id, _ in workshops]
    touchpoints = _counts(
        session,
        select(Touchpoint.workshop_id, func.count())
        .where(Touchpoint.team_id == team_id, col(Touchpoint.workshop_id).in_(ids))
        .group_by(col(Touchpoint.workshop_id)),
    )
    rounds = _counts(
        session,
        select(RatingRound.workshop_id, func.max(RatingRound.number))
        .where(RatingRound.team_id == team_id, col(RatingRound.workshop_id).in_(ids))
        .group_by(col(RatingRound.workshop_id)),
    )
    rated = {
        (workshop_id, number): count
        for workshop_id, number, count in session.exec(
            select(GapRating.workshop_id, GapRating.round, func.count())
            .where(
                GapRating.team_id == team_id,
                GapRating.user_id == user_id,
                col(GapRating.workshop_id).in_(ids),
            )
            .group_by(col(GapRating.workshop_id), col(GapRating.round))
        ).all()
    }
    to_do = []
    for workshop_id, title in workshops:
        number = rounds.get(workshop_id, 1)
        item = RatingToDo(
            workshop_id,
            title,
            number,
            touchpoints.get(workshop_id, 0),
            rated.get((workshop_id, number), 0),
        )
        if item.left:
            to_do.append(item)
    return to_do


def _counts(session: Session, query) -> dict[int, int]:
    return {key: value for key, value in session.exec(query).all()}
