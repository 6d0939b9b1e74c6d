"""`/workshop gaps | round | help` for gap rating, end to end."""

from bot import ids
from bot.local import CHANNEL_ID, PEOPLE
from storage.models import Phase

ANA, CHLOE = PEOPLE[0].user_id, PEOPLE[2].user_id
JOURNEY = "Find: Search, Ads\nBuy: Checkout"


def reply_to(local, user, text):
    before = len(local.standin.ephemerals(user=user))
    local.sim.slash_command(user, CHANNEL_ID, text)
    return local.standin.wait_for(
        lambda: len(r := local.standin.ephemerals(user=user)) > before and r
    )[-1]["text"]


def test_gaps_before_anyone_rated_says_so_in_the_thread_and_privately(local):
    _, board_ts = local.start_workshop(ANA, phase=Phase.rating, values={ids.SETUP_JOURNEY: JOURNEY})
    assert reply_to(local, CHLOE, "gaps") == (
        "Nobody has rated round 1 yet, so there are no gaps to show."
    )
    thread = local.standin.thread(CHANNEL_ID, board_ts)
    assert "No ratings in round 1 of *Onboarding journey* yet" in thread[-1]["text"]
    assert local.standin.files(CHANNEL_ID) == []


def test_round_explains_itself_and_refuses_non_facilitators(local):
    workshop_id, _ = local.start_workshop(
        ANA, phase=Phase.rating, values={ids.SETUP_JOURNEY: JOURNEY}
    )
    assert reply_to(local, CHLOE, "round") == (
        f"Workshop #{workshop_id} is rating in round 1. Facilitators open the next round on the "
        "same touchpoints with `/workshop round new`."
    )
    assert (
        reply_to(local, CHLOE, "round new") == "Only the facilitator can open a new rating round."
    )
    assert reply_to(local, ANA, "round new") == (
        "Nobody has rated round 1 yet; rate it before opening another."
    )


def test_help_lists_the_gap_commands(local):
    text = str(
        local.standin.wait_for(
            lambda: (
                local.sim.slash_command(ANA, CHANNEL_ID, "help")
                and local.standin.ephemerals(user=ANA)
            )
        )[-1]
    )
    for usage in ("rate [#N]", "gaps [#N]", "nudge [#N]", "round new [#N]"):
        assert f"/workshop {usage}" in text
