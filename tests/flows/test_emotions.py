"""The emotion curve: turning it on, saving feelings, the curve and its lowest points, each
checked against a worked example computed by hand (see the comments)."""

from dataclasses import replace

import pytest
from sqlmodel import select

from flows.emotions import (
    curve_change,
    emotion_curve,
    emotion_lines,
    set_emotion_curve,
    summarise_curve,
    summarise_lines,
    with_curve,
)
from flows.errors import InvalidInput, NotAllowed
from flows.gap_reports import widest_gaps_section
from flows.gaps.form import rating_sheet
from flows.gaps.ratings import RawAnswer, save_ratings
from flows.gaps.results import gap_results
from flows.gaps.rounds import open_rating_round
from flows.journey import StageSpec
from flows.personas import add_persona, choose_persona
from storage.models import GapRating
from tests.factories import touchpoint_ids
from tests.flows.test_gaps import FACILITATOR, TEAM, make_workshop

JOURNEY = [StageSpec("Find", ("A", "B")), StageSpec("Buy", ("C", "D"))]


def feel(session, workshop, user, answers):
    """answers: name → (expectation, experience, feeling or None)."""
    ids = touchpoint_ids(session, workshop)
    return save_ratings(
        session,
        TEAM,
        workshop.id,
        user,
        {
            ids[name]: RawAnswer(str(e), str(x), emotion=None if f is None else str(f))
            for name, (e, x, f) in answers.items()
        },
    )


def worked_example(session):
    """Feelings: A −2 (U1) and −1 (U2); B +1 (U1; U2 left it blank); C −1 (U1) and +2 (U2);
    D −1 (U1)."""
    workshop = make_workshop(session, stages=JOURNEY)
    assert set_emotion_curve(session, TEAM, workshop.id, FACILITATOR, True)
    feel(
        session, workshop, "U1", {"A": (6, 3, -2), "B": (5, 5, 1), "C": (6, 4, -1), "D": (5, 4, -1)}
    )
    feel(session, workshop, "U2", {"A": (5, 4, -1), "B": (5, 5, None), "C": (6, 6, 2)})
    return workshop


def test_curve_by_hand(session):
    workshop = worked_example(session)
    curve = emotion_curve(session, workshop)
    means = {p.name: (p.n, p.mean) for p in curve.points}
    assert means == {
        "A": (2, pytest.approx(-1.5)),  # (−2 − 1) / 2
        "B": (1, pytest.approx(1.0)),  # the blank is not counted
        "C": (2, pytest.approx(0.5)),  # (−1 + 2) / 2
        "D": (1, pytest.approx(-1.0)),
    }
    find, buy = curve.stages
    assert (find.n, find.mean) == (3, pytest.approx(-2 / 3))  # (−2 − 1 + 1) / 3
    assert (buy.n, buy.mean) == (3, pytest.approx(0.0))  # (−1 + 2 − 1) / 3
    # the moments that matter: below 0, lowest first
    assert [p.name for p in curve.lowest] == ["A", "D"]


def test_lowest_points_tie_in_journey_order_and_stop_at_three():
    journey = [(n, f"T{n}", 1, "S") for n in range(5)]
    sums = {0: (1, -1), 1: (1, -2), 2: (1, -1), 3: (1, -1), 4: (2, 1)}
    curve = summarise_curve(7, "T", 1, journey, sums)
    assert [p.name for p in curve.lowest] == ["T1", "T0", "T2"]  # −2, then the −1s in order


def test_a_curve_above_zero_has_no_lowest_points():
    curve = summarise_curve(7, "T", 1, [(1, "A", 1, "S")], {1: (2, 1)})
    assert curve.lowest == ()


def test_off_until_turned_on(session):
    workshop = make_workshop(session, stages=JOURNEY)
    assert emotion_curve(session, workshop) is None
    feel(session, workshop, "U1", {"A": (6, 3, -2)})  # the form does not ask: a feeling is ignored
    assert session.exec(select(GapRating.emotion)).all() == [None]
    assert emotion_curve(session, workshop) is None
    assert not rating_sheet(session, TEAM, workshop.id, "U1").emotion_curve


def test_turning_it_off_keeps_the_feelings_given(session):
    workshop = worked_example(session)
    assert set_emotion_curve(session, TEAM, workshop.id, FACILITATOR, False)
    assert not set_emotion_curve(session, TEAM, workshop.id, FACILITATOR, False)
    feel(session, workshop, "U1", {"A": (6, 2, None)})  # re-saved while off
    curve = emotion_curve(session, workshop)  # off, but feelings were given this round
    assert {p.name: p.mean for p in curve.points}["A"] == pytest.approx(-1.5)


def test_feelings_are_checked(session):
    workshop = make_workshop(session, stages=JOURNEY)
    with pytest.raises(NotAllowed):
        set_emotion_curve(session, TEAM, workshop.id, "U9", True)
    set_emotion_curve(session, TEAM, workshop.id, FACILITATOR, True)
    ids = touchpoint_ids(session, workshop)
    with pytest.raises(InvalidInput) as refused:
        feel(session, workshop, "U1", {"A": (6, 3, 3)})
    assert refused.value.errors == {f"emotion:{ids['A']}": "Feeling must be from -2 to 2."}
    with pytest.raises(InvalidInput) as alone:
        save_ratings(session, TEAM, workshop.id, "U1", {ids["B"]: RawAnswer(emotion="1")})
    assert alone.value.errors == {
        f"expectation:{ids['B']}": "Rate expectation and experience to save a feeling."
    }
    sheet = rating_sheet(session, TEAM, workshop.id, "U1")
    assert sheet.emotion_curve


def test_lines_per_round_and_per_persona_by_hand():
    """Journey A, B (stage 1), C (stage 2). Round 1: parent (10) gave A −2 and −1 (n 2, Σ −3),
    business (20) A +1, a rater without persona B +2. Round 2: parent A −1 and C −2."""
    journey = [(1, "A", 1, "S1"), (2, "B", 1, "S1"), (3, "C", 2, "S2")]
    rows = [
        (1, 10, 1, 2, -3),
        (1, 20, 1, 1, 1),
        (1, None, 2, 1, 2),
        (2, 10, 1, 1, -1),
        (2, 10, 3, 1, -2),
    ]
    lines = summarise_lines(7, "T", 2, journey, rows, [(10, "Parent"), (20, "Biz"), (30, "Kid")])
    one, two = lines.rounds
    # round 1, all raters: A (−3 + 1) / 3 = −2/3; B +2 / 1
    assert {p.name: p.mean for p in one.points if p.n} == {"A": pytest.approx(-2 / 3), "B": 2.0}
    # round 2: A −1, C −2; its pooled mean (−1 − 2) / 2 = −1.5
    assert lines.current is not None and lines.current.round == 2
    assert two.mean == pytest.approx(-1.5)
    # each persona in the latest round rated for it: parent round 2, business round 1; Kid none
    parent, business = lines.personas
    assert (parent.name, parent.curve.round, [p.mean for p in parent.curve.points]) == (
        "Parent",
        2,
        [-1.0, None, -2.0],
    )
    assert (business.name, business.curve.round, business.curve.points[0].mean) == ("Biz", 1, 1.0)
    # change like for like: only A has feelings in both rounds: −1 − (−2/3) = −1/3
    change = lines.change
    assert (change.compared, change.previous_round) == (1, 1)
    assert change.before == pytest.approx(-2 / 3) and change.now == pytest.approx(-1.0)
    assert change.change == pytest.approx(-1 / 3)


def test_lines_of_a_workshop_with_rounds_and_personas(session):
    """U1 rates for the parent, U2 for the business. Round 1: A U1 −2, U2 +1; B U1 0.
    Round 2: A U1 −1, U2 +2 → all raters A (−1 + 2) / 2 = +0.5, before (−2 + 1) / 2 = −0.5."""
    workshop = make_workshop(session, stages=JOURNEY)
    set_emotion_curve(session, TEAM, workshop.id, FACILITATOR, True)
    parent = add_persona(session, TEAM, workshop.id, FACILITATOR, "Parent")
    business = add_persona(session, TEAM, workshop.id, FACILITATOR, "Business")
    choose_persona(session, TEAM, workshop.id, "U1", parent.id)
    choose_persona(session, TEAM, workshop.id, "U2", business.id)
    feel(session, workshop, "U1", {"A": (6, 3, -2), "B": (5, 5, 0)})
    feel(session, workshop, "U2", {"A": (5, 5, 1)})
    open_rating_round(session, TEAM, workshop.id, FACILITATOR)
    feel(session, workshop, "U1", {"A": (6, 4, -1)})
    feel(session, workshop, "U2", {"A": (5, 6, 2)})
    lines = emotion_lines(session, workshop)
    assert [c.round for c in lines.rounds] == [1, 2]
    assert lines.current.points[0].mean == pytest.approx(0.5)
    assert lines.change.change == pytest.approx(1.0)  # +0.5 − (−0.5), over A only
    assert [(p.name, p.curve.round, p.curve.points[0].mean) for p in lines.personas] == [
        ("Parent", 2, -1.0),
        ("Business", 2, 2.0),
    ]


def test_no_lines_while_the_lane_is_off(session):
    workshop = make_workshop(session, stages=JOURNEY)
    assert emotion_lines(session, workshop) is None


def test_a_change_that_shows_as_zero_reads_unchanged():
    journey = [(1, "A", 1, "S")]
    before = summarise_curve(7, "T", 1, journey, {1: (3, -2)})  # −2/3
    now = summarise_curve(7, "T", 2, journey, {1: (2, -1)})  # −1/2: +1/6 → +0.2
    assert curve_change(now, before).words() == "+0.2 since round 1"
    same = summarise_curve(7, "T", 2, journey, {1: (3, -2)})
    assert curve_change(same, before).words() == "unchanged since round 1"


def test_the_results_carry_their_rounds_curve_for_the_journey_chart(session):
    """with_curve: the worked example's curve rides on the round's gap results (and on the
    digest's journey chart); a round without feelings leaves the results as they were."""
    workshop = worked_example(session)
    plain = gap_results(session, workshop)
    results = with_curve(session, workshop, plain)
    assert plain.curve is None and results.curve == emotion_curve(session, workshop, 1)
    assert results.curve is not None and [p.name for p in results.curve.lowest] == ["A", "D"]
    assert replace(results, curve=None) == plain  # nothing else changes
    section = widest_gaps_section(session, workshop, since=None)
    assert section is not None and section.chart is not None
    assert section.chart.data.curve == results.curve
    open_rating_round(session, TEAM, workshop.id, FACILITATOR, expected_round=1)
    feel(session, workshop, "U1", {"A": (6, 4, None)})  # round 2: nobody gives a feeling
    second = gap_results(session, workshop)
    assert second.round == 2 and with_curve(session, workshop, second) is second
