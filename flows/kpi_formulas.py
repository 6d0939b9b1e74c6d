"""KPI formulas (see DESIGN.md) and the rules that say when a comparison means something.

Pure functions over numbers, no database and no Slack: NPS, CSAT and CES from survey answers,
retention and churn from customer counts, a simple CLV, the benchmark index, the direction of a
change and whether a target is met. Where a figure would mislead (a ratio to a zero benchmark, a
ratio of a negative NPS), the functions return no figure and say why instead.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

NPS_SCALE = (0, 10)
CSAT_SCALE = (1, 5)
CES_SCALE = (1, 7)
PROMOTER_MIN = 9  # NPS: 9–10 promoters, 7–8 passives, 0–6 detractors
DETRACTOR_MAX = 6
CSAT_SATISFIED_MIN = 4  # CSAT: 4 ("satisfied") and 5 ("very satisfied") count
MAX_ANSWERS = 100_000
MAX_PROBLEMS_SHOWN = 3


class FormulaError(ValueError):
    """The inputs cannot give a meaningful figure; the message says why, for the user."""


class AnswersError(FormulaError):
    """Some raw answers are unusable; `problems` names each one by its position."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        shown = "; ".join(problems[:MAX_PROBLEMS_SHOWN])
        more = len(problems) - MAX_PROBLEMS_SHOWN
        super().__init__(
            shown + (f"; … and {more} more problem{'s' * (more != 1)}" if more > 0 else "")
        )


# Survey answers ---------------------------------------------------------------------------------

_TOKEN_SEPARATORS = re.compile(r"[\s,;]+")
_WHOLE_NUMBER = re.compile(r"[+-]?\d+")


def parse_answers(text: str, low: int, high: int) -> list[int]:
    """Whole-number answers from `low` to `high`, separated by commas, semicolons, spaces or new
    lines. Every unusable answer is reported by its position: "answer 7 ('11') is outside 0–10".
    """
    tokens = [token for token in _TOKEN_SEPARATORS.split(text or "") if token]
    if not tokens:
        raise AnswersError([f"Paste at least one answer from {low} to {high}."])
    if len(tokens) > MAX_ANSWERS:
        raise AnswersError([f"At most {MAX_ANSWERS:,} answers at a time ({len(tokens):,} given)."])
    answers: list[int] = []
    problems: list[str] = []
    for position, token in enumerate(tokens, start=1):
        shown = token if len(token) <= 12 else token[:11] + "…"
        if not _WHOLE_NUMBER.fullmatch(token):
            problems.append(f"answer {position} ('{shown}') is not a whole number")
            continue
        answer = int(token)
        if not low <= answer <= high:
            problems.append(f"answer {position} ('{shown}') is outside {low}–{high}")
            continue
        answers.append(answer)
    if problems:
        raise AnswersError(problems)
    return answers


@dataclass(frozen=True)
class NpsBreakdown:
    promoters: int
    passives: int
    detractors: int

    @property
    def count(self) -> int:
        return self.promoters + self.passives + self.detractors

    @property
    def score(self) -> float:
        """% promoters − % detractors, from −100 to 100."""
        return (self.promoters - self.detractors) / self.count * 100


def nps_breakdown(answers: Sequence[int]) -> NpsBreakdown:
    _require_answers(answers, NPS_SCALE)
    promoters = sum(1 for a in answers if a >= PROMOTER_MIN)
    detractors = sum(1 for a in answers if a <= DETRACTOR_MAX)
    return NpsBreakdown(promoters, len(answers) - promoters - detractors, detractors)


def nps(answers: Sequence[int]) -> float:
    """Net Promoter Score from 0–10 answers: % promoters (9–10) − % detractors (0–6)."""
    return nps_breakdown(answers).score


def csat(answers: Sequence[int]) -> float:
    """Customer satisfaction from 1–5 answers: the share of 4s and 5s, in %."""
    _require_answers(answers, CSAT_SCALE)
    return sum(1 for a in answers if a >= CSAT_SATISFIED_MIN) / len(answers) * 100


def ces(answers: Sequence[int]) -> float:
    """Customer effort score: the mean of 1–7 effort answers (lower means less effort)."""
    _require_answers(answers, CES_SCALE)
    return sum(answers) / len(answers)


def _require_answers(answers: Sequence[int], scale: tuple[int, int]) -> None:
    low, high = scale
    if not answers:
        raise FormulaError("A score needs at least one answer.")
    if any(not low <= a <= high for a in answers):
        raise FormulaError(f"Answers must be from {low} to {high}.")


# Customer counts and value ----------------------------------------------------------------------


def retention_rate(start: float, end: float, new: float) -> float:
    """(customers at end − new customers in the period) / customers at start × 100."""
    if start <= 0:
        raise FormulaError("Customers at the start must be more than 0.")
    if end < 0 or new < 0:
        raise FormulaError("Customer counts cannot be negative.")
    if new > end:
        raise FormulaError(f"New customers ({new:g}) cannot exceed customers at the end ({end:g}).")
    if end - new > start:
        raise FormulaError(
            f"{end - new:g} customers kept (end − new) is more than the {start:g} at the start."
        )
    return (end - new) / start * 100


def churn_rate(start: float, end: float, new: float) -> float:
    """100 − retention rate."""
    return 100 - retention_rate(start, end, new)


def customer_lifetime_value(
    average_order_value: float, purchases_per_period: float, expected_periods: float
) -> float:
    """Simple CLV: average order value × purchases per period × expected periods."""
    if min(average_order_value, purchases_per_period, expected_periods) < 0:
        raise FormulaError("Order value, purchases and periods cannot be negative.")
    return average_order_value * purchases_per_period * expected_periods


# Comparisons ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BenchmarkIndex:
    """100 means on par with the benchmark, above 100 better, below worse; `value` is None when
    the ratio would mislead, and `reason` says why."""

    value: float | None
    reason: str | None = None


def benchmark_index(value: float, benchmark: float, higher_is_better: bool) -> BenchmarkIndex:
    """value / benchmark × 100 when higher is better; benchmark / value × 100 when lower is better.

    A ratio only means something between positive quantities: a zero or negative benchmark, a
    negative value (an NPS of −10 against +30), or a zero value of a lower-is-better KPI (nothing
    to divide by) give no index, with the reason.
    """
    if benchmark == 0:
        return BenchmarkIndex(None, "the benchmark is 0, so a ratio to it means nothing")
    if benchmark < 0:
        return BenchmarkIndex(None, "the benchmark is negative, so a ratio to it would mislead")
    if value < 0:
        return BenchmarkIndex(None, "the value is negative, so a ratio to it would mislead")
    if higher_is_better:
        return BenchmarkIndex(value / benchmark * 100)
    if value == 0:
        return BenchmarkIndex(None, "the value is 0 (nothing to divide by): it beats any benchmark")
    return BenchmarkIndex(benchmark / value * 100)


def margin(value: float, reference: float, higher_is_better: bool) -> float:
    """How far `value` is on the better side of `reference` (negative: on the worse side), in the
    KPI's own unit. Meaningful for any sign, unlike a ratio."""
    return value - reference if higher_is_better else reference - value


@dataclass(frozen=True)
class Attainment:
    """Whether the target is met, and by how much: `margin` > 0 beats the target by that much,
    < 0 falls short by that much (in the KPI's unit). A percentage of target is not used: it
    means nothing for an NPS below zero or a lower-is-better KPI."""

    met: bool
    margin: float


def target_attainment(value: float, target: float, higher_is_better: bool) -> Attainment:
    """Met when the value is at least the target (higher is better) or at most it (lower)."""
    difference = margin(value, target, higher_is_better)
    return Attainment(met=difference >= 0, margin=difference)


class Direction(StrEnum):
    better = "better"
    worse = "worse"
    unchanged = "unchanged"


def change_direction(change: float, higher_is_better: bool, tolerance: float = 1e-9) -> Direction:
    """Better or worse depends on the KPI: a fall in churn or response time is better.
    A change within `tolerance` (e.g. below the displayed precision) is unchanged."""
    if abs(change) <= tolerance:
        return Direction.unchanged
    return Direction.better if (change > 0) == higher_is_better else Direction.worse


# Typed numbers ----------------------------------------------------------------------------------

_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d+)?|\.\d+)")
_THOUSANDS = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?")


def parse_number(text: str) -> float:
    """A typed number: "42", "-12.5", "−3" (a typographic minus), "1,234.5", "87%" or "87 %".

    A comma is only accepted as a thousands separator; "3,5" is refused rather than guessed.
    """
    cleaned = (text or "").strip().replace("\u2212", "-").replace("\u00a0", "").replace(" ", "")
    cleaned = cleaned.removesuffix("%")
    if _THOUSANDS.fullmatch(cleaned):
        cleaned = cleaned.replace(",", "")
    if not _NUMBER.fullmatch(cleaned):
        if "," in cleaned:
            raise ValueError(f"“{text.strip()}” is not a number: write decimals with a point.")
        raise ValueError(f"“{text.strip()}” is not a number.")
    return float(cleaned)


def parse_numbers(text: str, count: int, names: str) -> list[float]:
    """Exactly `count` numbers separated by commas, semicolons, spaces or new lines."""
    tokens = [token for token in _TOKEN_SEPARATORS.split(text or "") if token]
    if len(tokens) != count:
        raise FormulaError(f"Give {count} numbers: {names} ({len(tokens)} given).")
    numbers = []
    for position, token in enumerate(tokens, start=1):
        if not _NUMBER.fullmatch(token.replace("\u2212", "-")):
            raise FormulaError(f"Number {position} ('{token[:12]}') is not a number.")
        numbers.append(float(token.replace("\u2212", "-")))
    return numbers
