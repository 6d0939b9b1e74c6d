"""Personas: defining them, choosing one's persona, and the figures per persona and the persona
splits, each checked against a worked example computed by hand (see the comments)."""

import pytest
from sqlmodel import select

from flows.errors import Conflict, InvalidInput, NotAllowed, NotFound
from flows.gaps.results import gap_results
from flows.gaps.rounds import open_rating_round
from flows.journey import StageSpec
from flows.personas import (
    MAX_PERSONAS,
    PERSONA_CHOICE,
    PERSONA_NAME,
    PERSONA_STAKEHOLDER,
    add_persona,
    choose_persona,
    chosen_persona,
    persona_results,
    rate_round_for_persona,
    require_persona_choice,
)
from flows.stakeholders import StakeholderSpec, add_stakeholder
from storage.models import Attitude, GapRating, Phase, StakeholderCategory
from tests.flows.test_gaps import FACILITATOR, OTHER_TEAM, TEAM, make_workshop, rate

JOURNEY = [StageSpec("Find", ("A", "B")), StageSpec("Buy", ("C",))]


def two_personas(session, workshop):
    parent = add_persona(session, TEAM, workshop.id, FACILITATOR, "Busy parent", "Buys at night")
    business = add_persona(session, TEAM, workshop.id, FACILITATOR, "Small business")
    return parent, business


def worked_example(session):
    """Busy parent: U1 A −3 (6→3), B 0 (5→5), C −2 (6→4); U2 A −1 (5→4).
    Small business: U3 A 0 (5→5), B −1 (5→4), C −2 (6→4). No persona: U4 A −6 (7→1)."""
    workshop = make_workshop(session, stages=JOURNEY)
    parent, business = two_personas(session, workshop)
    for user, persona in (("U1", parent), ("U2", parent), ("U3", business)):
        choose_persona(session, TEAM, workshop.id, user, persona.id)
    rate(session, workshop, "U1", {"A": (6, 3), "B": (5, 5), "C": (6, 4)})
    rate(session, workshop, "U2", {"A": (5, 4)})
    rate(session, workshop, "U3", {"A": (5, 5), "B": (5, 4), "C": (6, 4)})
    rate(session, workshop, "U4", {"A": (7, 1)})
    return workshop


def test_persona_figures_and_splits_by_hand(session):
    workshop = worked_example(session)
    results = persona_results(session, workshop)
    parent, business = results.personas
    # Busy parent: (−3 + 0 − 2 − 1) / 4 = −1.5, two raters
    assert (parent.name, parent.stats.n, parent.raters) == ("Busy parent", 4, 2)
    assert parent.stats.mean_gap == pytest.approx(-1.5)
    # Small business: (0 − 1 − 2) / 3 = −1.0, one rater
    assert (business.stats.n, business.stats.mean_gap, business.raters) == (3, -1.0, 1)
    # Overall, with U4 who chose no persona: (−3 + 0 − 2 − 1 + 0 − 1 − 2 − 6) / 8 = −1.875
    assert results.overall.mean_gap == pytest.approx(-1.875)
    # A: parent (−3 − 1) / 2 = −2.0, business 0.0 → 2.0 apart: a split
    # B: parent 0.0, business −1.0 → exactly 1.0 apart: a split (the threshold counts)
    # C: both −2.0 → no split
    a, b = results.splits
    assert (a.touchpoint, a.stage, a.low, a.high, a.difference) == (
        "A",
        "Find",
        ("Busy parent", -2.0),
        ("Small business", 0.0),
        2.0,
    )
    assert (b.touchpoint, b.low, b.high, b.difference) == (
        "B",
        ("Small business", -1.0),
        ("Busy parent", 0.0),
        1.0,
    )


def test_personas_leave_the_overall_gap_results_alone(session):
    workshop = worked_example(session)
    results = gap_results(session, workshop)
    assert results.journey.mean_gap == pytest.approx(-1.875)  # the same −15 / 8


def test_without_personas_the_lane_is_off(session):
    workshop = make_workshop(session, stages=JOURNEY)
    rate(session, workshop, "U1", {"A": (6, 3)})
    assert persona_results(session, workshop) is None
    assert not require_persona_choice(session, workshop, "U1")
    (rating,) = session.exec(select(GapRating)).all()
    assert rating.persona_id is None


def test_ratings_carry_the_persona_and_follow_a_change_of_mind_in_this_round_only(session):
    workshop = make_workshop(session, stages=JOURNEY)
    parent, business = two_personas(session, workshop)
    assert require_persona_choice(session, workshop, "U1")
    choose_persona(session, TEAM, workshop.id, "U1", parent.id)
    assert not require_persona_choice(session, workshop, "U1")
    rate(session, workshop, "U1", {"A": (6, 3), "B": (5, 5)})
    assert {r.persona_id for r in session.exec(select(GapRating)).all()} == {parent.id}
    open_rating_round(session, TEAM, workshop.id, FACILITATOR)
    rate(session, workshop, "U1", {"A": (6, 4)})
    chosen = choose_persona(session, TEAM, workshop.id, "U1", business.id)
    assert chosen.moved == 1  # round 2's one rating; round 1's two stay with the parent
    by_round = {(r.round, r.touchpoint_id): r.persona_id for r in session.exec(select(GapRating))}
    assert sorted(by_round.values()) == sorted([parent.id, parent.id, business.id])
    assert chosen_persona(session, workshop, "U1").name == "Small business"


def test_defining_personas_is_checked(session):
    workshop = make_workshop(session, stages=JOURNEY)
    with pytest.raises(NotAllowed):
        add_persona(session, TEAM, workshop.id, "U9", "Parent")
    add_persona(session, TEAM, workshop.id, FACILITATOR, "Busy parent")
    with pytest.raises(InvalidInput) as duplicate:
        add_persona(session, TEAM, workshop.id, FACILITATOR, "  busy   PARENT ")
    assert "already a persona" in duplicate.value.errors[PERSONA_NAME]
    with pytest.raises(InvalidInput) as blank:
        add_persona(session, TEAM, workshop.id, FACILITATOR, "  ")
    assert PERSONA_NAME in blank.value.errors
    with pytest.raises(InvalidInput):
        add_persona(session, TEAM, workshop.id, FACILITATOR, "x" * 41)
    for n in range(MAX_PERSONAS - 1):
        add_persona(session, TEAM, workshop.id, FACILITATOR, f"Persona {n}")
    with pytest.raises(InvalidInput) as full:
        add_persona(session, TEAM, workshop.id, FACILITATOR, "One too many")
    assert f"at most {MAX_PERSONAS} personas" in full.value.errors[PERSONA_NAME]


def test_a_persona_from_a_customer_stakeholder(session):
    workshop = make_workshop(session, stages=JOURNEY, phase=Phase.stakeholders)
    customer = add_stakeholder(
        session,
        TEAM,
        workshop.id,
        FACILITATOR,
        StakeholderSpec(
            "First-time buyers", StakeholderCategory.customer, Attitude.neutral, "New to us"
        ),
    )
    employee = add_stakeholder(
        session,
        TEAM,
        workshop.id,
        FACILITATOR,
        StakeholderSpec("Support team", StakeholderCategory.employee, Attitude.supporter, ""),
    )
    persona = add_persona(session, TEAM, workshop.id, FACILITATOR, "", None, customer.id)
    assert (persona.name, persona.description, persona.stakeholder_id) == (
        "First-time buyers",
        "New to us",
        customer.id,
    )
    with pytest.raises(InvalidInput) as refused:
        add_persona(session, TEAM, workshop.id, FACILITATOR, "Agents", None, employee.id)
    assert PERSONA_STAKEHOLDER in refused.value.errors


def test_choosing_a_persona_is_checked(session):
    workshop = make_workshop(session, stages=JOURNEY)
    other = make_workshop(session, team=OTHER_TEAM, stages=JOURNEY)
    theirs = add_persona(session, OTHER_TEAM, other.id, FACILITATOR, "Theirs")
    with pytest.raises(InvalidInput) as refused:
        choose_persona(session, TEAM, workshop.id, "U1", theirs.id)
    assert PERSONA_CHOICE in refused.value.errors
    mine = add_persona(session, TEAM, workshop.id, FACILITATOR, "Mine")
    workshop.phase = Phase.closed
    with pytest.raises(Conflict):
        choose_persona(session, TEAM, workshop.id, "U1", mine.id)


# A round per persona --------------------------------------------------------------------------


def test_a_round_per_persona_by_hand(session):
    """Round 1 is the parent's (given before anyone rated): U1 A −3 (6→3), B 0 (5→5); U2 A −1
    (5→4). Round 2 is opened for the business: U1 A 0 (5→5), C −2 (6→4); U3 A −1 (5→4)."""
    workshop = make_workshop(session, stages=JOURNEY)
    parent, business = two_personas(session, workshop)
    given = rate_round_for_persona(session, TEAM, workshop.id, FACILITATOR, " busy PARENT ")
    assert (given.number, given.persona.id, given.opened, given.changed) == (
        1,
        parent.id,
        False,
        True,
    )
    again = rate_round_for_persona(session, TEAM, workshop.id, FACILITATOR, "Busy parent")
    assert (again.number, again.changed) == (1, False)  # a double click: nothing new
    assert not require_persona_choice(session, workshop, "U1")  # nobody is asked in its round
    rate(session, workshop, "U1", {"A": (6, 3), "B": (5, 5)})
    rate(session, workshop, "U2", {"A": (5, 4)})
    opened = rate_round_for_persona(session, TEAM, workshop.id, FACILITATOR, "Small business")
    assert (opened.number, opened.opened, opened.changed) == (2, True, True)
    twice = rate_round_for_persona(session, TEAM, workshop.id, FACILITATOR, "Small business")
    assert (twice.number, twice.changed) == (2, False)  # one round opened between them
    rate(session, workshop, "U1", {"A": (5, 5), "C": (6, 4)})
    rate(session, workshop, "U3", {"A": (5, 4)})
    assert choose_persona(session, TEAM, workshop.id, "U1", parent.id).moved == 0
    by_round = {
        (r.round, r.user_id, r.touchpoint_id): r.persona_id for r in session.exec(select(GapRating))
    }
    assert {p for (n, _, _), p in by_round.items() if n == 1} == {parent.id}
    assert {p for (n, _, _), p in by_round.items() if n == 2} == {business.id}

    results = persona_results(session, workshop)
    first, second = results.personas
    # parent, from its round 1: (−3 + 0 − 1) / 3 = −4/3, two raters
    assert (first.round, first.stats.n, first.raters) == (1, 3, 2)
    assert first.stats.mean_gap == pytest.approx(-4 / 3)
    # business, from round 2: (0 − 2 − 1) / 3 = −1.0, two raters
    assert (second.round, second.stats.n, second.stats.mean_gap, second.raters) == (2, 3, -1.0, 2)
    # overall is round 2's: the same three ratings, −1.0
    assert results.round == 2 and results.overall.mean_gap == pytest.approx(-1.0)
    # A: parent (−3 − 1) / 2 = −2.0 against business (0 − 1) / 2 = −0.5 → 1.5 apart: a split
    (split,) = results.splits
    assert (split.touchpoint, split.low, split.high, split.difference) == (
        "A",
        ("Busy parent", -2.0),
        ("Small business", -0.5),
        1.5,
    )


def test_a_persona_round_is_checked(session):
    workshop = make_workshop(session, stages=JOURNEY)
    with pytest.raises(NotFound) as none:
        rate_round_for_persona(session, TEAM, workshop.id, FACILITATOR, "Anyone")
    assert "no personas yet" in str(none.value)
    two_personas(session, workshop)
    with pytest.raises(NotFound) as unknown:
        rate_round_for_persona(session, TEAM, workshop.id, FACILITATOR, "Student")
    assert str(unknown.value) == (
        "This workshop has no persona called “Student”; it has “Busy parent”, “Small business”."
    )
    with pytest.raises(NotAllowed):
        rate_round_for_persona(session, TEAM, workshop.id, "U9", "Busy parent")
    with pytest.raises(NotFound):
        rate_round_for_persona(session, OTHER_TEAM, workshop.id, FACILITATOR, "Busy parent")
    # an unrated round changes persona; the other persona's round is then this one
    rate_round_for_persona(session, TEAM, workshop.id, FACILITATOR, "Busy parent")
    changed = rate_round_for_persona(session, TEAM, workshop.id, FACILITATOR, "Small business")
    assert (changed.number, changed.persona.name, changed.changed) == (1, "Small business", True)
    rate(session, workshop, "U1", {"A": (6, 3)})
    with pytest.raises(Conflict):  # the command saw round 1; round 2 exists meanwhile
        open_rating_round(session, TEAM, workshop.id, FACILITATOR)
        rate_round_for_persona(
            session, TEAM, workshop.id, FACILITATOR, "Busy parent", expected_round=1
        )
