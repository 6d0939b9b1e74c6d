"""`/workshop gaps | round | help` for gap rating, end to end."""

from sqlmodel import select

from bot.slack import ids
from demo.local import CHANNEL_ID, PEOPLE
from flows.gaps.ratings import RawAnswer, save_ratings
from storage.models import Phase, RatingRound, Touchpoint, Workshop
from tests.helpers import reply_to
from tests.recording import RecordingSlack, fire_at_once

ANA, CHLOE = PEOPLE[0].user_id, PEOPLE[2].user_id
JOURNEY = "Find: Search, Ads\nBuy: Checkout"


def test_gaps_before_anyone_rated_says_so_in_the_thread_and_privately(local):
    _, board_ts = local.start_workshop(ANA, phase=Phase.rating, values={ids.SETUP_JOURNEY: JOURNEY})
    assert reply_to(local, CHLOE, "gaps")["text"] == (
        "Nobody has rated round 1 yet, so there are no gaps to show."
    )
    thread = local.standin.thread(CHANNEL_ID, board_ts)
    assert "No ratings in round 1 of *Onboarding journey* yet" in thread[-1]["text"]
    assert local.standin.files(CHANNEL_ID) == []


def test_round_explains_itself_and_refuses_non_facilitators(local):
    workshop_id, _ = local.start_workshop(
        ANA, phase=Phase.rating, values={ids.SETUP_JOURNEY: JOURNEY}
    )
    assert reply_to(local, CHLOE, "round")["text"] == (
        f"Workshop #{workshop_id} is rating in round 1. Facilitators open the next round on the "
        "same touchpoints with `/workshop round new`, or one for a persona with "
        "`/workshop round persona NAME`."
    )
    assert (
        reply_to(local, CHLOE, "round new")["text"]
        == "Only the facilitator can open a new rating round."
    )
    assert reply_to(local, ANA, "round new")["text"] == (
        "Nobody has rated round 1 yet; rate it before opening another."
    )


def rate_round(local, workshop_id, user, then=Phase.rating):
    """`user` rates one touchpoint; then the workshop moves on to `then`."""
    with local.db.session() as session:
        touchpoint = session.exec(
            select(Touchpoint.id).where(Touchpoint.workshop_id == workshop_id)
        ).first()
        save_ratings(session, local.team_id, workshop_id, user, {touchpoint: RawAnswer("6", "3")})
        session.get(Workshop, workshop_id).phase = then


def rounds_opened(local, workshop_id):
    with local.db.session() as session:
        return session.exec(
            select(RatingRound.number).where(RatingRound.workshop_id == workshop_id)
        ).all()


def announcements(local, board_ts):
    thread = local.standin.thread(CHANNEL_ID, board_ts)
    return [m["text"] for m in thread if "opened *rating round" in m["text"]]


OPENED = "Round 2 is open; I announced it in the board's thread."


def test_round_new_typed_twice_opens_one_round(local):
    workshop_id, board_ts = local.start_workshop(
        ANA, phase=Phase.rating, values={ids.SETUP_JOURNEY: JOURNEY}
    )
    rate_round(local, workshop_id, CHLOE, then=Phase.voting)
    assert reply_to(local, ANA, "round new")["text"] == OPENED
    assert reply_to(local, ANA, "round new")["text"] == (
        "Round 2 is already open and nobody has rated it yet; I did not open another."
    )
    assert rounds_opened(local, workshop_id) == [2]
    assert len(announcements(local, board_ts)) == 1


def test_round_new_sent_several_times_at_once_opens_one_round(local):
    workshop_id, board_ts = local.start_workshop(
        ANA, phase=Phase.rating, values={ids.SETUP_JOURNEY: JOURNEY}
    )
    rate_round(local, workshop_id, CHLOE, then=Phase.fixes)
    recorder = RecordingSlack(local.standin, local.sim.bot_url, local.signing_secret)
    for _ in range(4):  # four separate commands (each its own trigger and response URL)
        recorder.slash_command(ANA, CHANNEL_ID, "round new")
    before = len(local.standin.ephemerals(user=ANA))
    answers = fire_at_once([local.sim], recorder.requests)
    assert [a.status for a in answers] == [200] * 4
    replies = local.standin.wait_for(
        lambda: len(r := local.standin.ephemerals(user=ANA)) >= before + 4 and r
    )[before:]
    texts = sorted(r["text"] for r in replies)
    assert texts.count(OPENED) == 1
    # Each of the others saw round 1 (and lost the race) or round 2 (already opened).
    assert all(t.startswith("Round 2 is already open") for t in texts if t != OPENED), texts
    assert rounds_opened(local, workshop_id) == [2]
    local.standin.wait_for(lambda: announcements(local, board_ts))
    assert len(announcements(local, board_ts)) == 1


def test_help_lists_the_gap_commands(local):
    text = str(
        local.standin.wait_for(
            lambda: (
                local.sim.slash_command(ANA, CHANNEL_ID, "help")
                and local.standin.ephemerals(user=ANA)
            )
        )[-1]
    )
    for usage in ("rate [#N]", "gaps [#N]", "nudge [#N]", "round new | persona NAME [#N]"):
        assert f"/workshop {usage}" in text
