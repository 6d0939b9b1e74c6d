"""Repeated deliveries never change anything twice.

For every interaction that changes what the bot stores, one exact signed request is built and
delivered: once, then twice more in a row and four more copies at the same moment, each with
Slack's retry headers (a double click, a network retry, a redelivery). The first delivery makes
its change; no copy changes a single row afterwards, and what the bot posts about it is posted
once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from sqlmodel import func, select

from bot.fixes.posts import send_owner_dms
from bot.slack import ids
from demo.local import CHANNEL_ID, OUTSIDER, PEOPLE, LocalSlack
from flows.actions import ActionItemDraft, default_due_date, save_action_items, today_utc
from flows.fixes import FixDraft, propose_fix
from flows.workshops import get_workshop, join_workshop
from standin import SimulatedSlack
from storage.models import (
    ActionItem,
    CustomKpi,
    DigestSchedule,
    Fix,
    GapRating,
    KpiValue,
    Participant,
    Phase,
    PhaseChange,
    Stakeholder,
    StakeholderRating,
    Touchpoint,
    Vote,
    Workshop,
)
from tests.factories import add_cfo
from tests.recording import RecordingSlack, fire_at_once
from tests.snapshots import changed_tables, database_rows

ANA, BEN, CHLOE, DEV = (p.user_id for p in PEOPLE[:4])
OMAR = OUTSIDER.user_id
Act = Callable[[SimulatedSlack], object]


@dataclass(frozen=True)
class Interaction:
    """`prepare` sets the scene and returns the act (done through any simulator); `done`
    asserts what one delivery did, and still holds after all the copies."""

    prepare: Callable[[LocalSlack], Act]
    done: Callable[[LocalSlack], None]


def count(local: LocalSlack, model, *where) -> int:
    with local.db.session() as session:
        return session.exec(select(func.count()).select_from(model).where(*where)).one()


def first_touchpoint(local: LocalSlack, workshop_id: int) -> int:
    with local.db.session() as session:
        return session.exec(
            select(Touchpoint.id).where(Touchpoint.workshop_id == workshop_id)
        ).first()


def top_view(local: LocalSlack, user: str, callback_id: str) -> dict:
    return local.standin.wait_for(
        lambda: (
            (view := local.standin.top_view(user)) and view["callback_id"] == callback_id and view
        )
    )


def submission(local: LocalSlack, user: str, callback_id: str, answers: dict) -> Act:
    """The act of submitting `answers` on the view `callback_id` that `user` has open."""
    view = top_view(local, user, callback_id)
    return lambda sim: sim.submit_view(user, answers, view_id=view["id"])


def thread_posts(local: LocalSlack, fragment: str) -> int:
    return sum(
        fragment in message["text"]
        for message in local.standin.messages(CHANNEL_ID, include_replies=True)
    )


def told(local: LocalSlack, user: str, fragment: str) -> int:
    return sum(fragment in e["text"] for e in local.standin.ephemerals(user=user))


# the interactions ----------------------------------------------------------------------------


def vote(local):
    workshop_id, board_ts = local.start_workshop(ANA, phase=Phase.fixes)
    with local.db.session() as session:
        touchpoint = first_touchpoint(local, workshop_id)
        fix = propose_fix(session, local.team_id, workshop_id, ANA, FixDraft("Chat", touchpoint))
        join_workshop(session, get_workshop(session, local.team_id, workshop_id), DEV)
    local.sim.click(ANA, ids.PHASE_ADVANCE, channel=CHANNEL_ID, ts=board_ts)
    local.wait_until_idle()
    local.sim.click(DEV, ids.VOTE_OPEN, channel=CHANNEL_ID, ts=board_ts)
    view = top_view(local, DEV, ids.VOTE_MODAL)
    return lambda sim: sim.click(DEV, ids.VOTE_ADD, view_id=view["id"], value=f"{fix.id}|0|1")


def gap_rating(local):
    _, board_ts = local.start_workshop(ANA, phase=Phase.rating)
    local.sim.click(CHLOE, ids.RATE_OPEN, channel=CHANNEL_ID, ts=board_ts)
    view = top_view(local, CHLOE, ids.RATE_MODAL)
    # The page's first touchpoint rated, the others skipped (every choice is required)
    answers = {b["block_id"]: "skip" for b in view["blocks"] if b["type"] == "input"}
    block = next(b["block_id"] for b in view["blocks"] if b["block_id"].startswith("expectation:"))
    touchpoint = block.partition(":")[2]
    answers |= {f"expectation:{touchpoint}": "6", f"experience:{touchpoint}": "3"}
    return lambda sim: sim.submit_view(CHLOE, answers, view_id=view["id"])


def stakeholder_rating(local):
    workshop_id, board_ts = local.start_workshop(ANA, phase=Phase.stakeholders)
    with local.db.session() as session:
        stakeholder_id = add_cfo(session, local.team_id, workshop_id, ANA).id
    local.sim.click(CHLOE, ids.RATE_STAKEHOLDERS, channel=CHANNEL_ID, ts=board_ts)
    answers = {f"influence:{stakeholder_id}": "4", f"interest:{stakeholder_id}": "2"}
    return submission(local, CHLOE, ids.RATING_MODAL, answers)


def join(local):
    _, board_ts = local.start_workshop(ANA)
    return lambda sim: sim.click(CHLOE, ids.JOIN_WORKSHOP, channel=CHANNEL_ID, ts=board_ts)


def kpi_value(local):
    local.start_workshop(ANA, phase=Phase.rating)
    local.sim.slash_command(BEN, CHANNEL_ID, "kpi")
    answers = {
        ids.KPI_FIELD_KPI: "nps",
        ids.KPI_FIELD_VALUE: "32",
        ids.KPI_FIELD_PERIOD_END: "2025-06-30",
    }
    return submission(local, BEN, ids.KPI_RECORD_MODAL, answers)


def action_item_status(local):
    workshop_id, board_ts = local.start_workshop(ANA, phase=Phase.fixes)
    with local.db.session() as session:
        touchpoint = first_touchpoint(local, workshop_id)
        fix = propose_fix(session, local.team_id, workshop_id, ANA, FixDraft("Chat", touchpoint))
    for action_id in (ids.PHASE_ADVANCE, ids.PHASE_CLOSE):
        local.sim.click(ANA, action_id, channel=CHANNEL_ID, ts=board_ts)
        local.wait_until_idle()
    with local.db.session() as session:
        draft = ActionItemDraft(fix.id, DEV, default_due_date(today_utc()))
        saved = save_action_items(session, local.team_id, workshop_id, ANA, [draft])
        workshop = get_workshop(session, local.team_id, workshop_id)
    send_owner_dms(local.app.client, local.db, workshop, saved)
    (dm,) = local.standin.dms(DEV)
    return lambda sim: sim.click(DEV, ids.ACTION_ITEM_STATUS_DONE, channel=DEV, ts=dm["ts"])


def fix_proposal(local):
    workshop_id, _ = local.start_workshop(ANA, phase=Phase.fixes)
    touchpoint = first_touchpoint(local, workshop_id)
    local.sim.slash_command(CHLOE, CHANNEL_ID, "fix")
    answers = {ids.FIX_TITLE: "Guest checkout", ids.FIX_TOUCHPOINT: str(touchpoint)}
    return submission(local, CHLOE, ids.FIX_MODAL, answers)


def stakeholder(local):
    _, board_ts = local.start_workshop(ANA, phase=Phase.stakeholders)
    local.sim.click(CHLOE, ids.ADD_STAKEHOLDER, channel=CHANNEL_ID, ts=board_ts)
    answers = {
        ids.STAKEHOLDER_NAME: "CFO",
        ids.STAKEHOLDER_CATEGORY: "executive",
        ids.STAKEHOLDER_ATTITUDE: "blocker",
    }
    return submission(local, CHLOE, ids.STAKEHOLDER_MODAL, answers)


def custom_kpi(local):
    local.start_workshop(ANA, phase=Phase.rating)
    local.sim.slash_command(BEN, CHANNEL_ID, "kpi define")
    answers = {
        ids.KPI_DEFINE_NAME: "Repeat purchases",
        ids.KPI_DEFINE_UNIT: "%",
        ids.KPI_DEFINE_DIRECTION: ids.KPI_HIGHER_IS_BETTER,
    }
    return submission(local, BEN, ids.KPI_DEFINE_MODAL, answers)


def phase_change(local):
    _, board_ts = local.start_workshop(ANA)
    return lambda sim: sim.click(ANA, ids.PHASE_ADVANCE, channel=CHANNEL_ID, ts=board_ts)


def new_workshop(local):
    local.sim.slash_command(ANA, CHANNEL_ID, "new Returns journey")
    top_view(local, ANA, ids.SETUP_MODAL)
    local.sim.submit_view(ANA, {})  # step 1 creates nothing; step 2 (the stages) creates it
    return submission(local, ANA, ids.SETUP_STAGES_MODAL, {})


def digest_schedule(local):
    local.start_workshop(ANA)
    local.sim.slash_command(ANA, CHANNEL_ID, "digest")
    return submission(local, ANA, ids.DIGEST_MODAL, {ids.DIGEST_RECIPIENTS: [OMAR]})


def home_opened(local):
    local.start_workshop(ANA)
    event = {"type": "app_home_opened", "user": ANA, "channel": "D0ANA", "tab": "home"}
    return lambda sim: sim.event(event, event_id="Ev0HOMEOPENED")


def published_homes(local):
    return [c for c in local.standin.calls_to("views.publish") if c.params["user_id"] == ANA]


INTERACTIONS = {
    "vote": Interaction(vote, lambda local: assert_count(local, Vote, 1)),
    "gap rating": Interaction(gap_rating, lambda local: assert_count(local, GapRating, 1)),
    "stakeholder rating": Interaction(
        stakeholder_rating, lambda local: assert_count(local, StakeholderRating, 1)
    ),
    "join": Interaction(join, lambda local: assert_joined(local)),
    "KPI value": Interaction(kpi_value, lambda local: assert_count(local, KpiValue, 1)),
    "action item status": Interaction(action_item_status, lambda local: assert_done(local)),
    "fix": Interaction(fix_proposal, lambda local: assert_count(local, Fix, 1)),
    "stakeholder": Interaction(stakeholder, lambda local: assert_count(local, Stakeholder, 1)),
    "custom KPI": Interaction(custom_kpi, lambda local: assert_count(local, CustomKpi, 1)),
    "phase change": Interaction(phase_change, lambda local: assert_moved_once(local)),
    "new workshop": Interaction(new_workshop, lambda local: assert_count(local, Workshop, 1)),
    "digest schedule": Interaction(
        digest_schedule, lambda local: assert_count(local, DigestSchedule, 1)
    ),
    "Events API redelivery": Interaction(home_opened, lambda local: assert_published_once(local)),
}


def assert_count(local, model, expected):
    assert count(local, model) == expected


def assert_joined(local):
    assert count(local, Participant) == 2  # Ana and Chloé
    assert told(local, CHLOE, "You've joined") == 1


def assert_done(local):
    with local.db.session() as session:
        assert session.exec(select(ActionItem.status)).one() == "done"
    assert thread_posts(local, "set the action item") == 1


def assert_published_once(local):
    assert len(published_homes(local)) == 1


def assert_moved_once(local):
    assert count(local, PhaseChange) == 1
    assert thread_posts(local, "moved the workshop on to") == 1


@pytest.mark.parametrize("interaction", INTERACTIONS.values(), ids=INTERACTIONS.keys())
def test_a_repeated_request_changes_things_once(local, interaction):
    act = interaction.prepare(local)
    local.wait_until_idle()
    recorder = RecordingSlack(local.standin, local.sim.bot_url, local.signing_secret)
    act(recorder)
    ((body, content_type, _),) = recorder.requests
    before = database_rows(local.db, timestamps=False)

    assert local.sim.post(body, content_type).status == 200
    local.wait_until_idle()
    once = database_rows(local.db, timestamps=False)
    assert changed_tables(before, once), "the first delivery changed nothing"
    interaction.done(local)

    copies = [
        (body, content_type, {"X-Slack-Retry-Num": str(n), "X-Slack-Retry-Reason": "http_timeout"})
        for n in (1, 2, 3, 3, 3, 3)
    ]
    for copy in copies[:2]:
        assert local.sim.post(*copy).status == 200
    assert {answer.status for answer in fire_at_once([local.sim], copies[2:])} == {200}
    local.wait_until_idle()
    # (An answer saved again may move its updated_at; no value, and no count, changes.)
    assert changed_tables(once, database_rows(local.db, timestamps=False)) == []
    interaction.done(local)
