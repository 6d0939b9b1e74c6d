"""Rounds are compared like for like by persona (flows/gaps/like_for_like.py): a persona's round
with that persona's latest earlier round, a round rated by everyone with the latest earlier round
rated by everyone. Worked example, gaps = experience − expectation:

- round 1, everyone: U1 A −3 (6→3), B 0 (5→5); U2 A −1 (5→4)
- round 2, Busy parent: U1 A −2 (6→4); U2 B −1 (5→4)
- round 3, everyone: U1 A −1 (5→4), B 0 (5→5)
- round 4, Busy parent: U1 A 0 (6→6), B −2 (5→3)
- round 5, Small business: U1 A −1 (5→4)
"""

import pytest

from flows.emotions import summarise_lines
from flows.follows import journey_trend
from flows.gap_reports import closing_verdict, gaps_headline, widest_gaps_section
from flows.gaps.like_for_like import ComparedRound, previous_like
from flows.gaps.progress import rating_figures
from flows.gaps.results import gap_results, round_change
from flows.gaps.rounds import compare_rounds, open_rating_round
from flows.loop import touchpoint_trends
from flows.personas import rate_round_for_persona
from tests.flows.test_gaps import FACILITATOR, TEAM, make_workshop, rate
from tests.flows.test_personas import JOURNEY, two_personas


def five_rounds(session):
    workshop = make_workshop(session, stages=JOURNEY)
    two_personas(session, workshop)
    rate(session, workshop, "U1", {"A": (6, 3), "B": (5, 5)})
    rate(session, workshop, "U2", {"A": (5, 4)})
    rate_round_for_persona(session, TEAM, workshop.id, FACILITATOR, "Busy parent")
    rate(session, workshop, "U1", {"A": (6, 4)})
    rate(session, workshop, "U2", {"B": (5, 4)})
    assert open_rating_round(session, TEAM, workshop.id, FACILITATOR).compared_with == 1
    rate(session, workshop, "U1", {"A": (5, 4), "B": (5, 5)})
    rate_round_for_persona(session, TEAM, workshop.id, FACILITATOR, "Busy parent")
    rate(session, workshop, "U1", {"A": (6, 6), "B": (5, 3)})
    rate_round_for_persona(session, TEAM, workshop.id, FACILITATOR, "Small business")
    rate(session, workshop, "U1", {"A": (5, 4)})
    return workshop


def test_previous_like_by_hand():
    # rounds 2 and 4 are persona 7's, round 5 persona 8's, rounds 1 and 3 everyone's
    personas = {2: 7, 4: 7, 5: 8}
    assert [previous_like(personas, n) for n in range(1, 7)] == [None, None, 1, 2, None, 3]


def test_a_persona_round_compares_with_the_same_personas_last_round(session):
    workshop = five_rounds(session)
    results = gap_results(session, workshop, 4)
    assert (results.previous_round, results.persona) == (2, "Busy parent")
    assert results.since == "since round 2, the last round for Busy parent"
    comparison = compare_rounds(results)
    assert comparison is not None
    # round 2: A −2, B −1 → (−2 − 1) / 2 = −1.5; round 4: A 0, B −2 → (0 − 2) / 2 = −1.0
    assert comparison.before == pytest.approx(-1.5)
    assert comparison.now == pytest.approx(-1.0)
    # A −2 → 0 narrowed (and closed: short then, meeting now); B −1 → −2 widened
    assert (comparison.narrowed, comparison.widened, comparison.closed) == (1, 1, 1)
    change = round_change(results)
    assert change is not None and (change.previous_round, change.compared) == (2, 2)
    verdict = closing_verdict(results, comparison)
    assert verdict.startswith(
        "Gaps are closing: the mean gap narrowed from −1.5 to −1.0 since round 2, the last round "
        "for Busy parent."
    )
    assert gaps_headline(results, comparison, None) == (
        "gaps narrowed from −1.5 to −1.0 since round 2, the last round for Busy parent (over the "
        "2 touchpoints rated in both)"
    )


def test_a_round_of_everyone_skips_the_persona_rounds(session):
    workshop = five_rounds(session)
    results = gap_results(session, workshop, 3)
    assert (results.previous_round, results.persona) == (1, None)
    assert results.since == "since round 1, the last round rated by everyone"
    comparison = compare_rounds(results)
    assert comparison is not None
    # round 1 over A and B: (−3 − 1 + 0) / 3 = −4/3; round 3: (−1 + 0) / 2 = −0.5
    assert comparison.before == pytest.approx(-4 / 3)
    assert comparison.now == pytest.approx(-0.5)
    # A (−3 − 1) / 2 = −2.0 → −1.0 narrowed; B 0.0 → 0.0 unchanged
    assert (comparison.narrowed, comparison.widened, comparison.closed) == (1, 0, 0)
    a = next(t for t in results.touchpoints if t.name == "A")
    assert a.previous is not None and a.previous.mean_gap == pytest.approx(-2.0)


def test_a_personas_first_round_compares_nothing(session):
    workshop = five_rounds(session)
    for number, persona in ((2, "Busy parent"), (5, "Small business")):
        results = gap_results(session, workshop, number)
        assert (results.previous_round, results.persona) == (None, persona)
        assert compare_rounds(results) is None and round_change(results) is None
        assert results.nothing_compared == (
            f"No earlier round for {persona}, so nothing is compared."
        )
        assert closing_verdict(results, None) == (
            f"Round {number} is the first round for {persona}. "
            f"No earlier round for {persona}, so nothing is compared."
        )
        assert gaps_headline(results, None, None) == (
            f"round {number} is the first round for {persona}: nothing to compare it with"
        )
    first = gap_results(session, workshop, 1)
    assert first.previous_round is None and first.nothing_compared == ""


def test_trends_follow_round_ones_line(session):
    """Round 1 was everyone's, so trends keep rounds 1 and 3 and leave the persona rounds out."""
    workshop = five_rounds(session)
    trends = {t.name: t for t in touchpoint_trends(session, workshop)}
    assert trends["A"].gaps == (-2.0, None, -1.0, None, None)  # (−3 − 1) / 2, then −1
    assert trends["B"].gaps == (0.0, None, 0.0, None, None)
    assert trends["A"].change == pytest.approx(1.0)
    trend = journey_trend(session, workshop, 5)
    assert trend is not None and trend.rounds == (1, 3)
    # over A and B (rated in both): −4/3 then −0.5
    assert trend.gaps == pytest.approx((-4 / 3, -0.5))


def test_the_emotion_change_is_like_for_like():
    """Round 2 (the parent's) feels −2 and −1 at T1 (−1.5), round 3 (everyone's) +2, round 4
    (the parent's) 0 and −1 (−0.5). Round 4 against round 2: −0.5 − (−1.5) = +1.0; against
    round 3 it would have been −2.5."""
    journey = [(1, "T1", 1, "Find")]
    rows = [(2, 10, 1, 2, -3), (3, None, 1, 1, 2), (4, 10, 1, 2, -1)]
    lines = summarise_lines(
        7, "T", 4, journey, rows, [(10, "Busy parent")], ComparedRound(4, "Busy parent", 2)
    )
    assert lines.compared_round == 2 and lines.change is not None
    assert lines.change.change == pytest.approx(1.0)
    assert lines.change.words() == "+1.0 since round 2, the last round for Busy parent"
    alone = summarise_lines(
        7, "T", 4, journey, rows, [(10, "Busy parent")], ComparedRound(4, "Busy parent", None)
    )
    assert alone.change is None and alone.compared_round is None


def test_the_board_and_the_digest_name_the_round_compared_with(session):
    workshop = five_rounds(session)  # round 5, the business's first, is being rated
    (round_figure, *_) = rating_figures(session, workshop)
    assert round_figure.value == (
        "5 · for the persona Small business · its first round, compared with none"
    )
    section = widest_gaps_section(session, workshop, None)
    assert section is not None and section.summary is not None
    assert "".join(section.note) == (
        "Round 5 is the first round for Small business. "
        "No earlier round for Small business, so nothing is compared."
    )
    assert section.summary.headline == (
        "round 5 is the first round for Small business: nothing to compare it with"
    )
    (round_field, *_) = section.figures
    assert "".join(round_field.value) == (
        "5 (for Small business), no earlier round for Small business"
    )
    rate_round_for_persona(session, TEAM, workshop.id, FACILITATOR, "Busy parent")
    (round_figure, *_) = rating_figures(session, workshop)
    assert round_figure.value == (
        "6 · compared with round 4, the last round for Busy parent · for the persona Busy parent"
    )
