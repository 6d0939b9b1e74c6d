"""The customers' figures in words (plain text, no Slack markup): blind spots, comparisons and
changes over time, said the same way in Slack, the digest, the export and the command line."""

from __future__ import annotations

from flows.customers.figures import Welch, format_p
from flows.customers.reports import BlindSpot, Comparison, GapChange
from flows.formatting import calendar_day
from flows.gaps.statistics import display, signed

BLIND_SPOTS_TITLE = "Blind spots"
BLIND_SPOTS_IN_SUMMARY = 3

HOW_TO_READ = (
    "Customers' answers against the team's current rating round, on 1–7. Knowledge gap = what "
    "customers expect minus what the team thinks they expect (SERVQUAL gap 1, Parasuraman, "
    "Zeithaml & Berry 1985); perception gap = the experience the team thinks customers get "
    "minus what they report. Welch's t-test (Welch 1947), unequal variances; a blind spot is a "
    "difference significant at 5 % and at least 1 point. Fewer than 5 customer answers: no flag."
)


def number(value: float | None) -> str:
    found = display(value)
    return "–" if found is None else f"{found:.1f}"


def blind_spot_clause(spot: BlindSpot) -> str:
    """ "the team underestimates what customers expect. Customers expect 6.6, the team thought
    4.3"."""
    verb = "expect" if spot.about_expectations else "get"
    return (
        f"{spot.kind.value}. Customers {verb} {number(spot.customers)}, "
        f"the team thought {number(spot.team)}"
    )


def blind_spot_words(spot: BlindSpot) -> str:
    return f"{spot.place.name}: {blind_spot_clause(spot)}"


def test_words(test: Welch) -> str:
    """ "difference 2.2 (95 % CI 1.1 to 3.4), Welch p = 0.006"."""
    low, high = test.ci
    return (
        f"difference {signed(test.difference)} (95 % CI {signed(low)} to {signed(high)}), "
        f"Welch {format_p(test.p)}"
    )


def blind_spot_line(spot: BlindSpot) -> str:
    return f"{blind_spot_words(spot)}; {test_words(spot.test)}."


def blind_spots_summary(spots: list[BlindSpot], limit: int = BLIND_SPOTS_IN_SUMMARY) -> list[str]:
    return [blind_spot_line(spot) for spot in spots[:limit]]


def no_blind_spot_text(comparisons: list[Comparison]) -> str:
    tested = sum(
        1 for c in comparisons if c.knowledge_test is not None or c.perception_test is not None
    )
    if not tested:
        return (
            "No blind spots can be told yet: each needs at least 5 customer answers and team "
            "ratings on the same touchpoint."
        )
    return (
        f"No blind spots: on the {tested} touchpoint{'s' * (tested != 1)} with enough answers, "
        "the team's view matches what customers say (no difference both significant and at "
        "least 1 point)."
    )


def change_words(change: GapChange) -> str:
    """ "Checkout: customers' gap −4.0 (1 Mar 2026) → −1.4 (3 Jun 2026), narrowed by 2.6
    (Welch p < 0.001); the team's gap +1.0 → −0.5"."""
    delta = change.change
    if display(delta) == 0:
        verdict = "unchanged"
    elif delta > 0:
        verdict = ("narrowed" if change.before < 0 else "rose") + f" by {number(abs(delta))}"
    else:
        verdict = ("widened" if change.after < 0 else "fell") + f" by {number(abs(delta))}"
    significance = f" ({format_p(change.test.p)})" if change.test else ""
    team = ""
    if change.team_after is not None:
        team = f"; the team's gap {signed(change.team_after)} this round" + (
            f", {signed(change.team_before)} the round before"
            if change.team_before is not None
            else ""
        )
    return (
        f"{change.place.name}: customers' gap {signed(change.before)} "
        f"({calendar_day(change.before_date)}) → {signed(change.after)} "
        f"({calendar_day(change.after_date)}), {verdict}{significance}{team}"
    )
