"""The emotion curve: turning it on, saving feelings, the curve and its lowest points, each
checked against a worked example computed by hand (see the comments)."""

import pytest
from sqlmodel import select

from flows.emotions import emotion_curve, set_emotion_curve, summarise_curve
from flows.errors import InvalidInput, NotAllowed
from flows.gaps.form import rating_sheet
from flows.gaps.ratings import RawAnswer, save_ratings
from flows.journey import StageSpec
from storage.models import GapRating
from tests.flows.test_gaps import FACILITATOR, TEAM, make_workshop, touchpoint_ids

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
