"""Following a workshop end to end, through the real Bolt app: a manager outside the channel
follows from a DM with the bot, a member from their Home card (a double click stores one row);
"Workshops you follow" shows the trend, and followers' Home tabs are refreshed when a round's
results post."""

import threading

from sqlmodel import func, select

from bot.slack import ids
from demo.local import CHANNEL_ID, OUTSIDER, PEOPLE
from flows.workshops import get_workshop
from storage.models import Phase, WorkshopFollow
from tests.report_fixtures import rate_round

ANA, BEN, CHLOE = PEOPLE[0].user_id, PEOPLE[1].user_id, PEOPLE[2].user_id
OMAR = OUTSIDER.user_id
JOURNEY = "Find: A, B"


def home_text(local, user) -> str:
    return str((local.standin.home(user) or {}).get("blocks", []))


def follows(local) -> int:
    with local.db.session() as session:
        return session.exec(select(func.count()).select_from(WorkshopFollow)).one()


def told(local, user, fragment):
    return local.standin.wait_for(
        lambda: [e for e in local.standin.ephemerals(user=user) if fragment in e["text"]]
    )[-1]["text"]


def rate(local, workshop_id, answers):
    with local.db.session() as session:
        rate_round(session, get_workshop(session, local.team_id, workshop_id), answers)


def test_a_manager_follows_from_a_dm_and_sees_each_rounds_results(local):
    workshop_id, board_ts = local.start_workshop(
        ANA, phase=Phase.rating, values={ids.SETUP_JOURNEY: JOURNEY}, joiners=[BEN]
    )
    local.sim.slash_command(OMAR, OMAR, "follow")  # in a DM the number is needed
    assert "Which workshop? Add its number" in told(local, OMAR, "Which workshop")
    local.sim.slash_command(OMAR, OMAR, f"follow #{workshop_id}")
    assert "on my Home tab, refreshed when its results post" in told(
        local, OMAR, "You follow workshop"
    )
    local.sim.slash_command(OMAR, OMAR, f"follow #{workshop_id}")
    told(local, OMAR, "You already follow workshop")
    assert follows(local) == 1

    local.sim.app_home_opened(OMAR)
    local.standin.wait_for(lambda: "Workshops you follow" in home_text(local, OMAR))
    assert "No gap results yet: round 1 rating is under way." in home_text(local, OMAR)

    # Round 1: A −3 (Ana), −2 (Ben); B −1, 0 → Σ −6 over 4 ratings = −1.5.
    rate(local, workshop_id, {ANA: {"A": (6, 3, 4), "B": (5, 4, 3)}})
    rate(local, workshop_id, {BEN: {"A": (7, 5, 5), "B": (6, 6, 3)}})
    local.sim.click(ANA, ids.PHASE_ADVANCE, channel=CHANNEL_ID, ts=board_ts)  # results post
    local.standin.wait_for(lambda: "Journey gap *−1.5* in round 1" in home_text(local, OMAR))

    # Round 2: A −1, −1; B 0, 0 → Σ −2 over 4 = −0.5. Change +1.0: narrowing.
    local.sim.slash_command(ANA, CHANNEL_ID, f"round new #{workshop_id}")
    local.wait_until_idle()
    rate(local, workshop_id, {ANA: {"A": (6, 5, 4), "B": (5, 5, 3)}})
    rate(local, workshop_id, {BEN: {"A": (7, 6, 5), "B": (6, 6, 3)}})
    local.sim.click(ANA, ids.PHASE_ADVANCE, channel=CHANNEL_ID, ts=board_ts)
    local.standin.wait_for(
        lambda: "Journey gap *−1.5 → −0.5* over 2 rounds: *narrowing*." in home_text(local, OMAR)
    )
    text = home_text(local, OMAR)
    # Round 1's shortfalls A (−2.5) and B (−0.5) are the top gaps; no action item is done.
    assert "Loop closure 0 % (0 of 2 top gaps) · no open action items" in text
    assert "<@" not in text
    assert "Open board" in text  # the followed workshop's board, by its link

    local.sim.slash_command(OMAR, OMAR, f"unfollow #{workshop_id}")
    told(local, OMAR, "You no longer follow workshop")
    local.standin.wait_for(lambda: "Workshops you follow" not in home_text(local, OMAR))
    assert follows(local) == 0


def test_a_member_follows_from_the_home_card_once_however_often_clicked(local):
    workshop_id, _ = local.start_workshop(ANA, values={ids.SETUP_JOURNEY: JOURNEY}, joiners=[BEN])
    local.sim.app_home_opened(BEN)
    local.standin.wait_for(lambda: f"'{ids.FOLLOW_WORKSHOP}'" in home_text(local, BEN))
    start = threading.Barrier(2)

    def click():
        start.wait()
        local.sim.click(BEN, ids.FOLLOW_WORKSHOP, home=True, value=str(workshop_id))

    clicks = [threading.Thread(target=click) for _ in range(2)]
    for thread in clicks:
        thread.start()
    for thread in clicks:
        thread.join()
    local.standin.wait_for(lambda: "Workshops you follow" in home_text(local, BEN))
    local.wait_until_idle()
    assert follows(local) == 1
    # Now the card offers Unfollow, and so does the section; the section's one unfollows.
    assert f"'{ids.FOLLOW_WORKSHOP}'" not in home_text(local, BEN)
    local.sim.click(BEN, ids.UNFOLLOW_WORKSHOP, home=True, value=str(workshop_id))
    local.standin.wait_for(lambda: "Workshops you follow" not in home_text(local, BEN))
    assert follows(local) == 0


def test_a_digest_reader_follows_from_the_digest_and_is_told_privately(local):
    """Chloé reads the channel's digest, takes part in no workshop, and follows it from there."""
    workshop_id, _ = local.start_workshop(ANA, values={ids.SETUP_JOURNEY: JOURNEY}, joiners=[BEN])
    local.sim.slash_command(BEN, CHANNEL_ID, f"digest now #{workshop_id}")
    local.standin.wait_for(
        lambda: [
            m
            for m in local.standin.messages(CHANNEL_ID)
            if f"'{ids.FOLLOW_WORKSHOP}'" in str(m.get("blocks"))
        ],
        timeout=30,
    )
    local.sim.click(CHLOE, ids.FOLLOW_WORKSHOP, channel=CHANNEL_ID)
    assert "on my Home tab" in told(local, CHLOE, "You follow workshop")
    local.sim.click(CHLOE, ids.FOLLOW_WORKSHOP, channel=CHANNEL_ID)
    told(local, CHLOE, "You already follow workshop")
    local.wait_until_idle()
    assert follows(local) == 1
