"""Gap results: every figure of one round, per touchpoint, per stage and for the journey, compared
with the latest earlier round of the same persona or of everyone's (flows.gaps.like_for_like;
definitions in flows.gaps.statistics)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy import bindparam, select
from sqlmodel import Session, col

from flows.gaps.aggregation import (
    IN_WORKSHOP,
    ROUND,
    JourneyTouchpoint,
    current_round,
    journey_touchpoints,
    participants_and_raters,
    rounds_touchpoint_sums,
    scope,
)
from flows.gaps.like_for_like import ComparedRound, compared_round
from flows.gaps.statistics import (
    EMPTY_STATS,
    Flag,
    GapStats,
    Quadrant,
    RatingSums,
    display,
    flags_for,
    importance_weights,
    pooled,
    quadrant_for,
)
from storage.models import GapRating, Workshop, pk

if TYPE_CHECKING:
    from flows.emotions import EmotionCurve

COMMENTS_PER_SHORTFALL = 3
SHORTFALLS_WITH_COMMENTS = 3


@dataclass(frozen=True)
class _RoundGap:
    """A touchpoint's or a stage's figures in the round, beside the previous round's."""

    stats: GapStats
    previous: GapStats | None  # the previous round's figures; None when this is round 1
    weight: float | None
    weighted_gap: float | None
    quadrant: Quadrant | None
    flags: tuple[Flag, ...]

    @property
    def change(self) -> float | None:
        """This round's mean gap − the previous round's: positive means the gap narrowed."""
        previous, now = self.previous, self.stats.mean_gap
        if previous is None or now is None or previous.mean_gap is None:
            return None
        return now - previous.mean_gap


@dataclass(frozen=True)
class TouchpointGap(_RoundGap):
    touchpoint_id: int
    name: str
    stage_id: int
    stage_name: str
    stage_position: int
    position: int


@dataclass(frozen=True)
class StageGap(_RoundGap):
    stage_id: int
    name: str
    position: int
    touchpoint_ids: tuple[int, ...]


@dataclass(frozen=True)
class GapResults:
    workshop_id: int
    team_id: str
    channel_id: str
    title: str
    round: int
    previous_round: int | None
    participants: int
    raters: int
    previous_raters: int | None
    touchpoints: tuple[TouchpointGap, ...]  # journey order, including unrated touchpoints
    stages: tuple[StageGap, ...]  # journey order
    journey: GapStats  # pooled over every rating of the round
    journey_previous: GapStats | None
    weighted_gap: float | None  # Σ weight × mean gap: the importance-weighted journey gap
    previous_weighted_gap: float | None
    ranked: tuple[TouchpointGap, ...]  # rated touchpoints, widest shortfall first
    comments: Mapping[int, tuple[str, ...]] = field(default_factory=dict)
    # The round's persona and the earlier round it is compared with (like for like by persona,
    # flows.gaps.like_for_like); None only for results built by hand.
    compared_with: ComparedRound | None = None
    # The round's emotion curve, drawn as the journey chart's feeling panel; gap_results leaves
    # it None (its one scan stays one), flows.emotions.with_curve attaches it while the lane is
    # in use.
    curve: EmotionCurve | None = None

    @property
    def previous_words(self) -> str:
        """ "round 1, the last round for Busy parent", "round 2", or "" (nothing compared)."""
        if self.compared_with is not None:
            return self.compared_with.previous_words()
        return f"round {self.previous_round}" if self.previous_round else ""

    @property
    def since(self) -> str:
        """ "since round 1, the last round for Busy parent", "since round 2", or ""."""
        return f"since {self.previous_words}" if self.previous_words else ""

    @property
    def persona(self) -> str | None:
        """The persona the round was given to (a round per persona); None: everyone's."""
        return self.compared_with.persona if self.compared_with else None

    @property
    def nothing_compared(self) -> str:
        """ "No earlier round for Busy parent, so nothing is compared." or "" """
        return self.compared_with.nothing_to_compare() if self.compared_with else ""

    @property
    def shortfalls(self) -> tuple[TouchpointGap, ...]:
        return tuple(
            t for t in self.ranked if t.stats.mean_gap is not None and t.stats.mean_gap < 0
        )

    @property
    def rated_count(self) -> int:
        return len(self.ranked)

    @property
    def has_ratings(self) -> bool:
        return self.journey.n > 0


@dataclass(frozen=True)
class RoundChange:
    """How the touchpoints' gaps moved since the previous round (a change is shown to one
    decimal, so "narrowed" means by at least 0.1 as displayed)."""

    previous_round: int
    compared: int  # touchpoints rated in both rounds
    narrowed: int
    widened: int
    closed: int  # short of expectations in the previous round, meeting them now


def round_change(results: GapResults) -> RoundChange | None:
    """None in round 1: there is nothing to compare with."""
    if results.previous_round is None:
        return None
    compared = [t for t in results.ranked if t.change is not None]
    shown = [display(t.change) or 0 for t in compared]
    closed = [
        t
        for t in compared
        if t.previous is not None
        and (t.previous.exact_mean_gap or 0) < 0
        and (t.stats.exact_mean_gap or 0) >= 0
    ]
    return RoundChange(
        previous_round=results.previous_round,
        compared=len(compared),
        narrowed=sum(1 for change in shown if change > 0),
        widened=sum(1 for change in shown if change < 0),
        closed=len(closed),
    )


def gap_results(
    session: Session, workshop: Workshop, round_number: int | None = None
) -> GapResults:
    """Every figure of one round (the current one by default), compared with the latest earlier
    round of the same persona, or of everyone's (flows.gaps.like_for_like)."""
    number = round_number or current_round(session, workshop)
    compared_with = compared_round(session, workshop, number)
    previous = compared_with.previous
    rounds = (number, previous) if previous else (number,)
    journey = journey_touchpoints(session, workshop)
    sums = rounds_touchpoint_sums(session, workshop, rounds)
    current_tp = sums[number]
    previous_tp = sums[previous] if previous else {}
    participants, raters = participants_and_raters(session, workshop, rounds)
    tp_stats = {tp.id: _stats_of(current_tp.get(tp.id)) for tp in journey}
    tp_previous = {tp.id: _stats_of(previous_tp.get(tp.id)) for tp in journey} if previous else {}
    weights = importance_weights({k: s.mean_importance for k, s in tp_stats.items() if s.rated})
    previous_weights = importance_weights(
        {k: s.mean_importance for k, s in tp_previous.items() if s.rated}
    )
    touchpoints = tuple(
        _touchpoint_gap(tp, tp_stats[tp.id], tp_previous[tp.id] if previous else None, weights)
        for tp in journey
    )
    stages = _stage_gaps(journey, current_tp, previous_tp if previous else None, touchpoints)
    ranked = tuple(
        sorted(
            (t for t in touchpoints if t.stats.rated),
            key=lambda t: (t.stats.exact_mean_gap, t.stage_position, t.position),
        )
    )
    journey_previous = GapStats.from_sums(pooled(previous_tp.values())) if previous else None
    shortfalls = [t.touchpoint_id for t in ranked if (t.stats.exact_mean_gap or 0) < 0]
    worst = shortfalls[:SHORTFALLS_WITH_COMMENTS]
    return GapResults(
        workshop_id=pk(workshop),
        team_id=workshop.team_id,
        channel_id=workshop.channel_id,
        title=workshop.title,
        round=number,
        previous_round=previous,
        participants=participants,
        raters=raters[number],
        previous_raters=raters[previous] if previous else None,
        touchpoints=touchpoints,
        stages=stages,
        journey=GapStats.from_sums(pooled(current_tp.values())),
        journey_previous=journey_previous,
        weighted_gap=_weighted_total(weights, tp_stats),
        previous_weighted_gap=_weighted_total(previous_weights, tp_previous) if previous else None,
        ranked=ranked,
        comments=_latest_comments(session, workshop, number, worst),
        compared_with=compared_with,
    )


def _stats_of(sums: RatingSums | None) -> GapStats:
    return EMPTY_STATS if sums is None else GapStats.from_sums(sums)


def _touchpoint_gap(
    tp: JourneyTouchpoint, stats: GapStats, previous: GapStats | None, weights: dict[int, float]
) -> TouchpointGap:
    weight = weights.get(tp.id)
    return TouchpointGap(
        touchpoint_id=tp.id,
        name=tp.name,
        stage_id=tp.stage_id,
        stage_name=tp.stage_name,
        stage_position=tp.stage_position,
        position=tp.position,
        stats=stats,
        previous=previous,
        weight=weight,
        weighted_gap=None if weight is None else weight * stats.mean_gap,  # type: ignore[operator]
        quadrant=quadrant_for(stats.mean_importance, stats.mean_gap),
        flags=flags_for(stats),
    )


def _stage_sums(
    journey: list[JourneyTouchpoint], sums: Mapping[int, RatingSums]
) -> dict[int, RatingSums]:
    """Pooled over every rating of each stage's touchpoints."""
    members: dict[int, list[RatingSums]] = {}
    for touchpoint in journey:
        if touchpoint.id in sums:
            members.setdefault(touchpoint.stage_id, []).append(sums[touchpoint.id])
    return {stage_id: pooled(group) for stage_id, group in members.items()}


def _stage_gaps(
    journey: list[JourneyTouchpoint],
    current_tp: Mapping[int, RatingSums],
    previous_tp: Mapping[int, RatingSums] | None,
    touchpoints: tuple[TouchpointGap, ...],
) -> tuple[StageGap, ...]:
    previous = previous_tp is not None
    current = _stage_sums(journey, current_tp)
    before = _stage_sums(journey, previous_tp) if previous_tp is not None else {}
    members: dict[int, list[TouchpointGap]] = {}
    for touchpoint in touchpoints:
        members.setdefault(touchpoint.stage_id, []).append(touchpoint)
    stages = []
    for stage_id, items in members.items():
        stats = GapStats.from_sums(current.get(stage_id, RatingSums()))
        weighted = [t for t in items if t.weight is not None]
        stages.append(
            StageGap(
                stage_id=stage_id,
                name=items[0].stage_name,
                position=items[0].stage_position,
                touchpoint_ids=tuple(t.touchpoint_id for t in items),
                stats=stats,
                previous=GapStats.from_sums(before.get(stage_id, RatingSums()))
                if previous
                else None,
                weight=_stage_weight(weighted),
                weighted_gap=_stage_weighted_gap(weighted),
                quadrant=quadrant_for(stats.mean_importance, stats.mean_gap),
                flags=flags_for(stats),
            )
        )
    return tuple(sorted(stages, key=lambda s: s.position))


def _stage_weight(weighted: list[TouchpointGap]) -> float | None:
    return math.fsum(t.weight for t in weighted) if weighted else None  # type: ignore[misc]


def _stage_weighted_gap(weighted: list[TouchpointGap]) -> float | None:
    """The importance-weighted mean gap of the stage: its touchpoints' weights renormalised
    within the stage (the same formula as the journey's, over the stage's touchpoints)."""
    if not weighted:
        return None
    share = math.fsum(t.weight for t in weighted)  # type: ignore[misc]
    return math.fsum(t.weighted_gap for t in weighted) / share  # type: ignore[misc]


def _weighted_total(weights: Mapping[int, float], stats: Mapping[int, GapStats]) -> float | None:
    if not weights:
        return None
    return math.fsum(weight * stats[key].mean_gap for key, weight in weights.items())  # type: ignore[operator]


_LATEST_COMMENTS = (
    select(col(GapRating.touchpoint_id), col(GapRating.comment))
    .where(
        *IN_WORKSHOP,
        col(GapRating.round) == ROUND,
        col(GapRating.touchpoint_id).in_(bindparam("touchpoints", expanding=True)),
        col(GapRating.comment).is_not(None),
    )
    .order_by(col(GapRating.updated_at).desc(), col(GapRating.id).desc())
)


def _latest_comments(
    session: Session, workshop: Workshop, number: int, touchpoint_ids: list[int]
) -> dict[int, tuple[str, ...]]:
    if not touchpoint_ids:
        return {}
    rows = session.execute(
        _LATEST_COMMENTS, scope(workshop, round=number, touchpoints=touchpoint_ids)
    ).all()
    comments: dict[int, list[str]] = {}
    for touchpoint_id, comment in rows:
        bucket = comments.setdefault(touchpoint_id, [])
        if len(bucket) < COMMENTS_PER_SHORTFALL:
            bucket.append(comment)
    return {key: tuple(value) for key, value in comments.items()}
