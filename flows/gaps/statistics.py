"""Gap rating statistics: the figures of a group of ratings, from its sums (pure maths).

Definitions (SERVQUAL gap, Parasuraman, Zeithaml & Berry 1988; importance–performance analysis,
Martilla & James 1977). Each is tested with a hand-computed example in
tests/flows/test_gaps.py.

- A rating gives expectation and experience on 1–7, optionally importance on 1–5 and a comment.
  Its **gap** is experience − expectation: negative means expectations are not met.
- Per touchpoint, over the ratings of one round: n, mean expectation, mean experience, mean gap
  (= mean experience − mean expectation), the gap's sample standard deviation (n − 1), and a 95 %
  confidence interval mean ± t(0.975, n − 1) · sd / √n. With n = 1 there is no standard deviation
  and no interval (`None`); the results say so.
- **Importance**: the mean of the importance answers (n counted separately, as answering is
  optional). **Weights** are the mean importances normalised to sum to 1 over the rated
  touchpoints that have at least one importance answer; a touchpoint without any importance
  answer gets no weight and no weighted gap, rather than a guessed importance. A touchpoint's
  **importance-weighted gap** is weight × mean gap, so these sum to the journey's
  importance-weighted gap.
- **Quadrant** (importance × gap, the gap-based variant of importance–performance analysis:
  performance is the SERVQUAL gap, judged against expectations, as the review by Ormanović et
  al. 2017 discusses), split at importance 3 on 1–5 ("high" means ≥ 3) and at gap 0 (below par
  means < 0, expectations not met). A quadrant therefore never contradicts the gap: every
  "Concentrate here" or "Low priority" touchpoint is a shortfall, every other one is not. No
  importance answers → no quadrant.
- **Per stage**: the same figures pooled over all ratings of the stage's touchpoints (so a stage's
  mean gap is the mean of every rating's gap in it, not the mean of touchpoint means). A stage's
  weight is the sum of its touchpoints' weights (its share of the journey's importance); its
  importance-weighted gap applies the journey formula to its own touchpoints: their weights,
  renormalised to sum to 1 within the stage, times their mean gaps.
- **Ranking**: rated touchpoints by mean gap, most negative (widest shortfall) first; ties (equal
  exact means) are broken by journey order, earlier stage and earlier touchpoint first.
- **Flags**: "few ratings" when n < 3; "contested" when the gap's sample standard deviation is
  ≥ 1.5 scale points (raters disagree strongly).

The sums come from one SQL GROUP BY (flows.gaps.aggregation); rounds are in flows.gaps.rounds.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from enum import StrEnum
from fractions import Fraction

from flows.formatting import rounded, signed  # noqa: F401  (signed: re-exported)
from flows.stats import mean_from_sums, round_half_away, sample_sd_from_sums, t_confidence_interval

CONFIDENCE = 0.95
FEW_RATINGS_BELOW = 3  # n < 3 → "few ratings"
CONTESTED_SD = 1.5  # sample sd of the gap ≥ 1.5 scale points → "contested"
IMPORTANCE_MIDPOINT = 3  # on 1–5; high importance means ≥ 3
GAP_MET = 0  # a mean gap ≥ 0 meets expectations: performance "at or above par"


class Quadrant(StrEnum):
    """Importance–performance quadrants (Martilla & James 1977)."""

    concentrate_here = "Concentrate here"  # high importance, low performance
    keep_up = "Keep up the good work"  # high importance, high performance
    low_priority = "Low priority"  # low importance, low performance
    possible_overkill = "Possible overkill"  # low importance, high performance


class Flag(StrEnum):
    few_ratings = "few ratings"
    contested = "contested"


@dataclass(frozen=True)
class RatingSums:
    """What one GROUP BY returns for a group of ratings; every figure derives from these."""

    n: int = 0
    expectation: int = 0
    experience: int = 0
    gap: int = 0
    gap_squares: int = 0
    n_importance: int = 0
    importance: int = 0


@dataclass(frozen=True)
class GapStats:
    n: int
    mean_expectation: float | None
    mean_experience: float | None
    mean_gap: float | None
    sd_gap: float | None  # None when n < 2
    ci: tuple[float, float] | None  # 95 % Student t interval of the mean gap; None when n < 2
    n_importance: int
    mean_importance: float | None
    exact_mean_gap: Fraction | None  # for exact ranking and tie detection

    @property
    def rated(self) -> bool:
        return self.n > 0

    @property
    def ci_note(self) -> str | None:
        """Why there is no interval, in words the results can show."""
        if self.n == 0:
            return "not rated"
        if self.n == 1:
            return "n = 1: no interval"
        return None

    @classmethod
    def from_sums(cls, sums: RatingSums) -> GapStats:
        n = sums.n
        mean_gap = mean_from_sums(n, sums.gap)
        sd = sample_sd_from_sums(n, sums.gap, sums.gap_squares)
        return cls(
            n=n,
            mean_expectation=mean_from_sums(n, sums.expectation),
            mean_experience=mean_from_sums(n, sums.experience),
            mean_gap=mean_gap,
            sd_gap=sd,
            ci=None if mean_gap is None else t_confidence_interval(mean_gap, sd, n, CONFIDENCE),
            n_importance=sums.n_importance,
            mean_importance=mean_from_sums(sums.n_importance, sums.importance),
            exact_mean_gap=Fraction(sums.gap, n) if n else None,
        )


SUM_FIELDS = tuple(f.name for f in fields(RatingSums))
EMPTY_STATS = GapStats.from_sums(RatingSums())


def flags_for(stats: GapStats) -> tuple[Flag, ...]:
    flags = []
    if 0 < stats.n < FEW_RATINGS_BELOW:
        flags.append(Flag.few_ratings)
    if stats.sd_gap is not None and stats.sd_gap >= CONTESTED_SD:
        flags.append(Flag.contested)
    return tuple(flags)


def quadrant_for(mean_importance: float | None, mean_gap: float | None) -> Quadrant | None:
    """Importance × gap: performance is judged against what customers expect (the SERVQUAL gap),
    not on the experience scale alone, so a quadrant can never contradict the gap. Important
    means a mean importance ≥ 3 (the midpoint of 1–5); below par means a mean gap < 0
    (expectations not met). Uniform ratings (every gap 0) therefore never land in a quadrant
    that asks for work."""
    if mean_importance is None or mean_gap is None:
        return None
    important = mean_importance >= IMPORTANCE_MIDPOINT
    performing = mean_gap >= GAP_MET
    if important:
        return Quadrant.keep_up if performing else Quadrant.concentrate_here
    return Quadrant.possible_overkill if performing else Quadrant.low_priority


def importance_weights(mean_importance: Mapping[int, float | None]) -> dict[int, float]:
    """Normalise mean importances to weights summing to 1; keys without importance are left out."""
    answered = {key: value for key, value in mean_importance.items() if value is not None}
    total = sum(answered.values())
    return {key: value / total for key, value in answered.items()} if total > 0 else {}


def percentage(part: int, whole: int) -> int | None:
    return None if whole <= 0 else int(round_half_away(100 * part / whole, 0))


def pooled(groups: Iterable[RatingSums]) -> RatingSums:
    """The sums of several groups of ratings taken together. Every field is a count or a sum, so
    a stage's or the journey's sums are its touchpoints' sums added up: the one GROUP BY over
    the ratings serves every level, instead of a scan of the ratings per level."""
    totals = [0] * len(SUM_FIELDS)
    for group in groups:
        for index, name in enumerate(SUM_FIELDS):
            totals[index] += getattr(group, name)
    return RatingSums(*totals)


def display(value: float | None, digits: int = 1) -> float | None:
    """A figure as the results show it: rounded half away from zero (flows.formatting)."""
    return rounded(value, digits)
