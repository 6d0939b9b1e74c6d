"""`/workshop emotions on|off` end to end, the feeling question in the rating form while it is
on (and not otherwise), and the curve posted with the gap results."""

from sqlmodel import select

from bot.slack import ids
from demo.local import CHANNEL_ID, PEOPLE
from storage.models import GapRating, Phase
from tests.helpers import answered, in_thread

ANA, CHLOE = PEOPLE[0].user_id, PEOPLE[2].user_id
JOURNEY = "Find: Search, Ads\nBuy: Checkout"


def open_form(local, user, board_ts):
    local.sim.click(user, ids.RATE_OPEN, channel=CHANNEL_ID, ts=board_ts)
    return local.standin.wait_for(lambda: local.standin.top_view(user))


def test_the_form_asks_how_customers_feel_only_while_the_curve_is_on(local):
    _, board_ts = local.start_workshop(ANA, phase=Phase.rating, values={ids.SETUP_JOURNEY: JOURNEY})
    form = open_form(local, CHLOE, board_ts)
    assert not [b for b in form["blocks"] if b["block_id"].startswith("emotion:")]
    local.sim.close_view(CHLOE)

    answered(
        local, CHLOE, "emotions on", "Only the facilitator can turn the emotion curve on or off."
    )
    answered(local, ANA, "emotions on", "The emotion curve is on for *Onboarding journey*")

    form = open_form(local, CHLOE, board_ts)
    feelings = [b["block_id"] for b in form["blocks"] if b["block_id"].startswith("emotion:")]
    assert len(feelings) == 2  # the Find page: Search and Ads
    search, ads = (block.split(":")[1] for block in feelings)
    answer = local.sim.submit_view(
        CHLOE,
        {
            f"expectation:{search}": "6",
            f"experience:{search}": "3",
            f"emotion:{search}": "very_negative",
            f"expectation:{ads}": "4",
            f"experience:{ads}": "5",
            f"emotion:{ads}": "positive",
        },
    )
    assert answer.problems == [] and answer.json.get("response_action") == "update", answer.json
    with local.db.session() as session:
        assert sorted(session.exec(select(GapRating.emotion)).all()) == [-2, 1]
    local.sim.close_view(CHLOE)

    local.sim.slash_command(CHLOE, CHANNEL_ID, "gaps")
    posted = in_thread(local, board_ts, "Emotion curve, round 1")
    assert posted[-1]["text"] == "Emotion curve, round 1: lowest at Search (−2.0)."
    curve = local.standin.wait_for(
        lambda: [f for f in local.standin.files(CHANNEL_ID) if f["name"].startswith("emotion")]
    )
    assert "Find: Search −2.0, Ads +1.0. Lowest: Search." in curve[0]["alt_txt"]


def test_emotions_explains_itself(local):
    workshop_id, _ = local.start_workshop(
        ANA, phase=Phase.rating, values={ids.SETUP_JOURNEY: JOURNEY}
    )
    answered(local, CHLOE, "emotions", f"Workshop #{workshop_id} has the emotion curve off.")


def rate_find(local, user, board_ts, search, ads):
    """Rate the Find page: (expectation, experience, feeling option) for Search and Ads."""
    form = open_form(local, user, board_ts)
    ids_ = [
        b["block_id"].split(":")[1] for b in form["blocks"] if b["block_id"].startswith("emotion:")
    ]
    values = {}
    for touchpoint, (expectation, experience, feeling) in zip(ids_, (search, ads), strict=True):
        values[f"expectation:{touchpoint}"] = str(expectation)
        values[f"experience:{touchpoint}"] = str(experience)
        values[f"emotion:{touchpoint}"] = feeling
    assert local.sim.submit_view(user, values).problems == []
    local.sim.close_view(user)


def test_from_round_two_the_curve_has_a_line_per_round_and_the_change(local):
    """Round 1: Search −2, Ads +1 (mean −0.5). Round 2: Search −1, Ads +1 (mean 0.0); like for
    like over both touchpoints the change is 0.0 − (−0.5) = +0.5."""
    _, board_ts = local.start_workshop(ANA, phase=Phase.rating, values={ids.SETUP_JOURNEY: JOURNEY})
    answered(local, ANA, "emotions on", "The emotion curve is on")
    rate_find(local, CHLOE, board_ts, (6, 3, "very_negative"), (4, 5, "positive"))
    answered(local, ANA, "round new", "Round 2 is open")
    rate_find(local, CHLOE, board_ts, (6, 4, "negative"), (4, 5, "positive"))
    local.sim.slash_command(CHLOE, CHANNEL_ID, "gaps")
    posted = local.standin.wait_for(
        lambda: [
            m
            for m in local.standin.thread(CHANNEL_ID, board_ts)
            if m["text"].startswith("Emotion curve, round 2")
        ]
    )
    shown = str(posted[-1]["blocks"])
    assert "*Per round*: round 1 −0.5 · round 2 0.0" in shown
    assert "*Change*: +0.5 since round 1 (over the 2 touchpoints with feelings in both)" in shown
    curve = local.standin.wait_for(
        lambda: [f for f in local.standin.files(CHANNEL_ID) if f["name"].endswith("-r2.png")]
    )
    assert curve[-1]["alt_txt"] == (
        "Emotion curve per round, mean feeling on −2 to +2 per touchpoint. "
        "Round 1: Search −2.0, Ads +1.0. Round 2 (now): Search −1.0, Ads +1.0; lowest Search −1.0."
    )
