"""`/workshop channels` end to end: the form, saving it, and the results per channel posted with
the gap results (and nothing of them for a workshop without channels)."""

from sqlmodel import select

from bot.slack import ids
from demo.local import CHANNEL_ID, PEOPLE
from flows.gaps.ratings import RawAnswer, save_ratings
from storage.models import Channel, Phase, Touchpoint
from tests.helpers import answered, said

ANA, CHLOE = PEOPLE[0].user_id, PEOPLE[2].user_id
JOURNEY = "Find: Search, Ads\nBuy: Checkout"


def touchpoints(local, workshop_id):
    with local.db.session() as session:
        rows = session.exec(
            select(Touchpoint.name, Touchpoint.id, Touchpoint.channel).where(
                Touchpoint.workshop_id == workshop_id
            )
        ).all()
    return {name: (tp_id, channel) for name, tp_id, channel in rows}


def rate(local, workshop_id, user, answers):
    ids_ = {name: tp for name, (tp, _) in touchpoints(local, workshop_id).items()}
    with local.db.session() as session:
        save_ratings(
            session,
            local.team_id,
            workshop_id,
            user,
            {ids_[name]: RawAnswer(str(e), str(x)) for name, (e, x) in answers.items()},
        )


def test_facilitator_sets_channels_and_the_gap_results_carry_them(local):
    workshop_id, board_ts = local.start_workshop(
        ANA, phase=Phase.rating, values={ids.SETUP_JOURNEY: JOURNEY}
    )
    tp = {name: tp_id for name, (tp_id, _) in touchpoints(local, workshop_id).items()}
    local.sim.slash_command(ANA, CHANNEL_ID, "channels")
    view = local.standin.wait_for(lambda: local.standin.top_view(ANA))
    assert view["callback_id"] == ids.CHANNELS_MODAL
    answer = local.sim.submit_view(
        ANA,
        {
            f"channel:{tp['Search']}": "web",
            f"channel:{tp['Ads']}": "social",
            f"channel:{tp['Checkout']}": "web",
        },
    )
    assert answer.status == 200 and answer.problems == []
    assert local.standin.top_view(ANA) is None
    said(local, ANA, "Saved the channels of 3 touchpoints")
    saved = {name: channel for name, (_, channel) in touchpoints(local, workshop_id).items()}
    assert saved == {"Search": Channel.web, "Ads": Channel.social, "Checkout": Channel.web}

    # Search −3 and Checkout −1 (web: −2.0); Ads +1 (social)
    rate(local, workshop_id, CHLOE, {"Search": (6, 3), "Ads": (4, 5), "Checkout": (5, 4)})
    local.sim.slash_command(CHLOE, CHANNEL_ID, "gaps")
    thread = local.standin.wait_for(
        lambda: [
            m
            for m in local.standin.thread(CHANNEL_ID, board_ts)
            if m["text"].startswith("Channels, round 1")
        ]
    )
    assert "served worst through Web (mean gap −2.0)" in thread[-1]["text"]
    files = local.standin.wait_for(
        lambda: [f for f in local.standin.files(CHANNEL_ID) if f["name"].startswith("channels")]
    )
    assert "Find: Web −3.0, Social +1.0. Buy: Web −1.0." in files[0]["alt_txt"]


def test_only_facilitators_set_channels(local):
    local.start_workshop(ANA, phase=Phase.rating, values={ids.SETUP_JOURNEY: JOURNEY})
    answered(local, CHLOE, "channels", "Only the facilitator can set the touchpoints' channels.")
    assert local.standin.top_view(CHLOE) is None


def test_a_workshop_without_lanes_posts_the_gap_results_as_before(local):
    """No channels, personas or emotion curve: the thread holds the gap results alone."""
    workshop_id, board_ts = local.start_workshop(
        ANA, phase=Phase.rating, values={ids.SETUP_JOURNEY: JOURNEY}
    )
    rate(local, workshop_id, CHLOE, {"Search": (6, 3)})
    answered(local, CHLOE, "gaps", "I posted the gaps of round 1")
    local.wait_until_idle()
    thread = local.standin.thread(CHANNEL_ID, board_ts)
    assert [m for m in thread if m["text"].startswith("Journey gaps, round 1")]
    assert not [
        m for m in thread if m["text"].startswith(("Channels", "Personas", "Emotion curve"))
    ]
    assert [f["name"] for f in local.standin.files(CHANNEL_ID)] == [
        f"journey-gaps-{workshop_id}-round-1.png"
    ]
