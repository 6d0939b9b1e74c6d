"""Team against customers: the statistics, as pure functions of a few summary figures.

Sources: SERVQUAL's gap model (Parasuraman, Zeithaml & Berry 1985) names the first gap, the
*knowledge gap*, as customers' expectations against the company's perception of them; its fifth
gap is customers' expected against perceived service. Welch (1947) gives the test of two means
with unequal variances. Every figure is on the workshop's 1–7 scale.

- A **sample** is n, mean and sample standard deviation (n − 1); samples pool through their sums
  (Σx = n·mean, Σx² = (n − 1)·sd² + n·mean²), so a stage's figures are its touchpoints' pooled.
- **Welch's t-test** of mean a − mean b: standard error se = √(s_a²/n_a + s_b²/n_b),
  t = (a − b) / se, Welch–Satterthwaite degrees of freedom
  df = se⁴ / ((s_a²/n_a)²/(n_a − 1) + (s_b²/n_b)²/(n_b − 1)), two-sided p = 2·(1 − F_t(|t|, df)),
  95 % interval (a − b) ± t(0.975, df)·se. Each side needs n ≥ 2 and se > 0, else no test.
- The **customer gap** G_c = P_c − E_c (experience − expectation, negative when expectations are
  not met) with the Welch interval above: survey aggregates do not keep which expectation answer
  and which experience answer came from one customer, so the two are treated as independent
  samples (wider than a paired interval when answers are positively correlated: conservative).
- The **knowledge gap** E_c − E_t: customers' mean expectation minus the team's. The
  **perception gap** P_t − P_c: the team's mean experience minus the customers'.
- A **blind spot** is a knowledge or perception gap that is significant at 5 % (p < 0.05) and at
  least 1 scale point as shown (rounded half away from zero to one decimal, so what people read
  and the flag agree). Fewer than 5 customer answers never give a flag ("too few answers").
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from flows.stats import round_half_away, student_t_cdf, student_t_quantile

CONFIDENCE = 0.95
SIGNIFICANCE = 0.05
BLIND_SPOT_POINTS = 1.0  # scale points, as shown (one decimal)
MIN_CUSTOMER_ANSWERS = 5  # fewer → "too few answers", never a flag
TOO_FEW_ANSWERS = "too few answers"
NO_TEAM_RATINGS = "no team ratings"
NO_CUSTOMER_ANSWERS = "no customer answers"
NOT_TESTABLE = "no spread to test"


@dataclass(frozen=True)
class Sample:
    """A group of answers on 1–7: n, mean, sample standard deviation (None when n < 2)."""

    n: int
    mean: float
    sd: float | None

    @property
    def total(self) -> float:
        return self.n * self.mean

    @property
    def total_of_squares(self) -> float:
        return (self.n - 1) * (self.sd or 0.0) ** 2 + self.n * self.mean**2

    @classmethod
    def from_sums(cls, n: int, total: float, total_of_squares: float) -> Sample:
        if n <= 0:
            raise ValueError("a sample needs at least one answer")
        mean = total / n
        if n < 2:
            return cls(n, mean, None)
        if isinstance(total, int) and isinstance(total_of_squares, int):
            variance = (n * total_of_squares - total * total) / (n * (n - 1))
        else:
            variance = (total_of_squares - total * total / n) / (n - 1)
        return cls(n, mean, math.sqrt(max(0.0, variance)))

    @classmethod
    def of(cls, values: Iterable[float]) -> Sample:
        values = list(values)
        return cls.from_sums(len(values), sum(values), sum(v * v for v in values))


def pooled(samples: Iterable[Sample | None]) -> Sample | None:
    present = [s for s in samples if s is not None]
    if not present:
        return None
    return Sample.from_sums(
        sum(s.n for s in present),
        sum(s.total for s in present),
        sum(s.total_of_squares for s in present),
    )


@dataclass(frozen=True)
class Welch:
    """Welch's t-test of mean a − mean b."""

    difference: float
    se: float
    t: float
    df: float
    p: float  # two-sided
    ci: tuple[float, float]

    @property
    def significant(self) -> bool:
        return self.p < SIGNIFICANCE


def welch(a: Sample, b: Sample, confidence: float = CONFIDENCE) -> Welch | None:
    """Welch's test of a − b; None when either side has n < 2 or neither has spread."""
    return contrast((a,), (b,), confidence)


def contrast(
    plus: Iterable[Sample], minus: Iterable[Sample], confidence: float = CONFIDENCE
) -> Welch | None:
    """The test of Σ means(plus) − Σ means(minus) over independent samples, Welch's way:
    se² = Σ s²/n over every sample, df = se⁴ / Σ (s²/n)²/(n − 1) (Satterthwaite 1946). With one
    sample a side it is Welch's t-test; with two a side it compares two gaps (P₂ − E₂) − (P₁ − E₁).
    None when a sample has n < 2 or no sample has spread."""
    plus, minus = tuple(plus), tuple(minus)
    samples = plus + minus
    if any(s.sd is None for s in samples):
        return None
    parts = [s.sd**2 / s.n for s in samples]  # type: ignore[operator]
    se2 = sum(parts)
    if se2 <= 0:
        return None
    se = math.sqrt(se2)
    difference = sum(s.mean for s in plus) - sum(s.mean for s in minus)
    t = difference / se
    df = se2**2 / sum(part**2 / (s.n - 1) for part, s in zip(parts, samples, strict=True))
    p = min(1.0, 2.0 * (1.0 - student_t_cdf(abs(t), df)))
    half = student_t_quantile(0.5 + confidence / 2.0, df) * se
    return Welch(difference, se, t, df, p, (difference - half, difference + half))


def difference(a: Sample | None, b: Sample | None) -> float | None:
    return None if a is None or b is None else a.mean - b.mean


class BlindSpotKind(StrEnum):
    underestimates_expectations = "the team underestimates what customers expect"
    overestimates_expectations = "the team overestimates what customers expect"
    overrates_experience = "the team overrates the experience"
    underrates_experience = "the team underrates the experience"


def knowledge_blind_spot(test: Welch | None) -> BlindSpotKind | None:
    """From the test of E_c − E_t (customers' expectation minus the team's)."""
    return _blind_spot(
        test, BlindSpotKind.underestimates_expectations, BlindSpotKind.overestimates_expectations
    )


def perception_blind_spot(test: Welch | None) -> BlindSpotKind | None:
    """From the test of P_t − P_c (the team's experience minus the customers')."""
    return _blind_spot(
        test, BlindSpotKind.overrates_experience, BlindSpotKind.underrates_experience
    )


def _blind_spot(
    test: Welch | None, if_above: BlindSpotKind, if_below: BlindSpotKind
) -> BlindSpotKind | None:
    """A flagged difference's kind by its sign; None when the test flags nothing."""
    if not _flagged(test):
        return None
    assert test is not None
    return if_above if test.difference > 0 else if_below


def _flagged(test: Welch | None) -> bool:
    return (
        test is not None
        and test.significant
        and abs(round_half_away(test.difference, 1)) >= BLIND_SPOT_POINTS
    )


def comparison_note(customers: Sample | None, team: Sample | None) -> str | None:
    """Why a team-against-customers comparison has no verdict, in words; None when it has one."""
    if customers is None:
        return NO_CUSTOMER_ANSWERS
    if customers.n < MIN_CUSTOMER_ANSWERS:
        return TOO_FEW_ANSWERS
    if team is None:
        return NO_TEAM_RATINGS
    return None


def compare(customers: Sample | None, team: Sample | None) -> Welch | None:
    """The test used for a verdict: only with ≥ 5 customer answers and team ratings to test."""
    if comparison_note(customers, team) is not None:
        return None
    assert customers is not None and team is not None
    return welch(customers, team)


def format_p(p: float) -> str:
    """ "p < 0.001", "p = 0.012", "p = 0.40": the conventional way of writing a p-value."""
    if p < 0.001:
        return "p < 0.001"
    if p < 0.01:
        return f"p = {p:.3f}"
    return f"p = {round_half_away(p, 2):.2f}"
