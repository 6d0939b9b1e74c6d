"""Gap rating beyond its own results message: the digest's widest gaps and whether they closed,
every touchpoint's figures of every round for exports, and how many touchpoints each participant
has left to rate (the Home tab).

The digest lists the shortfalls (mean gap < 0) widest mean gap first, the figure it shows; ties
in journey order. Changes between rounds are like for like (flows.gaps.rounds.compare_rounds):
only touchpoints rated in both rounds. "Closed" means short of expectations in the previous round
and meeting them now.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from flows.digest import (
    SECTION_ITEM_LIMIT,
    SUMMARY_LINES,
    DigestChart,
    DigestField,
    DigestItem,
    DigestSection,
    DigestSummary,
    previous_memo,
    text,
)
from flows.emotions import with_curve
from flows.exports import ExportTable
from flows.formatting import number, plural, rounded, signed
from flows.gaps.aggregation import current_round
from flows.gaps.results import GapResults, TouchpointGap, gap_results
from flows.gaps.rounds import RoundComparison, compare_rounds, not_rated_again_text
from storage.models import (
    GapRating,
    Participant,
    Phase,
    RatingRound,
    Touchpoint,
    Workshop,
    id_col,
)

GAPS_DIGEST_ORDER = 20
GAPS_SUMMARY_ORDER = 10  # the top message: shortfalls first
TOUCHPOINT_GAPS_EXPORT_ORDER = 60


def widest_gaps(results: GapResults) -> tuple[TouchpointGap, ...]:
    """The shortfalls, widest mean gap first (the figure every list of them shows); ties in
    journey order (results.ranked)."""
    return results.shortfalls


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
    shown = rounded(touchpoint.change) or 0
    if closed_since_previous(touchpoint):
        verdict = "closed"
    else:
        verdict = "narrowed" if shown > 0 else "widened" if shown < 0 else "unchanged"
    return f"{signed(touchpoint.change)}, {verdict}"


def shortfall_words(touchpoint: TouchpointGap, previous_round: int | None = None) -> str:
    """ "Support: customers expect 6.8, get 3.0 (gap −3.8), widened since round 1"."""
    stats = touchpoint.stats
    words = (
        f"{touchpoint.name}: customers expect {number(stats.mean_expectation)}, get "
        f"{number(stats.mean_experience)} (gap {signed(stats.mean_gap)})"
    )
    if previous_round is not None:
        if touchpoint.change is None:
            words += f", not rated in round {previous_round}"
        else:
            verdict = change_words(touchpoint).split(", ")[1]
            words += f", {verdict} since round {previous_round}"
    return words


# The digest --------------------------------------------------------------------------------------


def widest_gaps_section(
    session: Session, workshop: Workshop, since: datetime | None
) -> DigestSection | None:
    """The widest gaps of the latest round with ratings (widest first, as shown), each with its
    change since the round before, and whether the gaps are closing like for like. Its summary
    names the top three shortfalls in words; its headline says what moved since the previous
    digest (remembered in the memo)."""
    results = gap_results(session, workshop)
    waiting = None
    if not results.has_ratings and results.round > 1:
        waiting = results.round  # a new round was opened and nobody has rated it yet
        results = gap_results(session, workshop, results.round - 1)
    if not results.has_ratings:
        return None
    ranked = widest_gaps(results)
    comparison = compare_rounds(results)
    note = closing_verdict(results, comparison)
    if waiting is not None:
        note += f" Round {waiting} is open; nobody has rated it yet."
    memo = {"round": results.round, "journey_gap": results.journey.mean_gap}
    return DigestSection(
        key="gaps",
        title="Widest gaps",
        note=text(note),
        figures=_figures(results),
        items=tuple(_item(t, results.previous_round) for t in ranked[:SECTION_ITEM_LIMIT]),
        total=len(ranked),
        chart=DigestChart(
            "journey_gaps",
            data=with_curve(session, workshop, results),  # the feeling panel, when in use
            alt_text=(
                f"Journey gap chart, round {results.round}: expectation against experience at "
                f"{results.rated_count} rated touchpoints, in journey order"
            ),
            title=f"Journey gaps, round {results.round}",
        ),
        memo=memo,
        summary=DigestSummary(
            order=GAPS_SUMMARY_ORDER,
            title=_summary_title(results, ranked),
            lines=tuple(
                text(shortfall_words(t, results.previous_round)) for t in ranked[:SUMMARY_LINES]
            ),
            headline=gaps_headline(
                results, comparison, previous_memo(session, workshop, since, "gaps")
            ),
        ),
    )


def _summary_title(results: GapResults, ranked: tuple[TouchpointGap, ...]) -> str:
    if not ranked:
        return f"Round {results.round}: every rated touchpoint meets expectations"
    return (
        f"Widest shortfalls, round {results.round} "
        f"({len(ranked)} of {results.rated_count} rated touchpoints fall short)"
    )


def gaps_headline(
    results: GapResults, comparison: RoundComparison | None, memo: object | None
) -> str:
    """The gaps' clause of the digest's headline: what moved since the previous digest.

    - A round that the previous digest had not seen (or the first digest) with a round before
      it: the like-for-like change between the rounds.
    - The same round as the previous digest: the journey mean gap then and now, when its shown
      value moved (ratings came in since); nothing when it did not.
    - Round 1 in a first digest: how many touchpoints fall short.
    """
    seen = memo if isinstance(memo, dict) else {}
    same_round = seen.get("round") == results.round
    if same_round:
        before, now = seen.get("journey_gap"), results.journey.mean_gap
        if not isinstance(before, int | float) or now is None:
            return ""
        change = (rounded(now) or 0) - (
            rounded(before) or 0
        )  # as shown, so never "from −1.3 to −1.3"
        if change == 0:
            return ""
        verb = "narrowed" if change > 0 else "widened"
        return f"the journey gap {verb} from {signed(before)} to {signed(now)} as ratings came in"
    if comparison is not None and comparison.change is not None:
        change = shown_change(comparison.before, comparison.now)
        over = f"over the {plural(len(comparison.compared), 'touchpoint')} rated in both"
        if change == 0:
            return (
                f"round {results.round}'s gap is unchanged {comparison.since} "
                f"at {signed(comparison.now)} ({over})"
            )
        verb = "narrowed" if change > 0 else "widened"
        return (
            f"gaps {verb} from {signed(comparison.before)} to {signed(comparison.now)} "
            f"{comparison.since} ({over})"
        )
    if results.nothing_compared:
        return f"round {results.round} is {_persona_round(results)}: nothing to compare it with"
    shortfalls = len(results.shortfalls)
    if not shortfalls:
        return f"every rated touchpoint meets expectations in round {results.round}"
    return (
        f"{shortfalls} of {plural(results.rated_count, 'rated touchpoint')} fall short in "
        f"round {results.round}"
    )


def shown_change(before: float | None, now: float | None) -> float:
    """A change as the reader sees it: between the two figures as shown (one decimal), so a
    sentence never says "narrowed from −1.3 to −1.3" nor "unchanged" between −1.3 and −1.2."""
    return round((rounded(now) or 0) - (rounded(before) or 0), 1)


def closing_verdict(results: GapResults, comparison: RoundComparison | None) -> str:
    """Whether the gaps closed since the previous round, like for like, in two sentences."""
    if comparison is None:
        if results.nothing_compared:
            return f"Round {results.round} is {_persona_round(results)}. {results.nothing_compared}"
        if not results.shortfalls:
            return f"Round {results.round}: every rated touchpoint meets expectations."
        return (
            f"Round {results.round} is the first rating: a later round will show whether "
            "these gaps close."
        )
    previous = comparison.previous_round
    if not comparison.compared:
        return (
            f"No touchpoint was rated in both round {previous} and round {results.round}, so "
            "there is nothing to compare."
        )
    measure, before, now = "mean gap", comparison.before, comparison.now
    change = shown_change(before, now)
    if change > 0:
        head = f"Gaps are closing: the {measure} narrowed from {signed(before)} to {signed(now)}"
    elif change < 0:
        head = f"Gaps are widening: the {measure} widened from {signed(before)} to {signed(now)}"
    else:
        head = f"No overall change: the {measure} stayed at {signed(now)}"
    return (
        f"{head} {comparison.since}. {not_rated_again_text(comparison)} Of those, "
        f"{comparison.narrowed} narrowed ({comparison.closed} closed: short of expectations "
        f"then, meeting them now) and {comparison.widened} widened."
    )


def _persona_round(results: GapResults) -> str:
    """ "the first round for Busy parent" / "the first round rated by everyone"."""
    return f"the first round {_for(results)}"


def _first_round(results: GapResults) -> str:
    return f"no earlier round {_for(results)}"


def _for(results: GapResults) -> str:
    return f"for {results.persona}" if results.persona is not None else "rated by everyone"


def _figures(results: GapResults) -> tuple[DigestField, ...]:
    round_text = str(results.round)
    if results.persona is not None:
        round_text += f" (for {results.persona})"
    if results.previous_round is not None:
        round_text += f", compared with {results.previous_words}"
    elif results.nothing_compared:
        round_text += f", {_first_round(results)}"
    weighted = (
        signed(results.weighted_gap)
        if results.weighted_gap is not None
        else "no importance answers yet"
    )
    return (
        DigestField("Round", text(round_text)),
        DigestField("Journey mean gap", text(signed(results.journey.mean_gap))),
        DigestField("Importance-weighted gap", text(weighted)),
        DigestField(
            "Short of expectations",
            text(f"{len(results.shortfalls)} of {results.rated_count} rated touchpoints"),
        ),
        DigestField("Rated by", text(f"{results.raters} of {results.participants} participants")),
    )


def _item(touchpoint: TouchpointGap, previous_round: int | None) -> DigestItem:
    stats = touchpoint.stats
    fields = []
    if stats.mean_importance is not None:
        fields.append(DigestField("importance", text(f"{number(stats.mean_importance)} of 5")))
    if touchpoint.flags:
        fields.append(DigestField("flags", text(", ".join(touchpoint.flags))))
    return DigestItem(
        text(f"{shortfall_words(touchpoint, previous_round)} · {touchpoint.stage_name}"),
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
        select(id_col(Workshop.id), Workshop.title)
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
