"""Nudging non-raters end to end: DMs to the right people, once, and only by facilitators."""

import time

from sqlmodel import select

from bot.slack import ids
from demo.local import CHANNEL_ID, PEOPLE
from flows.gaps.ratings import RawAnswer, save_ratings
from storage.models import Phase, Touchpoint

ANA, BEN, CHLOE, DEV, EMI = (person.user_id for person in PEOPLE[:5])
JOURNEY = "Find: Search, Ads\nBuy: Checkout"


def start(local, joiners=()):
    """A workshop in the rating phase that `joiners` joined while it was being set up."""
    return local.start_workshop(
        ANA, phase=Phase.rating, values={ids.SETUP_JOURNEY: JOURNEY}, joiners=joiners
    )


def rate_one(local, workshop_id, user):
    with local.db.session() as session:
        search = session.exec(
            select(Touchpoint.id).where(
                Touchpoint.workshop_id == workshop_id, Touchpoint.name == "Search"
            )
        ).one()
        save_ratings(session, local.team_id, workshop_id, user, {search: RawAnswer("5", "3")})


def last_reply(local, user, count_before):
    replies = local.standin.wait_for(
        lambda: len(r := local.standin.ephemerals(user=user)) > count_before and r
    )
    return replies[-1]["text"]


def test_the_facilitator_nudges_those_who_have_not_rated_once(local):
    workshop_id, board_ts = start(local, joiners=(BEN, CHLOE, DEV))
    rate_one(local, workshop_id, CHLOE)

    before = len(local.standin.ephemerals(user=ANA))
    local.sim.click(ANA, ids.RATE_NUDGE, channel=CHANNEL_ID, ts=board_ts)
    assert last_reply(local, ANA, before) == ("Nudged 2 participants who haven't rated round 1.")
    assert len(local.standin.dms(BEN)) == len(local.standin.dms(DEV)) == 1  # Ana and Chloé: none
    assert local.standin.dms(CHLOE) == [] and local.standin.dms(ANA) == []
    dm = local.standin.dms(BEN)[0]
    assert f"<@{ANA}> asks you to rate the touchpoints of *Onboarding journey*" in str(dm["blocks"])

    # The DM's button opens the rating form
    local.sim.click(BEN, ids.RATE_OPEN, channel=BEN, ts=dm["ts"])  # in his DM with the bot
    view = local.standin.wait_for(lambda: local.standin.top_view(BEN))
    assert view["callback_id"] == ids.RATE_MODAL

    # A second click (or the command) within the cool-down DMs nobody again
    before = len(local.standin.ephemerals(user=ANA))
    local.sim.slash_command(ANA, CHANNEL_ID, "nudge")
    assert "were nudged less than 30 minutes ago and were left alone" in last_reply(
        local, ANA, before
    )
    assert len(local.standin.dms(BEN)) == 1


def test_a_double_click_sends_one_dm_each(local):
    _, board_ts = start(local, joiners=(EMI,))
    before = len(local.standin.ephemerals(user=ANA))
    local.sim.click(ANA, ids.RATE_NUDGE, channel=CHANNEL_ID, ts=board_ts)
    local.sim.click(ANA, ids.RATE_NUDGE, channel=CHANNEL_ID, ts=board_ts)
    local.standin.wait_for(lambda: len(local.standin.ephemerals(user=ANA)) >= before + 2)
    assert len(local.standin.dms(EMI)) == 1


def test_only_facilitators_may_nudge(local):
    _, board_ts = start(local, joiners=(DEV,))
    before = len(local.standin.ephemerals(user=CHLOE))
    local.sim.click(CHLOE, ids.RATE_NUDGE, channel=CHANNEL_ID, ts=board_ts)
    assert last_reply(local, CHLOE, before) == "Only the facilitator can nudge participants."
    time.sleep(0.2)
    assert local.standin.dms(DEV) == []


def test_nobody_to_nudge(local):
    _, board_ts = start(local)
    before = len(local.standin.ephemerals(user=ANA))
    local.sim.click(ANA, ids.RATE_NUDGE, channel=CHANNEL_ID, ts=board_ts)
    assert last_reply(local, ANA, before) == (
        "Everyone who joined has rated in round 1. Nobody to nudge."
    )


def test_a_title_with_mrkdwn_control_characters_reaches_the_dm_escaped(local):
    _, board_ts = local.start_workshop(
        ANA,
        title="Q&A <!channel>",
        phase=Phase.rating,
        values={ids.SETUP_JOURNEY: JOURNEY},
        joiners=(BEN,),
    )
    local.sim.click(ANA, ids.RATE_NUDGE, channel=CHANNEL_ID, ts=board_ts)
    (dm,) = local.standin.wait_for(lambda: local.standin.dms(BEN))
    assert "“Q&amp;A &lt;!channel&gt;”" in dm["text"]
    assert "<!channel>" not in dm["text"] + str(dm["blocks"])
