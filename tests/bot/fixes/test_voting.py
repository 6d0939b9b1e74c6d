"""Fixes, dot voting and action items end to end: signed requests into the real Bolt app, read
back from the Slack stand-in."""

import json
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import update
from sqlalchemy.exc import OperationalError
from sqlmodel import select

from bot.fixes import voting as voting_listeners
from bot.slack import ids
from bot.vote_sweeper import sweep
from demo.local import CHANNEL_ID, PEOPLE
from flows.actions import due_field, owner_field
from flows.vote_clicks import Click, click_key, record_click
from flows.voting import own_votes, vote_totals
from flows.workshops import get_workshop
from storage.models import ActionItem, ActionStatus, Fix, Phase, Touchpoint, VoteClick
from tests.helpers import answered, board_field, dm_with, said, settle
from tests.recording import RecordingSlack

ANA, BEN, CHLOE, DEV, EMI, FEMI = (p.user_id for p in PEOPLE)
EVERYONE = (ANA, BEN, CHLOE, DEV, EMI, FEMI)


# helpers -------------------------------------------------------------------------------------


def start(local, phase=Phase.fixes, budget="2", per_fix="1", joiners=(CHLOE, DEV, EMI)):
    workshop_id, board_ts = local.start_workshop(
        ANA,
        phase=Phase.fixes,
        values={ids.SETUP_VOTE_BUDGET: budget, ids.SETUP_MAX_VOTES_PER_FIX: per_fix},
        joiners=joiners,  # while it is set up: Join is on the setup board only
    )
    local.standin.wait_for(
        lambda: board_field(local, board_ts, "Participants") == str(1 + len(joiners))
    )
    if phase is Phase.voting:
        advance(local, board_ts, "Voting")
    return workshop_id, board_ts


@pytest.fixture(autouse=True)
def _settle_after(local):
    yield
    settle(local)


def advance(local, board_ts, to_name, action_id=ids.PHASE_ADVANCE):
    local.sim.click(ANA, action_id, channel=CHANNEL_ID, ts=board_ts)
    local.standin.wait_for(
        lambda: f"*▶ {to_name}*" in str(local.standin.message(CHANNEL_ID, board_ts)["blocks"])
    )


def touchpoint_id(local, workshop_id, name):
    with local.db.session() as session:
        return session.exec(
            select(Touchpoint.id).where(
                Touchpoint.workshop_id == workshop_id, Touchpoint.name == name
            )
        ).one()


def propose(local, workshop_id, user, title, touchpoint="Checkout"):
    local.sim.slash_command(user, CHANNEL_ID, "fix")
    view = local.standin.wait_for(
        lambda: (v := local.standin.top_view(user)) and v["callback_id"] == ids.FIX_MODAL and v
    )
    response = local.sim.submit_view(
        user,
        {
            ids.FIX_TITLE: title,
            ids.FIX_TOUCHPOINT: str(touchpoint_id(local, workshop_id, touchpoint)),
        },
        view_id=view["id"],
    )
    assert response.problems == []
    with local.db.session() as session:
        return session.exec(select(Fix).where(Fix.title == title)).one().id


def open_ballot(local, user, board_ts):
    before = {v["id"] for v in [local.standin.top_view(user)] if v}
    local.sim.click(user, ids.VOTE_OPEN, channel=CHANNEL_ID, ts=board_ts)
    return local.standin.wait_for(
        lambda: (
            (v := local.standin.top_view(user))
            and v["callback_id"] == ids.VOTE_MODAL
            and v["id"] not in before
            and v
        )
    )


def click_vote(local, user, action_id, fix_id):
    """Click + or − on a fix in the user's open voting view; return the re-rendered view."""
    view = local.standin.top_view(user)
    local.sim.click(user, action_id, view_id=view["id"], block_id=f"vote-{fix_id}")
    return local.standin.wait_for(
        lambda: (v := local.standin.top_view(user)) and v["hash"] != view["hash"] and v
    )


def view_text(view):
    return json.dumps(view["blocks"], ensure_ascii=False)


def my_votes(local, workshop_id, user):
    with local.db.session() as session:
        return own_votes(session, get_workshop(session, local.team_id, workshop_id), user)


# the whole story -----------------------------------------------------------------------------


def test_propose_vote_close_and_follow_through(local):
    workshop_id, board_ts = start(local, budget="2", per_fix="1")
    guest = propose(local, workshop_id, CHLOE, "Guest checkout")
    reminders = propose(local, workshop_id, DEV, "Renewal reminders", "Renewal")
    faq = propose(local, workshop_id, EMI, "Pricing FAQ", "Pricing page")
    local.standin.wait_for(lambda: board_field(local, board_ts, "Fixes") == "3")
    confirmation = said(local, CHLOE, "*Guest checkout* is added")
    assert "*Guest checkout* is added to the list" in confirmation["text"]

    advance(local, board_ts, "Voting")
    opened = local.standin.wait_for(
        lambda: [
            m for m in local.standin.thread(CHANNEL_ID, board_ts) if "Voting is open" in m["text"]
        ]
    )
    assert "3 fixes. Each participant has 2 votes, at most 1 per fix" in opened[0]["text"]
    assert board_field(local, board_ts, "Votes cast") == "0 of 8"

    # Chloé votes for two fixes, changes her mind; with her budget spent ＋ is hidden, saying why
    view = open_ballot(local, CHLOE, board_ts)
    assert "You have *2 of 2* votes left" in view_text(view)
    click_vote(local, CHLOE, ids.VOTE_ADD, guest)
    view = click_vote(local, CHLOE, ids.VOTE_ADD, reminders)
    assert "You have *0 of 2* votes left" in view_text(view)
    faq_buttons = next((b for b in view["blocks"] if b.get("block_id") == f"vote-{faq}"), None)
    assert faq_buttons is None  # no ＋ that could only be refused
    assert "all your votes are spent: take one back from another fix" in view_text(view)
    assert my_votes(local, workshop_id, CHLOE) == {guest: 1, reminders: 1}
    click_vote(local, CHLOE, ids.VOTE_REMOVE, reminders)
    view = click_vote(local, CHLOE, ids.VOTE_ADD, faq)
    assert my_votes(local, workshop_id, CHLOE) == {guest: 1, faq: 1}
    assert "Totals stay hidden until voting closes" in view_text(view)
    assert "Total so far" not in view_text(view)

    # Dev and Emi vote; Femi never joined and is told to press Join first
    for voter, picks in ((DEV, (guest, reminders)), (EMI, (guest,))):
        open_ballot(local, voter, board_ts)
        for fix_id in picks:
            click_vote(local, voter, ids.VOTE_ADD, fix_id)
    local.sim.click(FEMI, ids.VOTE_OPEN, channel=CHANNEL_ID, ts=board_ts)
    refusal = said(local, FEMI, "Press *Join*")
    assert "Press *Join*" in refusal["text"]
    local.standin.wait_for(lambda: board_field(local, board_ts, "Votes cast") == "5 of 8")

    # Ana closes voting: the ranked result and the chart land in the board's thread
    advance(local, board_ts, "Closed", ids.PHASE_CLOSE)
    result = local.standin.wait_for(
        lambda: [
            m
            for m in local.standin.thread(CHANNEL_ID, board_ts)
            if "Voting has closed" in m["text"]
        ]
    )[0]
    text = json.dumps(result["blocks"], ensure_ascii=False)
    assert "5 of 8 votes cast" in text
    assert re.search(r"\*1\.\* Guest checkout — \*3 votes\*", text)
    # Renewal reminders and Pricing FAQ tie on 1 vote: both rank 2, the older first
    assert text.index("*2.* Renewal reminders") < text.index("*2.* Pricing FAQ")
    assert "Ties share a rank" in text
    (chart,) = local.standin.wait_for(lambda: local.standin.files(CHANNEL_ID))
    assert local.standin.file_bytes(chart["id"]).startswith(b"\x89PNG")

    # Ana turns the top two into action items with owners and due dates
    local.sim.click(ANA, ids.ACTION_ITEMS_CREATE, channel=CHANNEL_ID, ts=result["ts"])
    pick = local.standin.wait_for(
        lambda: (
            (v := local.standin.top_view(ANA))
            and v["callback_id"] == ids.ACTION_ITEMS_PICK_MODAL
            and v
        )
    )
    response = local.sim.submit_view(
        ANA, {ids.ACTION_ITEMS_FIXES: [str(guest), str(reminders)]}, view_id=pick["id"]
    )
    assert response.problems == []
    details = local.standin.top_view(ANA)
    assert details["callback_id"] == ids.ACTION_ITEMS_MODAL
    due = date.today() + timedelta(days=10)
    past = local.sim.submit_view(
        ANA,
        {
            owner_field(guest): DEV,
            due_field(guest): date.today() - timedelta(days=5),
            owner_field(reminders): EMI,
        },
    )
    assert past.json == {
        "response_action": "errors",
        "errors": {due_field(guest): "Pick a due date that has not passed yet."},
    }
    assert past.problems == [] and local.standin.calls_to("chat.postMessage")
    response = local.sim.submit_view(
        ANA,
        {
            owner_field(guest): DEV,
            due_field(guest): due,
            owner_field(reminders): EMI,
            due_field(reminders): due,
        },
    )
    assert response.problems == [] and local.standin.top_view(ANA) is None
    dm = dm_with(local, DEV, "You own an action item")
    assert "You own an action item" in dm["text"] and "Guest checkout" in dm["text"]
    local.standin.wait_for(lambda: local.standin.dms(EMI))
    local.standin.wait_for(
        lambda: [
            m
            for m in local.standin.thread(CHANNEL_ID, board_ts)
            if "action items assigned" in m["text"]
        ]
    )

    # Dev moves his item to in progress from the DM; a repeated click changes nothing more
    dm_channel = local.standin.dm_channel_id(DEV)
    for _ in range(2):
        local.sim.click(DEV, ids.ACTION_ITEM_STATUS_IN_PROGRESS, channel=dm_channel, ts=dm["ts"])
    local.standin.wait_for(
        lambda: (
            "✓ In progress"
            in json.dumps(local.standin.message(dm_channel, dm["ts"])["blocks"], ensure_ascii=False)
        )
    )
    with local.db.session() as session:
        item = session.exec(select(ActionItem).where(ActionItem.fix_id == guest)).one()
    assert item.status == ActionStatus.in_progress
    notes = local.standin.wait_for(
        lambda: [
            m for m in local.standin.thread(CHANNEL_ID, board_ts) if "to *In progress*" in m["text"]
        ]
    )
    assert len(notes) == 1

    # Emi cannot change Dev's item, even with a forged button value
    emi_dm = local.standin.dms(EMI)[-1]
    local.sim.click(
        EMI,
        ids.ACTION_ITEM_STATUS_DONE,
        channel=local.standin.dm_channel_id(EMI),
        ts=emi_dm["ts"],
        forge_value=f"{item.id}|done",
    )
    # ...and is told who owns it, as a mention the bot writes (not escaped into plain text)
    local.standin.wait_for(
        lambda: any(f"owned by <@{DEV}>;" in e["text"] for e in local.standin.ephemerals(user=EMI))
    )
    with local.db.session() as session:
        assert session.get(ActionItem, item.id).status == ActionStatus.in_progress

    # `/workshop actions` lists both; one made overdue is marked
    with local.db.session() as session:
        session.execute(
            update(ActionItem)
            .where(ActionItem.fix_id == reminders)
            .values(due_date=date.today() - timedelta(days=2))
        )
    local.sim.slash_command(ANA, CHANNEL_ID, "actions")
    listing = local.standin.wait_for(
        lambda: [e for e in local.standin.ephemerals(user=ANA) if "Action items" in e["text"]]
    )[-1]
    blocks = json.dumps(listing["blocks"], ensure_ascii=False)
    assert "2 action items · 1 overdue" in blocks
    assert f"<@{EMI}>" in blocks and ":warning: *Overdue*" in blocks
    assert "before today (UTC)" in blocks


def test_replayed_vote_requests_count_once(local):
    workshop_id, board_ts = start(local, budget="3", per_fix="2")
    fix_id = propose(local, workshop_id, CHLOE, "Guest checkout")
    advance(local, board_ts, "Voting")
    view = open_ballot(local, DEV, board_ts)
    # the same signed click delivered three times (a double click, then a redelivery)
    recorder = RecordingSlack(local.standin, local.sim.bot_url, local.sim.signing_secret)
    recorder.click(DEV, ids.VOTE_ADD, view_id=view["id"], value=f"{fix_id}|0|1")
    updates = len(local.standin.calls_to("views.update"))
    for _ in range(3):
        assert local.sim.post(*recorder.requests[0]).status == 200
    local.standin.wait_for(lambda: len(local.standin.calls_to("views.update")) >= updates + 3)
    settle(local)  # every copy handled, including re-renders after a hash conflict
    assert my_votes(local, workshop_id, DEV) == {fix_id: 1}
    # a second vote takes a click on the view that shows the first
    click_vote(local, DEV, ids.VOTE_ADD, fix_id)
    assert my_votes(local, workshop_id, DEV) == {fix_id: 2}
    with local.db.session() as session:
        assert vote_totals(session, get_workshop(session, local.team_id, workshop_id)) == {
            fix_id: 2
        }


def test_votes_are_refused_outside_voting_and_on_removed_fixes(local):
    workshop_id, board_ts = start(local)
    kept = propose(local, workshop_id, CHLOE, "Guest checkout")
    dropped = propose(local, workshop_id, DEV, "Chatbot")
    reply = answered(local, DEV, "vote", "Voting opens when")
    assert "Voting opens when the facilitator moves the workshop on" in reply["text"]
    advance(local, board_ts, "Voting")
    open_ballot(local, EMI, board_ts)
    # Dev removes his fix while Emi's view still shows it
    local.sim.slash_command(DEV, CHANNEL_ID, "fixes")
    local.standin.wait_for(
        lambda: [e for e in local.standin.ephemerals(user=DEV) if e["text"] == "Fixes"]
    )
    local.sim.click(DEV, ids.FIX_MENU, channel=CHANNEL_ID, selected=f"remove|{dropped}|0")
    local.standin.wait_for(
        lambda: (v := local.standin.top_view(DEV)) and v["callback_id"] == ids.FIX_REMOVE_MODAL
    )
    local.sim.submit_view(DEV, {})
    view = click_vote(local, EMI, ids.VOTE_ADD, dropped)
    assert "has been removed, so nothing was changed" in view_text(view)
    assert f"vote-{dropped}" not in view_text(view)
    assert my_votes(local, workshop_id, EMI) == {}
    click_vote(local, EMI, ids.VOTE_ADD, kept)
    # after close, a click on a stale view changes nothing
    advance(local, board_ts, "Closed", ids.PHASE_CLOSE)
    stale = local.standin.top_view(EMI)
    local.sim.click(EMI, ids.VOTE_REMOVE, view_id=stale["id"], block_id=f"vote-{kept}")
    view = local.standin.wait_for(
        lambda: (v := local.standin.top_view(EMI)) and v["hash"] != stale["hash"] and v
    )
    assert "Voting has closed" in view_text(view)
    assert my_votes(local, workshop_id, EMI) == {kept: 1}


def test_nobody_sees_who_voted_for_what(local):
    """Everything the bot sends while voting is open and when it closes (board edits, the
    voting views, replies, results, the chart's post) is scanned for the voters' ids."""
    workshop_id, board_ts = start(local, budget="2", per_fix="1", joiners=(CHLOE, DEV, EMI))
    fixes = [propose(local, workshop_id, EMI, title) for title in ("One", "Two", "Three")]
    advance(local, board_ts, "Voting")
    first_call = len(local.standin.calls)
    voters = (CHLOE, DEV, EMI)
    for voter, picks in zip(voters, (fixes[:2], fixes[1:], fixes[:1]), strict=True):
        open_ballot(local, voter, board_ts)
        for fix_id in picks:
            click_vote(local, voter, ids.VOTE_ADD, fix_id)
    local.sim.slash_command(CHLOE, CHANNEL_ID, "ranking")  # refused while voting is open
    local.standin.wait_for(
        lambda: any("hidden" in e["text"] for e in local.standin.ephemerals(user=CHLOE))
    )
    advance(local, board_ts, "Closed", ids.PHASE_CLOSE)
    local.standin.wait_for(lambda: local.standin.files(CHANNEL_ID))
    routing = {"user", "user_id", "channel", "channel_id", "view_id", "hash", "trigger_id", "ts"}
    calls = local.standin.calls[first_call:]
    assert any(c.method == "views.update" for c in calls)
    for call in calls:
        content = {k: v for k, v in call.params.items() if k not in routing}
        sent = json.dumps(content, ensure_ascii=False)
        for voter in voters:
            assert voter not in sent, f"{call.method} names voter {voter}: {sent[:300]}"


# a click is saved before it is answered (the vote click journal) ------------------------------


def test_a_click_not_applied_at_once_is_saved_said_so_and_counted_by_the_sweep(local, monkeypatch):
    workshop_id, board_ts = start(local)
    fix_id = propose(local, workshop_id, CHLOE, "Guest checkout")
    advance(local, board_ts, "Voting")
    open_ballot(local, DEV, board_ts)

    def database_gone(*args, **kwargs):
        raise OperationalError("UPDATE vote_click", {}, Exception("connection lost"))

    monkeypatch.setattr(voting_listeners, "apply_clicks", database_gone)
    view = click_vote(local, DEV, ids.VOTE_ADD, fix_id)
    assert "Your vote is saved and will be counted in a moment" in view_text(view)
    assert my_votes(local, workshop_id, DEV) == {}
    monkeypatch.undo()
    assert sweep(local.db, grace_s=0) == 1
    assert my_votes(local, workshop_id, DEV) == {fix_id: 1}


def test_closing_the_vote_counts_every_click_answered_while_it_was_open(local):
    workshop_id, board_ts = start(local)
    fix_id = propose(local, workshop_id, CHLOE, "Guest checkout")
    advance(local, board_ts, "Voting")
    # A click journaled and answered by a replica that died before applying it.
    with local.db.session() as session:
        click = Click(local.team_id, workshop_id, DEV, fix_id, 0, 1)
        record_click(session, click, click_key("trigger", "1.2", DEV))
    local.sim.click(ANA, ids.PHASE_CLOSE, channel=CHANNEL_ID, ts=board_ts)
    local.wait_until_idle()
    with local.db.session() as session:
        assert get_workshop(session, local.team_id, workshop_id).phase == Phase.closed
    assert my_votes(local, workshop_id, DEV) == {fix_id: 1}


def test_a_click_no_button_could_send_is_answered_saved_nowhere_and_explained(local):
    workshop_id, board_ts = start(local)
    fix_id = propose(local, workshop_id, CHLOE, "Guest checkout")
    advance(local, board_ts, "Voting")
    view = open_ballot(local, DEV, board_ts)
    # Numbers past any id are refused before a listener runs (bot/slack/middleware.py).
    for forged in (f"{2**40}|0|1", f"{fix_id}|{10**30}|{10**30 + 1}"):
        answer = local.sim.click(
            DEV, ids.VOTE_ADD, view_id=view["id"], block_id=f"vote-{fix_id}", forge_value=forged
        )
        assert answer.status == 400, forged
    answer = local.sim.click(
        DEV,
        ids.VOTE_ADD,
        view_id=view["id"],
        block_id=f"vote-{fix_id}",
        forge_value=f"{fix_id}|0|2",
    )
    assert answer.status == 200
    redrawn = local.standin.wait_for(
        lambda: (v := local.standin.top_view(DEV)) and v["hash"] != view["hash"] and v
    )
    assert "That button is out of date" in view_text(redrawn)
    assert my_votes(local, workshop_id, DEV) == {}
    with local.db.session() as session:
        assert session.exec(select(VoteClick)).all() == []
