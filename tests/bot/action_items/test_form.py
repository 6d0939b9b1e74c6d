"""The action-items form end to end: facilitators only, after voting; owners DMed; reassigning
an item tells the previous owner; an owner who cannot be DMed is reported, the item kept."""

import json
from datetime import date, timedelta

import pytest
from sqlmodel import select

from bot.slack import ids
from demo.local import CHANNEL_ID, PEOPLE
from flows.actions import due_field, owner_field
from storage.models import ActionItem, Phase
from tests.factories import propose_fixes
from tests.helpers import answered, close_voting, dm_with, settle

ANA, BEN, CHLOE, DEV, EMI = (p.user_id for p in PEOPLE[:5])


@pytest.fixture(autouse=True)
def _settle_after(local):
    yield
    settle(local)


def closed_workshop_with_fixes(local, count=4):
    workshop_id, board_ts = local.start_workshop(ANA, phase=Phase.fixes)
    with local.db.session() as session:
        fixes = [f.id for f in propose_fixes(session, local.team_id, workshop_id, CHLOE, count)]
    close_voting(local, ANA, board_ts)
    return workshop_id, board_ts, fixes


def results_post(local, board_ts):
    return local.standin.wait_for(
        lambda: [
            m
            for m in local.standin.thread(CHANNEL_ID, board_ts)
            if "Voting has closed" in m["text"]
        ]
    )[0]


def open_details_form(local, fixes_to_pick):
    local.sim.slash_command(ANA, CHANNEL_ID, "actions")
    local.standin.wait_for(
        lambda: [e for e in local.standin.ephemerals(user=ANA) if "Action items" in e["text"]]
    )
    local.sim.click(ANA, ids.ACTION_ITEMS_CREATE, channel=CHANNEL_ID)
    pick = local.standin.wait_for(
        lambda: (
            (v := local.standin.top_view(ANA))
            and v["callback_id"] == ids.ACTION_ITEMS_PICK_MODAL
            and v
        )
    )
    initial = pick["blocks"][1]["element"]["initial_options"]
    assert len(initial) == 3  # the top three are preselected
    answer = local.sim.submit_view(ANA, {ids.ACTION_ITEMS_FIXES: [str(f) for f in fixes_to_pick]})
    assert answer.problems == []
    return local.standin.top_view(ANA)


def test_only_facilitators_create_action_items_and_only_after_voting(local):
    _, board_ts = local.start_workshop(ANA, phase=Phase.voting)
    listing = answered(local, ANA, "actions", "No action items yet")
    assert "No action items yet" in json.dumps(listing["blocks"])
    assert ids.ACTION_ITEMS_CREATE not in json.dumps(listing["blocks"])  # voting still open
    local.sim.click(ANA, ids.PHASE_CLOSE, channel=CHANNEL_ID, ts=board_ts)
    results = results_post(local, board_ts)
    assert "nothing to rank" in json.dumps(results["blocks"])
    assert ids.ACTION_ITEMS_CREATE not in json.dumps(results["blocks"])


def test_a_participant_pressing_create_action_items_is_refused(local):
    _, board_ts, _ = closed_workshop_with_fixes(local)
    results = results_post(local, board_ts)
    local.sim.click(CHLOE, ids.ACTION_ITEMS_CREATE, channel=CHANNEL_ID, ts=results["ts"])
    local.standin.wait_for(
        lambda: any(
            "Only the facilitator" in e["text"] for e in local.standin.ephemerals(user=CHLOE)
        )
    )
    assert local.standin.top_view(CHLOE) is None
    local.sim.slash_command(CHLOE, CHANNEL_ID, "actions")
    listing = local.standin.wait_for(
        lambda: [e for e in local.standin.ephemerals(user=CHLOE) if "Action items" in e["text"]]
    )[-1]
    assert ids.ACTION_ITEMS_CREATE not in json.dumps(listing["blocks"])


def test_owners_are_dmed_reassignment_is_announced_and_failures_reported(local):
    _, _, fixes = closed_workshop_with_fixes(local)
    due = date.today() + timedelta(days=7)
    open_details_form(local, fixes[:2])
    # the first DM fails (say, the owner left); the items are saved and Ana is told
    local.standin.inject_fault("chat.postMessage", error="user_not_found")
    answer = local.sim.submit_view(
        ANA,
        {
            owner_field(fixes[0]): DEV,
            due_field(fixes[0]): due,
            owner_field(fixes[1]): EMI,
            due_field(fixes[1]): due,
        },
    )
    assert answer.problems == []
    report = local.standin.wait_for(
        lambda: [e for e in local.standin.ephemerals(user=ANA) if "could not DM" in e["text"]]
    )
    assert f"<@{DEV}>" in report[0]["text"]
    emi_dm = dm_with(local, EMI, "You own an action item")
    with local.db.session() as session:
        items = session.exec(select(ActionItem).order_by(ActionItem.fix_id)).all()
        assert [(i.fix_id, i.owner_id, i.due_date) for i in items] == [
            (fixes[0], DEV, due),
            (fixes[1], EMI, due),
        ]
        assert items[1].dm_ts == emi_dm["ts"]

    # Ana gives Emi's item to Ben: Ben is DMed, Emi's DM says it moved on
    details = open_details_form(local, fixes[1:2])
    owner_block = next(b for b in details["blocks"] if b.get("block_id") == owner_field(fixes[1]))
    assert owner_block["element"]["initial_user"] == EMI
    local.sim.submit_view(ANA, {owner_field(fixes[1]): BEN})
    local.standin.wait_for(lambda: local.standin.dms(BEN))
    emi_dm_channel = local.standin.dm_channel_id(EMI)
    local.standin.wait_for(
        lambda: "was reassigned to" in local.standin.message(emi_dm_channel, emi_dm["ts"])["text"]
    )
    # Emi's old buttons no longer work for her
    with local.db.session() as session:
        item_id = session.exec(select(ActionItem.id).where(ActionItem.fix_id == fixes[1])).one()
    assert ids.ACTION_ITEM_STATUS_DONE not in json.dumps(
        local.standin.message(emi_dm_channel, emi_dm["ts"])["blocks"]
    )
    with local.db.session() as session:
        assert session.get(ActionItem, item_id).owner_id == BEN
