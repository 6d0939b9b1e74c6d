import pytest
from sqlmodel import select

from flows.errors import Conflict, InvalidInput, NotAllowed, NotFound
from flows.journey import DEFAULT_JOURNEY, StageSpec, format_journey
from flows.workshops import (
    PhaseAction,
    WorkshopSpec,
    change_phase,
    channel_workshops,
    create_workshop,
    facilitator_ids,
    get_workshop,
    is_facilitator,
    join_workshop,
    move_phase,
    participant_count,
    resolve_workshop,
    target_phase,
    user_workshops,
    validate_spec,
)
from storage.models import JourneyStage, Phase, PhaseChange, Role, Touchpoint

TEAM = "T1"
OTHER_TEAM = "T2"


def make_spec(**overrides) -> WorkshopSpec:
    values = {"title": "Onboarding", "stages": list(DEFAULT_JOURNEY)} | overrides
    return WorkshopSpec(**values)


def make_workshop(session, team=TEAM, channel="C1", facilitator="UF", **overrides):
    return create_workshop(session, team, channel, facilitator, make_spec(**overrides))


# validate_spec -------------------------------------------------------------------------------


def test_validate_spec_accepts_the_prefilled_form():
    spec = validate_spec("  Onboarding  ", format_journey(DEFAULT_JOURNEY), "3", "1")
    assert spec.title == "Onboarding"
    assert spec.stages == list(DEFAULT_JOURNEY)
    assert (spec.vote_budget, spec.max_votes_per_fix, spec.live_tallies) == (3, 1, False)


def test_validate_spec_defaults_blank_numbers_and_dedupes_co_facilitators():
    spec = validate_spec("T", "A: b", None, "", co_facilitators=["U1", "U2", "U1"])
    assert (spec.vote_budget, spec.max_votes_per_fix) == (3, 1)
    assert spec.co_facilitators == ["U1", "U2"]


def test_validate_spec_reports_every_bad_field_at_once():
    with pytest.raises(InvalidInput) as raised:
        validate_spec("   ", "Awareness", "zero", "99")
    errors = raised.value.errors
    assert errors["title"] == "Give the workshop a title."
    assert "has no touchpoints" in errors["journey"]
    assert errors["vote_budget"] == "Vote budget must be a whole number."
    assert errors["max_votes_per_fix"] == "Votes per fix must be between 1 and 20."


def test_votes_per_fix_cannot_exceed_the_budget():
    with pytest.raises(InvalidInput) as raised:
        validate_spec("T", "A: b", "2", "3")
    assert raised.value.errors == {
        "max_votes_per_fix": "Votes per fix cannot exceed the vote budget (2)."
    }


def test_title_longer_than_a_header_is_refused():
    with pytest.raises(InvalidInput) as raised:
        validate_spec("x" * 151, "A: b", "3", "1")
    assert "150 characters" in raised.value.errors["title"]


# create, find, join --------------------------------------------------------------------------


def test_create_workshop_stores_journey_in_order_and_the_facilitators(session):
    workshop = make_workshop(
        session,
        stages=[StageSpec("Find", ("Ads", "Search")), StageSpec("Buy", ("Checkout",))],
        co_facilitators=["UC", "UF"],
    )
    stages = session.exec(select(JourneyStage).order_by(JourneyStage.position)).all()
    assert [(s.position, s.name, s.team_id) for s in stages] == [
        (0, "Find", TEAM),
        (1, "Buy", TEAM),
    ]
    touchpoints = session.exec(select(Touchpoint).order_by(Touchpoint.id)).all()
    assert [(t.stage_id, t.position, t.name) for t in touchpoints] == [
        (stages[0].id, 0, "Ads"),
        (stages[0].id, 1, "Search"),
        (stages[1].id, 0, "Checkout"),
    ]
    assert workshop.phase == Phase.setup
    assert facilitator_ids(session, workshop) == ["UF", "UC"]  # the creator is not doubled
    assert is_facilitator(session, TEAM, workshop.id, "UC")
    assert not is_facilitator(session, TEAM, workshop.id, "UX")


def test_workshops_of_another_workspace_are_never_found(session):
    foreign = make_workshop(session, team=OTHER_TEAM)
    with pytest.raises(NotFound):
        get_workshop(session, TEAM, foreign.id)
    assert channel_workshops(session, TEAM, "C1") == []
    # Even its own facilitator cannot move it through another workspace's request.
    with pytest.raises(NotFound):
        change_phase(session, TEAM, foreign.id, "UF", PhaseAction.advance)
    assert get_workshop(session, OTHER_TEAM, foreign.id).phase == Phase.setup


def test_resolve_prefers_the_newest_open_workshop_then_the_newest_closed(session):
    older = make_workshop(session)
    newer = make_workshop(session)
    assert resolve_workshop(session, TEAM, "C1").id == newer.id
    change_phase(session, TEAM, newer.id, "UF", PhaseAction.close)
    assert resolve_workshop(session, TEAM, "C1").id == older.id
    change_phase(session, TEAM, older.id, "UF", PhaseAction.close)
    assert resolve_workshop(session, TEAM, "C1").id == newer.id
    assert resolve_workshop(session, TEAM, "C9", number=older.id).id == older.id
    with pytest.raises(NotFound, match="no workshop in this channel"):
        resolve_workshop(session, TEAM, "C9")


def test_join_is_idempotent(session):
    workshop = make_workshop(session)
    assert join_workshop(session, workshop, "U2") is True
    assert join_workshop(session, workshop, "U2") is False
    assert join_workshop(session, workshop, "UF") is False  # the facilitator is already in
    assert participant_count(session, workshop) == 2
    assert user_workshops(session, TEAM, "U2") == [(workshop, Role.participant)]
    assert user_workshops(session, OTHER_TEAM, "U2") == []


# phases --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("current", "action", "expected"),
    [
        (Phase.setup, PhaseAction.advance, Phase.stakeholders),
        (Phase.voting, PhaseAction.advance, Phase.closed),
        (Phase.rating, PhaseAction.back, Phase.stakeholders),
        (Phase.stakeholders, PhaseAction.skip, Phase.fixes),
        (Phase.fixes, PhaseAction.skip, Phase.closed),
        (Phase.rating, PhaseAction.close, Phase.closed),
    ],
)
def test_target_phase(current, action, expected):
    assert target_phase(current, action) is expected


@pytest.mark.parametrize(
    ("current", "action"),
    [
        (Phase.setup, PhaseAction.back),
        (Phase.voting, PhaseAction.skip),
        (Phase.closed, PhaseAction.advance),
        (Phase.closed, PhaseAction.close),
        (Phase.rating, PhaseAction.reopen),
    ],
)
def test_impossible_moves_are_conflicts(current, action):
    with pytest.raises(Conflict):
        target_phase(current, action)


def test_reopen_returns_to_the_phase_before_closing(session):
    workshop = make_workshop(session)
    change_phase(session, TEAM, workshop.id, "UF", PhaseAction.skip)  # → rating
    change_phase(session, TEAM, workshop.id, "UF", PhaseAction.close)
    result = change_phase(session, TEAM, workshop.id, "UF", PhaseAction.reopen)
    assert (result.from_phase, result.to_phase) == (Phase.closed, Phase.rating)


def test_phase_changes_are_logged(session):
    workshop = make_workshop(session)
    change_phase(session, TEAM, workshop.id, "UF", PhaseAction.advance)
    change_phase(session, TEAM, workshop.id, "UF", PhaseAction.back)
    log = session.exec(select(PhaseChange).order_by(PhaseChange.id)).all()
    assert [(c.from_phase, c.to_phase, c.action, c.user_id) for c in log] == [
        ("setup", "stakeholders", "advance", "UF"),
        ("stakeholders", "setup", "back", "UF"),
    ]


def test_move_phase_moves_only_from_the_phase_it_was_told(session):
    workshop = make_workshop(session)
    now = workshop.created_at
    assert move_phase(session, workshop, Phase.rating, Phase.fixes, "advance", "UF", now) is None
    change = move_phase(session, workshop, Phase.setup, Phase.closed, "close", "UF", now)
    assert change is not None
    session.flush()
    session.refresh(workshop)
    assert (workshop.phase, workshop.phase_before_close) == (Phase.closed, Phase.setup)
    log = session.exec(select(PhaseChange)).all()
    assert [(c.from_phase, c.to_phase, c.action, c.user_id) for c in log] == [
        ("setup", "closed", "close", "UF")
    ]


def test_only_facilitators_change_the_phase(session):
    workshop = make_workshop(session, co_facilitators=["UC"])
    join_workshop(session, workshop, "UP")
    with pytest.raises(NotAllowed, match="Only the facilitator"):
        change_phase(session, TEAM, workshop.id, "UP", PhaseAction.advance)
    assert get_workshop(session, TEAM, workshop.id).phase == Phase.setup
    result = change_phase(session, TEAM, workshop.id, "UC", PhaseAction.advance)
    assert result.to_phase is Phase.stakeholders


def test_a_stale_button_changes_nothing(session):
    workshop = make_workshop(session)
    change_phase(session, TEAM, workshop.id, "UF", PhaseAction.advance, Phase.setup)
    with pytest.raises(Conflict, match="already moved on"):
        change_phase(session, TEAM, workshop.id, "UF", PhaseAction.advance, Phase.setup)
    assert get_workshop(session, TEAM, workshop.id).phase == Phase.stakeholders
