"""Board buttons end to end: facilitator controls, refusals, double clicks, Join."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import text
from sqlmodel import select

from bot.slack import ids
from bot.slack.acks import NOT_SAVED
from bot.workshop.blocks.board import PHASE_NAMES
from demo.local import CHANNEL_ID, PEOPLE
from flows.workshops import get_workshop
from storage.models import Phase, PhaseChange, Workshop

ANA, BEN, CHLOE = PEOPLE[0].user_id, PEOPLE[1].user_id, PEOPLE[2].user_id


def phase_of(local, workshop_id):
    with local.db.session() as session:
        return Phase(get_workshop(session, local.team_id, workshop_id).phase)


def participants_on_board(local, board_ts):
    for block in local.standin.message(CHANNEL_ID, board_ts)["blocks"]:
        for field in block.get("fields", []):
            label, _, value = field["text"].partition("\n")
            if label == "*Participants*":
                return value
    return None


def test_facilitator_advances_and_the_board_is_edited_in_place(local):
    workshop_id, board_ts = local.start_workshop(ANA)

    def boards():  # the channel's "your turn" calls aside (tests/bot/workshop/test_calls.py)
        messages = local.standin.messages(CHANNEL_ID)
        return [m for m in messages if not m["text"].startswith(":point_right:")]

    posts_before = len(boards())
    local.sim.click(ANA, ids.PHASE_ADVANCE, channel=CHANNEL_ID, ts=board_ts)
    local.wait_until_idle()
    assert phase_of(local, workshop_id) is Phase.stakeholders
    board = local.standin.message(CHANNEL_ID, board_ts)
    assert "*▶ Stakeholders*" in str(board["blocks"])
    assert len(boards()) == posts_before  # edited, never re-posted
    (announcement,) = local.standin.thread(CHANNEL_ID, board_ts)
    assert f"<@{ANA}> moved the workshop on to *Stakeholders*" in announcement["text"]


def test_back_skip_close_and_reopen(local):
    _, board_ts = local.start_workshop(ANA, phase=Phase.rating)

    def press(action_id, expected):
        local.sim.click(ANA, action_id, channel=CHANNEL_ID, ts=board_ts)
        local.wait_until_idle()  # the board and the thread are up to date
        assert f"*▶ {PHASE_NAMES[expected]}*" in str(
            local.standin.message(CHANNEL_ID, board_ts)["blocks"]
        )

    press(ids.PHASE_BACK, Phase.stakeholders)
    press(ids.PHASE_SKIP, Phase.fixes)
    press(ids.PHASE_CLOSE, Phase.closed)
    press(ids.PHASE_REOPEN, Phase.fixes)

    def announcements():
        # Phase-end hooks post their results in the thread too; only Ana's moves count here.
        thread = local.standin.thread(CHANNEL_ID, board_ts)
        return [m["text"] for m in thread if f"<@{ANA}>" in m["text"]]

    texts = announcements()
    assert len(texts) == 6
    assert "took the workshop back to *Stakeholders*" in texts[2]
    assert "skipped ahead to *Fixes*" in texts[3]
    assert "closed the workshop" in texts[4]
    assert "reopened the workshop in *Fixes*" in texts[5]


def test_anyone_else_is_refused_privately_and_nothing_changes(local):
    workshop_id, board_ts = local.start_workshop(ANA)
    local.sim.click(CHLOE, ids.PHASE_ADVANCE, channel=CHANNEL_ID, ts=board_ts)
    reply = local.standin.wait_for(lambda: local.standin.ephemerals(user=CHLOE))[-1]
    assert "Only the facilitator can change the workshop's phase." in str(reply)
    assert phase_of(local, workshop_id) is Phase.setup
    assert local.standin.thread(CHANNEL_ID, board_ts) == []


def test_co_facilitators_can_move_the_workshop(local):
    workshop_id, board_ts = local.start_workshop(ANA, values={ids.SETUP_CO_FACILITATORS: [BEN]})
    local.sim.click(BEN, ids.PHASE_ADVANCE, channel=CHANNEL_ID, ts=board_ts)
    local.standin.wait_for(lambda: phase_of(local, workshop_id) is Phase.stakeholders)


def test_a_burst_of_double_clicks_moves_the_workshop_once(local):
    workshop_id, board_ts = local.start_workshop(ANA)
    with ThreadPoolExecutor(8) as pool:
        list(
            pool.map(
                lambda _: local.sim.click(ANA, ids.PHASE_ADVANCE, channel=CHANNEL_ID, ts=board_ts),
                range(8),
            )
        )
    local.standin.wait_for(lambda: len(local.standin.ephemerals(user=ANA)) == 7)
    local.standin.wait_for(lambda: local.standin.thread(CHANNEL_ID, board_ts))
    assert phase_of(local, workshop_id) is Phase.stakeholders
    with local.db.session() as session:
        assert len(session.exec(select(PhaseChange)).all()) == 1
    assert len(local.standin.thread(CHANNEL_ID, board_ts)) == 1


def test_a_forged_button_for_another_workspaces_workshop_changes_nothing(local):
    _, board_ts = local.start_workshop(ANA)
    with local.db.session() as session:
        foreign = Workshop(team_id="T0OTHER", channel_id="C0X", title="Theirs", facilitator_id=ANA)
        session.add(foreign)
    forged = f"{foreign.id}|setup"
    local.sim.click(ANA, ids.PHASE_ADVANCE, channel=CHANNEL_ID, ts=board_ts, forge_value=forged)
    reply = local.standin.wait_for(lambda: local.standin.ephemerals(user=ANA))[-1]
    assert f"There is no workshop #{foreign.id} in this workspace." in str(reply)
    with local.db.session() as session:
        assert session.get(Workshop, foreign.id).phase == Phase.setup


def test_join_adds_a_participant_once_and_updates_the_board(local):
    _, board_ts = local.start_workshop(ANA)
    local.sim.click(CHLOE, ids.JOIN_WORKSHOP, channel=CHANNEL_ID, ts=board_ts)
    local.wait_until_idle()
    assert participants_on_board(local, board_ts) == "2"
    local.sim.click(CHLOE, ids.JOIN_WORKSHOP, channel=CHANNEL_ID, ts=board_ts)
    local.wait_until_idle()
    replies = local.standin.ephemerals(user=CHLOE)
    assert len(replies) == 2
    assert "You've joined" in str(replies[0]) and "already in this workshop" in str(replies[1])


def test_a_phase_change_kept_waiting_by_a_lock_is_not_saved_and_the_facilitator_is_told(local):
    """PostgreSQL: another transaction holds the workshop's row past Slack's deadline. The
    click is answered in time, nothing is saved, and the facilitator is told to try again."""
    if local.db.engine.dialect.name != "postgresql":
        pytest.skip("row locks and lock_timeout are PostgreSQL's")
    workshop_id, board_ts = local.start_workshop(ANA)
    holder = local.db.engine.connect()
    holder.execute(text("BEGIN"))
    holder.execute(text("SELECT 1 FROM workshop WHERE id = :id FOR UPDATE"), {"id": workshop_id})
    letting_go = threading.Timer(6, holder.rollback)  # a failing test ends rather than hangs
    letting_go.start()
    try:
        started = time.monotonic()
        answer = local.sim.click(ANA, ids.PHASE_ADVANCE, channel=CHANNEL_ID, ts=board_ts)
        answered_in = time.monotonic() - started
        told = local.standin.wait_for(
            lambda: [e for e in local.standin.ephemerals(user=ANA) if "Not saved" in e["text"]]
        )
    finally:
        letting_go.cancel()
        holder.rollback()
        holder.close()
    assert answer.status == 200 and answered_in < 3
    assert told[-1]["text"] == NOT_SAVED
    assert phase_of(local, workshop_id) is Phase.setup
    local.sim.click(ANA, ids.PHASE_ADVANCE, channel=CHANNEL_ID, ts=board_ts)  # trying again
    local.wait_until_idle()
    assert phase_of(local, workshop_id) is Phase.stakeholders
