from datetime import date

import pytest
from sqlmodel import select

from flows.actions import (
    action_items,
    choose_fixes,
    due_field,
    is_overdue,
    owner_field,
    record_dm,
    save_action_items,
    set_action_status,
    validate_action_items,
)
from flows.errors import Conflict, InvalidInput, NotAllowed, NotFound
from flows.journey import StageSpec
from flows.workshops import WorkshopSpec, create_workshop
from storage.models import ActionItem, ActionStatus, Phase
from tests.factories import propose_fixes

TEAM = "T1"
TODAY = date(2026, 5, 10)


def make_closed_workshop(session, fixes=3, team=TEAM):
    spec = WorkshopSpec("Onboarding", [StageSpec("Buy", ("Checkout", "Billing"))])
    workshop = create_workshop(session, team, "C1", "UF", spec)
    workshop.phase = Phase.fixes
    made = propose_fixes(session, team, workshop.id, "UA", fixes)
    workshop.phase = Phase.closed
    session.add(workshop)
    session.flush()
    return workshop, made


def drafts_for(fixes, owner="UO", due="2026-05-24"):
    ids = [f.id for f in fixes]
    return validate_action_items(ids, dict.fromkeys(ids, owner), dict.fromkeys(ids, due), TODAY)


# overdue -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("due", "status", "overdue"),
    [
        (date(2026, 5, 9), ActionStatus.open, True),  # due yesterday (UTC)
        (date(2026, 5, 9), ActionStatus.in_progress, True),
        (date(2026, 5, 9), ActionStatus.done, False),  # done is never overdue
        (date(2026, 5, 10), ActionStatus.open, False),  # due today: not yet
        (date(2026, 5, 11), ActionStatus.open, False),
    ],
)
def test_overdue_means_due_before_today_and_not_done(due, status, overdue):
    assert is_overdue(due, status, TODAY) is overdue


# validation ----------------------------------------------------------------------------------


def test_validation_needs_an_owner_and_a_date_not_yet_passed():
    with pytest.raises(InvalidInput) as raised:
        validate_action_items(
            [1, 2, 3],
            {1: "UO", 2: None, 3: "UP"},
            {1: "2026-05-08", 2: "2026-05-20", 3: "not a date"},
            TODAY,
        )
    assert raised.value.errors == {
        due_field(1): "Pick a due date that has not passed yet.",
        owner_field(2): "Choose who owns this action item.",
        due_field(3): "Pick a due date.",
    }
    # yesterday in UTC is still today for someone west of UTC
    (draft,) = validate_action_items([1], {1: "UO"}, {1: "2026-05-09"}, TODAY)
    assert draft.due_date == date(2026, 5, 9)


def test_choosing_fixes_is_for_facilitators_after_voting_closes(session):
    workshop, fixes = make_closed_workshop(session)
    chosen = choose_fixes(session, TEAM, workshop.id, "UF", [str(fixes[0].id), str(fixes[2].id)])
    assert [f.id for f in chosen] == [fixes[0].id, fixes[2].id]
    with pytest.raises(NotAllowed):
        choose_fixes(session, TEAM, workshop.id, "UA", [str(fixes[0].id)])
    with pytest.raises(InvalidInput, match="at least one"):
        choose_fixes(session, TEAM, workshop.id, "UF", [])
    with pytest.raises(InvalidInput, match="no longer exist"):
        choose_fixes(session, TEAM, workshop.id, "UF", ["999999"])
    workshop.phase = Phase.voting
    session.add(workshop)
    with pytest.raises(Conflict, match="once voting has closed"):
        choose_fixes(session, TEAM, workshop.id, "UF", [str(fixes[0].id)])


# saving --------------------------------------------------------------------------------------


def test_saving_creates_one_item_per_fix_and_updates_on_resubmission(session):
    workshop, fixes = make_closed_workshop(session)
    saved = save_action_items(session, TEAM, workshop.id, "UF", drafts_for(fixes[:2]), TODAY)
    assert [(s.created, s.owner_needs_dm, s.item.status) for s in saved] == [
        (True, True, ActionStatus.open)
    ] * 2
    record_dm(session, TEAM, saved[0].item.id, "D0UO", "111.1")
    # the same form again (a retry) changes nothing and DMs nobody
    again = save_action_items(session, TEAM, workshop.id, "UF", drafts_for(fixes[:2]), TODAY)
    assert [(s.created, s.owner_needs_dm) for s in again] == [(False, False)] * 2
    # reassigning the first item: the new owner is DMed, the old DM is remembered
    moved = save_action_items(
        session, TEAM, workshop.id, "UF", drafts_for(fixes[:1], owner="UN"), TODAY
    )
    assert moved[0].previous_owner_id == "UO" and moved[0].previous_dm == ("D0UO", "111.1")
    assert moved[0].owner_needs_dm and moved[0].item.dm_ts is None
    rows = session.exec(select(ActionItem).where(ActionItem.workshop_id == workshop.id)).all()
    assert len(rows) == 2


def test_saving_is_refused_to_non_facilitators_and_other_workspaces(session):
    workshop, fixes = make_closed_workshop(session)
    with pytest.raises(NotAllowed):
        save_action_items(session, TEAM, workshop.id, "UA", drafts_for(fixes), TODAY)
    with pytest.raises(NotFound):
        save_action_items(session, "T2", workshop.id, "UF", drafts_for(fixes), TODAY)
    _, foreign = make_closed_workshop(session, team="T2")
    with pytest.raises(NotFound):
        save_action_items(session, TEAM, workshop.id, "UF", drafts_for(foreign), TODAY)
    assert action_items(session, workshop, TODAY) == []


def test_status_changes_are_idempotent_and_owner_or_facilitator_only(session):
    workshop, fixes = make_closed_workshop(session)
    (saved,) = save_action_items(session, TEAM, workshop.id, "UF", drafts_for(fixes[:1]), TODAY)
    item_id = saved.item.id
    change = set_action_status(session, TEAM, item_id, "UO", ActionStatus.in_progress)
    assert (change.previous, change.changed, change.item.status) == (
        ActionStatus.open,
        True,
        ActionStatus.in_progress,
    )
    repeat = set_action_status(session, TEAM, item_id, "UO", ActionStatus.in_progress)
    assert repeat.changed is False
    with pytest.raises(NotAllowed, match="only its owner or a facilitator") as refused:
        set_action_status(session, TEAM, item_id, "UA", ActionStatus.done)
    assert refused.value.owner_id == "UO"  # the bot names the owner in its own markup
    with pytest.raises(NotFound):
        set_action_status(session, "T2", item_id, "UO", ActionStatus.done)
    assert set_action_status(session, TEAM, item_id, "UF", ActionStatus.done).changed


def test_action_items_list_soonest_first_with_overdue_marked(session):
    workshop, fixes = make_closed_workshop(session)
    ids = [f.id for f in fixes]
    drafts = validate_action_items(
        ids,
        {ids[0]: "UO", ids[1]: "UP", ids[2]: "UQ"},
        {ids[0]: "2026-05-30", ids[1]: "2026-05-09", ids[2]: "2026-05-12"},
        TODAY,
    )
    saved = save_action_items(session, TEAM, workshop.id, "UF", drafts, TODAY)
    later = date(2026, 5, 13)  # two days on: the 9th and the 12th have passed
    set_action_status(session, TEAM, saved[2].item.id, "UQ", ActionStatus.done)
    listed = action_items(session, workshop, later)
    assert [(i.title, i.owner_id, i.due_date.day, i.status, i.overdue) for i in listed] == [
        ("Fix 1", "UP", 9, ActionStatus.open, True),
        ("Fix 2", "UQ", 12, ActionStatus.done, False),
        ("Fix 0", "UO", 30, ActionStatus.open, False),
    ]
    assert listed[0].touchpoint == "Checkout" and listed[0].stage == "Buy"
