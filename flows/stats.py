"""Small, exact statistics the flows need, without scipy.

- Sample mean and standard deviation from the sums a SQL GROUP BY returns (n, Σx, Σx²). With
  integer ratings the sums are integers, so the variance numerator n·Σx² − (Σx)² is computed
  exactly (no cancellation error, whatever the number of ratings).
- Student's t distribution: the CDF through the regularised incomplete beta function (continued
  fraction, modified Lentz method: Press et al., Numerical Recipes, 3rd ed., §6.4), and its
  inverse by bisection, which is slow-ish but cannot fail to converge. Checked against published
  tables (t₀.₉₇₅ with 1, 2, 10, 30 degrees of freedom: 12.706, 4.303, 2.228, 2.042).
- Rounding half away from zero for display (−0.25 → −0.3), as people round by hand.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from functools import lru_cache

_TINY = 1e-300
_EPSILON = 1e-15
_MAX_ITERATIONS = 500


def mean_from_sums(n: int, total: int | float) -> float | None:
    return None if n <= 0 else total / n


def sample_variance_from_sums(
    n: int, total: int | float, total_of_squares: int | float
) -> float | None:
    """Sample variance (n − 1 in the denominator) from n, Σx and Σx²; None when n < 2."""
    if n < 2:
        return None
    if isinstance(total, int) and isinstance(total_of_squares, int):
        exact = Fraction(n * total_of_squares - total * total, n * (n - 1))
        return float(exact)
    return max(0.0, (total_of_squares - total * total / n) / (n - 1))


def sample_sd_from_sums(n: int, total: int | float, total_of_squares: int | float) -> float | None:
    variance = sample_variance_from_sums(n, total, total_of_squares)
    return None if variance is None else math.sqrt(variance)


def regularized_incomplete_beta(x: float, a: float, b: float) -> float:
    """I_x(a, b) for 0 ≤ x ≤ 1 and a, b > 0."""
    if not 0.0 <= x <= 1.0:
        raise ValueError("x must lie in [0, 1]")
    if x in (0.0, 1.0):
        return x
    log_front = (
        math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)
    )
    # The continued fraction converges fast for x < (a + 1) / (a + b + 2); use the symmetry
    # I_x(a, b) = 1 − I_{1−x}(b, a) on the other side.
    if x < (a + 1.0) / (a + b + 2.0):
        return math.exp(log_front) * _beta_continued_fraction(x, a, b) / a
    return 1.0 - math.exp(log_front) * _beta_continued_fraction(1.0 - x, b, a) / b


def _beta_continued_fraction(x: float, a: float, b: float) -> float:
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c, d = 1.0, 1.0 - qab * x / qap
    d = 1.0 / (d if abs(d) > _TINY else _TINY)
    h = d
    for m in range(1, _MAX_ITERATIONS + 1):
        m2 = 2 * m
        for numerator in (
            m * (b - m) * x / ((qam + m2) * (a + m2)),
            -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2)),
        ):
            d = 1.0 + numerator * d
            d = 1.0 / (d if abs(d) > _TINY else _TINY)
            c = 1.0 + numerator / c
            c = c if abs(c) > _TINY else _TINY
            step = d * c
            h *= step
        if abs(step - 1.0) < _EPSILON:
            return h
    raise ArithmeticError(f"incomplete beta did not converge for x={x}, a={a}, b={b}")


def student_t_cdf(t: float, df: float) -> float:
    """P(T ≤ t) for Student's t with `df` degrees of freedom."""
    if df <= 0:
        raise ValueError("degrees of freedom must be positive")
    if t == 0:
        return 0.5
    tail = 0.5 * regularized_incomplete_beta(df / (df + t * t), df / 2.0, 0.5)
    return 1.0 - tail if t > 0 else tail


@lru_cache(maxsize=512)
def student_t_quantile(p: float, df: float) -> float:
    """The t with P(T ≤ t) = p (the inverse CDF), to about 1e-10."""
    if not 0.0 < p < 1.0:
        raise ValueError("p must lie strictly between 0 and 1")
    if df <= 0:
        raise ValueError("degrees of freedom must be positive")
    if p == 0.5:
        return 0.0
    if p < 0.5:
        return -student_t_quantile(1.0 - p, df)
    low, high = 0.0, 1.0
    while student_t_cdf(high, df) < p:
        low, high = high, high * 2.0
    while high - low > 1e-12 * max(1.0, high):
        middle = (low + high) / 2.0
        if student_t_cdf(middle, df) < p:
            low = middle
        else:
            high = middle
    return (low + high) / 2.0


def t_confidence_interval(
    mean: float, sd: float | None, n: int, confidence: float = 0.95
) -> tuple[float, float] | None:
    """mean ± t(1 − α/2, n − 1) · sd / √n; None when n < 2 (no spread to estimate)."""
    if n < 2 or sd is None:
        return None
    half_width = student_t_quantile(0.5 + confidence / 2.0, n - 1) * sd / math.sqrt(n)
    return mean - half_width, mean + half_width


def round_half_away(value: float, digits: int = 1) -> float:
    """Round as people do by hand: halves away from zero (0.25 → 0.3, −0.25 → −0.3).

    Works from the shortest decimal that prints as `value` (its repr), so 2.675, stored as
    2.67499999…, still rounds to 2.68 as written.
    """
    quantum = Decimal(1).scaleb(-digits)
    rounded = float(Decimal(repr(value)).quantize(quantum, rounding=ROUND_HALF_UP))
    return rounded + 0.0  # turn −0.0 into 0.0
