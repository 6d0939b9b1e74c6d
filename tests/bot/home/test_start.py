"""A newcomer's Home: how a workshop works in three steps, and a button that starts one (pick a
channel, then the setup form)."""

from __future__ import annotations

from bot.slack import ids
from demo.local import CHANNEL_ID, PEOPLE
from flows.workshops import channel_workshops

DEV, EMI = PEOPLE[3].user_id, PEOPLE[4].user_id


def test_a_newcomer_reads_three_steps_and_starts_a_workshop_from_home(local):
    local.sim.app_home_opened(DEV)
    home = local.standin.wait_for(lambda: local.standin.home(DEV))
    text = str(home["blocks"])
    assert "*1. Start one*" in text and "*2. Everyone takes part*" in text
    assert "*3. Vote on the fixes*" in text
    local.sim.click(DEV, ids.HOME_START_WORKSHOP, home=True)
    picker = local.standin.wait_for(lambda: local.standin.top_view(DEV))
    assert picker["callback_id"] == ids.START_CHANNEL_MODAL
    answer = local.sim.submit_view(DEV, {ids.START_CHANNEL: CHANNEL_ID})
    assert not answer.problems
    setup = local.standin.top_view(DEV)
    assert setup["callback_id"] == ids.SETUP_MODAL and setup["id"] == picker["id"]
    local.sim.submit_view(DEV, {ids.SETUP_TITLE: "From Home"})
    local.submit_stages(DEV)  # step 2: the stages as the chosen journey has them
    local.wait_until_idle()
    with local.db.session() as session:
        (workshop,) = channel_workshops(session, local.team_id, CHANNEL_ID)
    assert (workshop.title, workshop.facilitator_id, workshop.board_ts is not None) == (
        "From Home",
        DEV,
        True,
    )


def test_a_channel_the_bot_is_not_in_is_an_inline_error(local):
    local.standin.add_channel("C0ELSEWHERE", "elsewhere", [DEV, EMI], bot_is_member=False)
    local.sim.app_home_opened(DEV)
    local.standin.wait_for(lambda: local.standin.home(DEV))
    local.sim.click(DEV, ids.HOME_START_WORKSHOP, home=True)
    local.standin.wait_for(lambda: local.standin.top_view(DEV))
    answer = local.sim.submit_view(DEV, {ids.START_CHANNEL: "C0ELSEWHERE"})
    assert answer.json["response_action"] == "errors"
    assert "/invite @Journey Workshop" in answer.json["errors"][ids.START_CHANNEL]
    assert local.standin.top_view(DEV)["callback_id"] == ids.START_CHANNEL_MODAL
