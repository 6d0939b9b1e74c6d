"""The journey lanes in digests and exports: present when the lane is used, absent otherwise."""

import pytest
from sqlmodel import select

from flows.digest import plain_text
from flows.gaps.rounds import open_rating_round
from flows.lane_reports import (
    channel_gaps_table,
    channels_section,
    emotion_curve_table,
    emotion_lines_table,
    emotions_section,
    persona_gaps_table,
    personas_section,
)
from flows.personas import persona_results
from storage.models import Workshop
from tests.flows import test_channels, test_emotions, test_personas
from tests.flows.test_gaps import make_workshop, rate


def test_the_digest_section_names_each_persona_and_the_splits(session):
    workshop = test_personas.worked_example(session)
    section = personas_section(session, workshop, None)
    figures = {f.label: plain_text(f.value) for f in section.figures}
    # parent (−3 + 0 − 2 − 1) / 4 = −1.5; business (0 − 1 − 2) / 3 = −1.0; all −15 / 8 = −1.875
    assert figures == {
        "Busy parent": "gap −1.5 (2 raters)",
        "Small business": "gap −1.0 (1 rater)",
        "Everyone": "gap −1.9",
    }
    assert [plain_text(i.text) for i in section.items] == [
        "A (Find): Busy parent −2.0, Small business 0.0, 2.0 apart",
        "B (Find): Small business −1.0, Busy parent 0.0, 1.0 apart",
    ]
    assert plain_text(section.note).startswith("Personas split at 2 touchpoints in round 1")


def test_the_export_has_each_persona_at_each_touchpoint(session):
    workshop = test_personas.worked_example(session)
    table = persona_gaps_table(session, workshop)
    rows = {(r[1], r[3]): r for r in table.rows}
    assert len(rows) == 6  # two personas × three touchpoints
    # Busy parent at A: (6 + 5) / 2 = 5.5 expected, (3 + 4) / 2 = 3.5 experienced, gap −2.0
    assert rows[("Busy parent", "A")] == (1, "Busy parent", "Find", "A", 2, 5.5, 3.5, -2.0, True)
    assert rows[("Small business", "C")][-1] is False  # both −2.0 at C: no split
    assert persona_results(session, workshop).round == 1


def test_the_export_has_each_channel_in_each_stage(session):
    workshop = test_channels.worked_example(session)
    table = channel_gaps_table(session, workshop)
    assert [r[1:] for r in table.rows] == [
        # stage, channel, touchpoints, n, mean gap, stage spread, worst served
        ("Find", "Web", 2, 3, pytest.approx(-2.0), pytest.approx(3.0), True),
        ("Find", "App", 1, 1, 1.0, pytest.approx(3.0), False),
        ("Buy", "Store", 1, 2, -1.5, None, True),
    ]


def test_a_workshop_without_lanes_has_none_of_them(session):
    workshop = make_workshop(session)
    rate(session, workshop, "U1", {"A": (6, 3)})
    assert personas_section(session, workshop, None) is None
    assert persona_gaps_table(session, workshop) is None
    assert channel_gaps_table(session, workshop) is None
    assert emotion_curve_table(session, workshop) is None
    assert emotion_lines_table(session, workshop) is None
    assert channels_section(session, workshop, None) is None
    assert emotions_section(session, workshop, None) is None


def test_the_export_has_the_emotion_curve(session):
    workshop = test_emotions.worked_example(session)
    table = emotion_curve_table(session, workshop)
    # round, stage, touchpoint, n, mean feeling, rank among the lowest points
    assert table.rows == [
        (1, "Find", "A", 2, -1.5, 1),
        (1, "Find", "B", 1, 1.0, None),
        (1, "Buy", "C", 2, 0.5, None),
        (1, "Buy", "D", 1, -1.0, 2),
    ]


def test_the_digest_section_names_the_worst_served_channel_per_stage(session):
    workshop = test_channels.worked_example(session)
    section = channels_section(session, workshop, None)
    assert section.summary is None  # thread only: the top message keeps its limits
    # web (−3 − 1 − 2) / 3 = −2.0, store (0 − 3) / 2 = −1.5, app +1.0: worst first
    assert [(f.label, plain_text(f.value)) for f in section.figures] == [
        ("Web", "gap −2.0"),
        ("Store", "gap −1.5"),
        ("App", "gap +1.0"),
    ]
    # Find: web −2.0 against app +1.0 → spread 3.0; Buy: store alone
    assert [plain_text(i.text) for i in section.items] == [
        "Find: spread 3.0 across 2 channels; worst served: Web (gap −2.0)",
        "Buy: only Store rated (gap −1.5)",
    ]
    assert plain_text(section.note) == (
        "Worst served over the journey: Web (gap −2.0) in round 1; least consistent stage: "
        "Find, its channels' gaps 3.0 points apart."
    )


def test_the_digest_section_names_the_moments_that_matter(session):
    workshop = test_emotions.worked_example(session)
    section = emotions_section(session, workshop, None)
    assert section.summary is None and section.figures == ()
    # all feelings (−2 − 1 + 1 − 1 + 2 − 1) / 6 = −1/3 → −0.3
    assert plain_text(section.note) == (
        "Round 1: the customer feels −0.3 on average (−2…+2). The moments that matter, "
        "lowest first:"
    )
    assert [plain_text(i.text) for i in section.items] == [
        "A (Find): feels −1.5",
        "D (Buy): feels −1.0",
    ]


def test_the_emotion_section_and_export_follow_the_rounds(session):
    """Round 2: U1 gives A −1 and D 0. Like for like over A and D: before (−2 − 1 − 1) / 3
    = −4/3, now (−1 + 0) / 2 = −0.5, change +5/6 → +0.8."""
    workshop = test_emotions.worked_example(session)
    open_rating_round(session, test_emotions.TEAM, workshop.id, test_emotions.FACILITATOR)
    test_emotions.feel(session, workshop, "U1", {"A": (6, 4, -1), "D": (5, 4, 0)})
    section = emotions_section(session, workshop, None)
    assert plain_text(section.note) == (
        "Round 2: the customer feels −0.5 on average (−2…+2), +0.8 since round 1 (over the 2 "
        "touchpoints with feelings in both). The moments that matter, lowest first:"
    )
    assert [plain_text(i.text) for i in section.items] == [
        "A (Find): feels −1.0, was −1.5 in round 1"
    ]
    assert [(f.label, plain_text(f.value)) for f in section.figures] == [
        ("Round 1", "feels −0.3"),
        ("Round 2", "feels −0.5"),
    ]
    table = emotion_lines_table(session, workshop)
    # line, label, round, stage, touchpoint, n, mean; each line ends with its pooled mean
    assert [r for r in table.rows if r[0] == "round" and r[2] == 2] == [
        ("round", "Round 2", 2, "Find", "A", 1, -1.0),
        ("round", "Round 2", 2, "Buy", "D", 1, 0.0),
        ("round", "Round 2", 2, None, None, 2, -0.5),
    ]


def test_the_persona_export_gives_each_persona_its_own_round(session):
    """tests/flows/test_personas.py's round per persona: the parent's figures come from round 1,
    the business's from round 2."""
    test_personas.test_a_round_per_persona_by_hand(session)
    (workshop,) = session.exec(select(Workshop)).all()
    rows = {(r[1], r[3]): r for r in persona_gaps_table(session, workshop).rows}
    # parent at A in round 1: (6 + 5) / 2 = 5.5 expected, (3 + 4) / 2 = 3.5, gap −2.0
    assert rows[("Busy parent", "A")] == (1, "Busy parent", "Find", "A", 2, 5.5, 3.5, -2.0, True)
    # business at A in round 2: 5.0 expected, (5 + 4) / 2 = 4.5, gap −0.5
    assert rows[("Small business", "A")][:8] == (
        2,
        "Small business",
        "Find",
        "A",
        2,
        5.0,
        4.5,
        -0.5,
    )


def test_the_persona_digest_says_which_round_a_persona_was_rated_in(session):
    test_personas.test_a_round_per_persona_by_hand(session)
    (workshop,) = session.exec(select(Workshop)).all()
    figures = {
        f.label: plain_text(f.value) for f in personas_section(session, workshop, None).figures
    }
    # parent (−3 + 0 − 1) / 3 = −1.3 in round 1; business (0 − 2 − 1) / 3 = −1.0, round 2 (now)
    assert figures["Busy parent"] == "gap −1.3 (2 raters, its round 1)"
    assert figures["Small business"] == "gap −1.0 (2 raters)"
