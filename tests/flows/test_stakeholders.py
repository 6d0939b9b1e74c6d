import math
import threading

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from flows.board import board_summary
from flows.errors import Conflict, InvalidInput, NotAllowed, NotFound
from flows.journey import StageSpec
from flows.stakeholders import (
    AxisScore,
    Quadrant,
    StakeholderSpec,
    add_form,
    add_stakeholder,
    classify,
    edit_form,
    get_stakeholder,
    list_stakeholders,
    name_key,
    rating_field,
    rating_page,
    removal_preview,
    remove_stakeholder,
    save_ratings,
    stakeholder_grid,
    update_stakeholder,
    validate_ratings,
    validate_stakeholder,
)
from flows.workshops import (
    PhaseAction,
    WorkshopSpec,
    change_phase,
    create_workshop,
    participant_role,
)
from storage.models import (
    Attitude,
    Phase,
    Role,
    Stakeholder,
    StakeholderCategory,
    StakeholderRating,
    Touchpoint,
)

TEAM = "T1"
OTHER_TEAM = "T2"
FACILITATOR = "UF"
CO_FACILITATOR = "UC"
JOURNEY = [StageSpec("Find", ("Ads", "Search")), StageSpec("Buy", ("Checkout",))]


def open_workshop(session, team=TEAM, phase=Phase.stakeholders):
    spec = WorkshopSpec(title="Onboarding", stages=JOURNEY, co_facilitators=[CO_FACILITATOR])
    workshop = create_workshop(session, team, "C1", FACILITATOR, spec)
    if phase is not Phase.setup:
        change_phase(session, team, workshop.id, FACILITATOR, PhaseAction.advance)
    return workshop


def spec(name="CFO", category="executive", attitude="blocker", note="", touchpoints=()):
    return validate_stakeholder(name, category, attitude, note, list(touchpoints))


def add(session, workshop, name="CFO", user="UA", **values):
    return add_stakeholder(session, workshop.team_id, workshop.id, user, spec(name, **values))


def rate(session, workshop, user, ratings):
    return save_ratings(session, workshop.team_id, workshop.id, user, ratings)


def touchpoint_ids(session, workshop):
    return list(
        session.exec(
            select(Touchpoint.id)
            .where(Touchpoint.workshop_id == workshop.id)
            .order_by(Touchpoint.id)
        )
    )


def grid_entry(session, workshop, stakeholder):
    grid = stakeholder_grid(session, workshop.team_id, workshop.id)
    return next(s for s in grid.stakeholders if s.stakeholder_id == stakeholder.id)


# Quadrants -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("influence", "interest", "quadrant"),
    [
        (5, 5, Quadrant.manage_closely),
        (5, 1, Quadrant.keep_satisfied),
        (1, 5, Quadrant.keep_informed),
        (1, 1, Quadrant.monitor),
        # The midpoint 3 is "high": exactly on the boundary lands in the higher half.
        (3.0, 3.0, Quadrant.manage_closely),
        (3.0, 2.99, Quadrant.keep_satisfied),
        (2.99, 3.0, Quadrant.keep_informed),
        (2.99, 2.99, Quadrant.monitor),
    ],
)
def test_classify_uses_mendelows_quadrants_with_the_midpoint_counted_high(
    influence, interest, quadrant
):
    assert classify(influence, interest) is quadrant


@given(st.floats(1, 5), st.floats(1, 5))
def test_every_position_on_the_grid_has_exactly_one_quadrant(influence, interest):
    quadrant = classify(influence, interest)
    assert (quadrant in (Quadrant.manage_closely, Quadrant.keep_satisfied)) == (influence >= 3)
    assert (quadrant in (Quadrant.manage_closely, Quadrant.keep_informed)) == (interest >= 3)


# Validation ----------------------------------------------------------------------------------


def test_validate_stakeholder_cleans_the_form():
    result = validate_stakeholder("  Support   agents ", "employee", "supporter", " Tier 1 ", ["3"])
    assert result == StakeholderSpec(
        "Support agents", StakeholderCategory.employee, Attitude.supporter, "Tier 1", (3,)
    )


def test_validate_stakeholder_reports_every_bad_field():
    with pytest.raises(InvalidInput) as raised:
        validate_stakeholder("   ", "alien", None, "x" * 201, ["nope"])
    assert raised.value.errors == {
        "name": "Give the stakeholder a name.",
        "category": "Pick a category.",
        "attitude": "Pick an attitude: supporter, neutral or blocker.",
        "note": "Keep the note to 200 characters.",
        "touchpoints": "Pick touchpoints from this workshop's journey.",
    }


def test_names_are_limited_to_80_characters():
    assert validate_stakeholder("x" * 80, "other", "neutral").name == "x" * 80
    with pytest.raises(InvalidInput) as raised:
        validate_stakeholder("x" * 81, "other", "neutral")
    assert raised.value.errors == {"name": "Keep the name to 80 characters."}


def test_name_key_ignores_case_and_surrounding_spaces():
    assert name_key("  CFO ") == name_key("cfo") == "cfo"
    assert name_key("Straße") == name_key("STRASSE")
    assert name_key("Support  agents") == name_key("support agents")


# Adding, duplicates, editing, removing -------------------------------------------------------


def test_add_stores_the_stakeholder_its_touchpoints_and_joins_the_author(session):
    workshop = open_workshop(session)
    ads, search, _checkout = touchpoint_ids(session, workshop)
    stakeholder = add(session, workshop, "Comparison sites", user="UA", touchpoints=[search, ads])
    assert (stakeholder.name, stakeholder.author_id) == ("Comparison sites", "UA")
    assert participant_role(session, TEAM, workshop.id, "UA") is Role.participant
    entry = grid_entry(session, workshop, stakeholder)
    assert entry.touchpoints == ("Ads", "Search")  # in journey order
    assert (entry.raters, entry.quadrant, entry.influence) == (0, None, None)


def test_duplicate_name_is_refused_inline_ignoring_case_and_spaces(session):
    workshop = open_workshop(session)
    add(session, workshop, "CFO")
    with pytest.raises(InvalidInput) as raised:
        add(session, workshop, "  cfo ")
    assert raised.value.errors == {
        "name": "“CFO” is already on this workshop's list of stakeholders."
    }
    assert len(session.exec(select(Stakeholder)).all()) == 1


def test_the_same_name_may_appear_in_another_workshop(session):
    first, second = open_workshop(session), open_workshop(session)
    add(session, first, "CFO")
    add(session, second, "CFO")
    assert len(session.exec(select(Stakeholder)).all()) == 2


def test_the_database_refuses_a_duplicate_name_key(session):
    workshop = open_workshop(session)
    add(session, workshop, "CFO")
    with pytest.raises(IntegrityError), session.begin_nested():
        session.add(
            Stakeholder(
                team_id=TEAM,
                workshop_id=workshop.id,
                name="Cfo",
                name_key="cfo",
                category=StakeholderCategory.executive,
                attitude=Attitude.neutral,
                author_id="UB",
            )
        )
        session.flush()


def test_concurrent_adds_of_the_same_name_let_exactly_one_through(db):
    with db.session() as session:
        workshop_id = open_workshop(session).id
    barrier = threading.Barrier(6)
    outcomes: list[str] = []

    def add_cfo(user: str) -> None:
        barrier.wait()
        try:
            with db.session() as session:
                add_stakeholder(session, TEAM, workshop_id, user, spec(f" CFO{' ' * len(user)}"))
            outcomes.append("added")
        except InvalidInput as error:
            outcomes.append(error.errors["name"])

    threads = [threading.Thread(target=add_cfo, args=(f"U{i}",)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("added") == 1
    assert all("already on this workshop's list" in o for o in outcomes if o != "added")
    with db.session() as session:
        assert len(session.exec(select(Stakeholder)).all()) == 1


def test_forged_touchpoints_from_another_workshop_are_refused(session):
    workshop, other = open_workshop(session), open_workshop(session, team=OTHER_TEAM)
    foreign = touchpoint_ids(session, other)[0]
    with pytest.raises(InvalidInput) as raised:
        add(session, workshop, touchpoints=[foreign])
    assert raised.value.errors == {"touchpoints": "Pick touchpoints from this workshop's journey."}


def test_stakeholders_change_only_in_the_stakeholders_phase(session):
    workshop = open_workshop(session, phase=Phase.setup)
    with pytest.raises(Conflict, match="only in the stakeholders phase"):
        add(session, workshop)
    with pytest.raises(Conflict):
        add_form(session, TEAM, workshop.id)
    change_phase(session, TEAM, workshop.id, FACILITATOR, PhaseAction.advance)
    stakeholder = add(session, workshop, user="UA")
    rate(session, workshop, "UA", {stakeholder.id: (4, 4)})
    change_phase(session, TEAM, workshop.id, FACILITATOR, PhaseAction.advance)
    with pytest.raises(Conflict):
        rate(session, workshop, "UA", {stakeholder.id: (1, 1)})
    with pytest.raises(Conflict):
        update_stakeholder(session, TEAM, stakeholder.id, "UA", spec("CFO"))
    with pytest.raises(Conflict):
        remove_stakeholder(session, TEAM, stakeholder.id, "UA")
    # Reading the grid is always allowed.
    assert grid_entry(session, workshop, stakeholder).influence.mean == 4


def test_author_and_facilitators_may_edit_others_may_not(session):
    workshop = open_workshop(session)
    ads = touchpoint_ids(session, workshop)[0]
    stakeholder = add(session, workshop, "CFO", user="UA")
    with pytest.raises(NotAllowed, match="Only the person who added “CFO”"):
        update_stakeholder(session, TEAM, stakeholder.id, "UB", spec("Chief financial officer"))
    with pytest.raises(NotAllowed):
        edit_form(session, TEAM, stakeholder.id, "UB")
    update_stakeholder(
        session, TEAM, stakeholder.id, "UA", spec("cfo", attitude="neutral", touchpoints=[ads])
    )
    updated = update_stakeholder(
        session, TEAM, stakeholder.id, CO_FACILITATOR, spec("CFO", note="Signs the budget")
    )
    assert (updated.name, updated.attitude, updated.note) == ("CFO", "blocker", "Signs the budget")
    form = edit_form(session, TEAM, stakeholder.id, FACILITATOR)
    assert form.spec.touchpoint_ids == ()  # the last edit cleared them
    assert form.stakeholder_id == stakeholder.id


def test_renaming_onto_another_stakeholder_is_refused(session):
    workshop = open_workshop(session)
    add(session, workshop, "CFO")
    sales = add(session, workshop, "Sales reps")
    with pytest.raises(InvalidInput) as raised:
        update_stakeholder(session, TEAM, sales.id, FACILITATOR, spec(" CFO "))
    assert "“CFO” is already" in raised.value.errors["name"]


def test_remove_takes_the_ratings_with_it(session):
    workshop = open_workshop(session)
    stakeholder = add(session, workshop, "CFO", user="UA")
    rate(session, workshop, "UA", {stakeholder.id: (5, 2)})
    rate(session, workshop, "UB", {stakeholder.id: (4, 2)})
    with pytest.raises(NotAllowed):
        removal_preview(session, TEAM, stakeholder.id, "UB")
    with pytest.raises(NotAllowed):
        remove_stakeholder(session, TEAM, stakeholder.id, "UB")
    assert removal_preview(session, TEAM, stakeholder.id, FACILITATOR).ratings == 2
    removed = remove_stakeholder(session, TEAM, stakeholder.id, FACILITATOR)
    assert (removed.name, removed.ratings_removed) == ("CFO", 2)
    assert session.exec(select(StakeholderRating)).all() == []
    with pytest.raises(NotFound):
        remove_stakeholder(session, TEAM, stakeholder.id, FACILITATOR)  # a double click


def test_another_workspace_cannot_reach_a_stakeholder(session):
    workshop = open_workshop(session)
    stakeholder = add(session, workshop, "CFO", user="UA")
    for attempt in (
        lambda: get_stakeholder(session, OTHER_TEAM, stakeholder.id),
        lambda: update_stakeholder(session, OTHER_TEAM, stakeholder.id, "UA", spec("X")),
        lambda: remove_stakeholder(session, OTHER_TEAM, stakeholder.id, "UA"),
        lambda: edit_form(session, OTHER_TEAM, stakeholder.id, "UA"),
        lambda: add_stakeholder(session, OTHER_TEAM, workshop.id, "UA", spec("Y")),
        lambda: save_ratings(session, OTHER_TEAM, workshop.id, "UA", {stakeholder.id: (1, 1)}),
    ):
        with pytest.raises(NotFound):
            attempt()
    assert get_stakeholder(session, TEAM, stakeholder.id).name == "CFO"
    assert session.exec(select(StakeholderRating)).all() == []


# Rating --------------------------------------------------------------------------------------


def test_validate_ratings_wants_both_axes_or_neither():
    assert validate_ratings({1: ("4", "2"), 2: (None, None), 3: ("", "")}) == {1: (4, 2)}
    with pytest.raises(InvalidInput) as raised:
        validate_ratings({1: ("4", None), 2: (None, "3"), 3: ("9", "0")})
    assert raised.value.errors == {
        rating_field("interest", 1): "Rate their interest too.",
        rating_field("influence", 2): "Rate their influence too.",
        rating_field("influence", 3): "Pick a rating from 1 to 5.",
        rating_field("interest", 3): "Pick a rating from 1 to 5.",
    }


def test_mean_and_spread_over_raters_worked_example(session):
    """CFO: influence 5, 4, 3 → mean 4, population SD √(2/3) ≈ 0.816;
    interest 2, 3, 4 → mean 3 (high) → Manage closely."""
    workshop = open_workshop(session)
    cfo = add(session, workshop, "CFO")
    for user, ratings in (("UA", (5, 2)), ("UB", (4, 3)), ("UC", (3, 4))):
        rate(session, workshop, user, {cfo.id: ratings})
    entry = grid_entry(session, workshop, cfo)
    assert entry.raters == 3
    assert entry.influence == AxisScore(4.0, pytest.approx(math.sqrt(2 / 3)))
    assert entry.interest == AxisScore(3.0, pytest.approx(math.sqrt(2 / 3)))
    assert entry.quadrant is Quadrant.manage_closely


def test_ratings_2_and_4_average_to_the_boundary_and_count_as_high(session):
    """Influence 2 and 4 → mean 3.0, SD 1.0 → high; interest 1 and 2 → 1.5, SD 0.5 → low."""
    workshop = open_workshop(session)
    cfo = add(session, workshop, "CFO")
    rate(session, workshop, "UA", {cfo.id: (2, 1)})
    rate(session, workshop, "UB", {cfo.id: (4, 2)})
    entry = grid_entry(session, workshop, cfo)
    assert (entry.influence, entry.interest) == (AxisScore(3.0, 1.0), AxisScore(1.5, 0.5))
    assert entry.quadrant is Quadrant.keep_satisfied


def test_a_mean_of_2_99_is_low(session):
    """99 raters say 3 and one says 2: mean (99·3 + 2) / 100 = 2.99 → just below the boundary."""
    workshop = open_workshop(session)
    cfo = add(session, workshop, "CFO")
    for rater in range(100):
        rate(session, workshop, f"U{rater}", {cfo.id: (2 if rater == 0 else 3, 3)})
    entry = grid_entry(session, workshop, cfo)
    assert entry.influence.mean == 2.99
    assert entry.interest.mean == 3.0
    assert entry.quadrant is Quadrant.keep_informed


def test_one_rater_shows_no_spread(session):
    workshop = open_workshop(session)
    cfo = add(session, workshop, "CFO")
    rate(session, workshop, "UA", {cfo.id: (1, 5)})
    entry = grid_entry(session, workshop, cfo)
    assert entry.influence == AxisScore(1.0, None)
    assert entry.interest == AxisScore(5.0, None)
    assert entry.quadrant is Quadrant.keep_informed


def test_changed_ratings_replace_earlier_ones_never_add(session):
    workshop = open_workshop(session)
    cfo = add(session, workshop, "CFO")
    rate(session, workshop, "UA", {cfo.id: (1, 1)})
    rate(session, workshop, "UA", {cfo.id: (5, 4)})
    rate(session, workshop, "UA", {cfo.id: (5, 4)})  # a retried submission
    rows = session.exec(select(StakeholderRating)).all()
    assert [(r.rater_id, r.influence, r.interest) for r in rows] == [("UA", 5, 4)]
    entry = grid_entry(session, workshop, cfo)
    assert (entry.raters, entry.influence.mean, entry.interest.mean) == (1, 5.0, 4.0)
    assert stakeholder_grid(session, TEAM, workshop.id).rater_count == 1


def test_rating_joins_the_rater_and_ignores_unknown_stakeholders(session):
    workshop, other = open_workshop(session), open_workshop(session, team=OTHER_TEAM)
    cfo = add(session, workshop, "CFO")
    foreign = add_stakeholder(session, OTHER_TEAM, other.id, "UX", spec("Foreign"))
    saved = rate(session, workshop, "UNEW", {cfo.id: (3, 3), foreign.id: (1, 1), 999_999: (2, 2)})
    assert (saved.saved, saved.new_rater) == (1, True)
    assert rate(session, workshop, "UNEW", {cfo.id: (4, 3)}).new_rater is False
    assert participant_role(session, TEAM, workshop.id, "UNEW") is Role.participant
    ratings = session.exec(select(StakeholderRating)).all()
    assert [(r.stakeholder_id, r.team_id) for r in ratings] == [(cfo.id, TEAM)]


def test_the_database_refuses_ratings_outside_1_to_5(session):
    workshop = open_workshop(session)
    cfo = add(session, workshop, "CFO")
    with pytest.raises(IntegrityError), session.begin_nested():
        session.add(
            StakeholderRating(
                team_id=TEAM,
                workshop_id=workshop.id,
                stakeholder_id=cfo.id,
                rater_id="UA",
                influence=6,
                interest=3,
            )
        )
        session.flush()


def test_rating_pages_carry_earlier_answers_and_page_by_key(session):
    workshop = open_workshop(session)
    people = [add(session, workshop, f"S{i:02d}") for i in range(7)]
    rate(session, workshop, "UA", {people[1].id: (2, 5), people[5].id: (4, 1)})
    first = rating_page(session, TEAM, workshop.id, "UA", size=3)
    assert (first.page, first.pages, first.total, first.has_more) == (1, 3, 7, True)
    assert [(i.name, i.influence, i.interest) for i in first.items] == [
        ("S00", None, None),
        ("S01", 2, 5),
        ("S02", None, None),
    ]
    second = rating_page(session, TEAM, workshop.id, "UA", after_id=first.last_id, size=3)
    assert [i.name for i in second.items] == ["S03", "S04", "S05"]
    assert (second.page, second.pages, second.items[2].influence) == (2, 3, 4)
    # Removing a stakeholder already seen does not shift the next page.
    remove_stakeholder(session, TEAM, people[0].id, FACILITATOR)
    third = rating_page(session, TEAM, workshop.id, "UA", after_id=second.last_id, size=3)
    assert [i.name for i in third.items] == ["S06"]
    assert (third.page, third.pages, third.has_more) == (3, 3, False)  # their third page
    # Someone else's answers are not shown.
    assert rating_page(session, TEAM, workshop.id, "UB", size=3).items[1].influence is None


# The grid ------------------------------------------------------------------------------------


def test_grid_orders_most_influential_first_and_counts_raters(session):
    workshop = open_workshop(session)
    names = ["Monitor me", "Key player", "Satisfy", "Inform", "Unrated"]
    found = {name: add(session, workshop, name) for name in names}
    rate(
        session,
        workshop,
        "UA",
        {
            found["Monitor me"].id: (1, 2),
            found["Key player"].id: (5, 5),
            found["Satisfy"].id: (4, 1),
            found["Inform"].id: (2, 5),
        },
    )
    rate(session, workshop, "UB", {found["Key player"].id: (3, 4)})
    grid = stakeholder_grid(session, TEAM, workshop.id)
    assert grid.rater_count == 2
    assert [s.name for s in grid.stakeholders] == [*names[1:4], "Monitor me", "Unrated"]
    assert [s.name for s in grid.in_quadrant(Quadrant.manage_closely)] == ["Key player"]
    assert [s.name for s in grid.in_quadrant(Quadrant.keep_satisfied)] == ["Satisfy"]
    assert [s.name for s in grid.in_quadrant(Quadrant.keep_informed)] == ["Inform"]
    assert [s.name for s in grid.in_quadrant(Quadrant.monitor)] == ["Monitor me"]
    assert [s.name for s in grid.unrated] == ["Unrated"]
    assert len(grid.rated) == 4
    assert grid.stakeholders[0].created_at is not None


def test_grid_of_an_empty_workshop_and_of_another_workspace(session):
    workshop = open_workshop(session)
    assert stakeholder_grid(session, TEAM, workshop.id).stakeholders == ()
    with pytest.raises(NotFound):
        stakeholder_grid(session, OTHER_TEAM, workshop.id)


def test_list_says_who_may_manage_each_stakeholder(session):
    workshop = open_workshop(session)
    add(session, workshop, "Sales reps", user="UA")
    add(session, workshop, "cfo", user="UB")
    mine = list_stakeholders(session, TEAM, workshop.id, "UA")
    assert [(s.name, s.can_manage) for s in mine.stakeholders] == [
        ("cfo", False),
        ("Sales reps", True),
    ]
    theirs = list_stakeholders(session, TEAM, workshop.id, FACILITATOR, limit=1)
    assert [(s.name, s.can_manage) for s in theirs.stakeholders] == [("cfo", True)]
    assert (theirs.total, theirs.has_more) == (2, True)
    change_phase(session, TEAM, workshop.id, FACILITATOR, PhaseAction.advance)
    closed = list_stakeholders(session, TEAM, workshop.id, FACILITATOR)
    assert not closed.is_open and not any(s.can_manage for s in closed.stakeholders)


def test_board_shows_stakeholder_and_rater_counts_in_the_phase(session):
    workshop = open_workshop(session)
    cfo = add(session, workshop, "CFO", user="UA")
    add(session, workshop, "Sales reps", user="UB")
    rate(session, workshop, "UA", {cfo.id: (4, 4)})
    figures = {f.label: f.value for f in board_summary(session, workshop).figures}
    # Participants: facilitator, co-facilitator, UA, UB.
    assert figures["Stakeholders"] == "2"
    assert figures["Rated by"] == "1 of 4 participants"
    change_phase(session, TEAM, workshop.id, FACILITATOR, PhaseAction.advance)
    assert "Stakeholders" not in {f.label for f in board_summary(session, workshop).figures}
